// Deterministic event ids for the compatibility intake: a client's own id when it is a UUID, else a UUIDv5 of it.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

/** edgeloop's UUIDv5 namespace for client ids (a fixed random UUID; changing it would re-key every stored compat event). */
export const COMPAT_NAMESPACE = "6f1c0c52-3f4e-4b8e-9a57-2d0c8e1f5b3a";

const encoder = new TextEncoder();

function bytesOfUuid(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, "");
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

function uuidOfBytes(b: Uint8Array): string {
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** RFC 9562 §5.5: SHA-1 of namespace ‖ name, version 5, variant 10. */
export async function uuidV5(name: string, namespace = COMPAT_NAMESPACE): Promise<string> {
  const ns = bytesOfUuid(namespace);
  const nameBytes = encoder.encode(name);
  const input = new Uint8Array(ns.length + nameBytes.length);
  input.set(ns);
  input.set(nameBytes, ns.length);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", input)).slice(0, 16);
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  return uuidOfBytes(digest);
}

/**
 * The stored event id for a client's id: kept when it is a UUID (posthog's uuid, a v7), else the UUIDv5 of the project
 * and the id (Segment's `node-next-<ms>-<uuid>`), so the same message sent twice is the same row. Lower-cased, so a
 * client that changes the case of its UUID still dedupes.
 */
export function eventIdFor(projectId: string, clientId: string): Promise<string> | string {
  return isUuid(clientId) ? clientId.toLowerCase() : uuidV5(`${projectId}\u0000${clientId}`);
}

/** JSON with sorted object keys, so the same content hashes the same whatever order a client wrote it in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
