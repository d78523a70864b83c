// Server-assigned event ids: random by default, derived from the request's Idempotency-Key when one is sent.
const encoder = new TextEncoder();

/**
 * A UUID (version 8, "custom") from SHA-256(project, key, index): the same request retried with the same
 * Idempotency-Key gets the same ids, so a retry after a 503 or a lost response never duplicates events.
 */
export async function derivedEventId(projectId: string, idempotencyKey: string, index: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(`${projectId}\u0000${idempotencyKey}\u0000${index}`)));
  const b = digest.slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80; // version 8
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function assignEventId(projectId: string, idempotencyKey: string | undefined, index: number): Promise<string> | string {
  return idempotencyKey ? derivedEventId(projectId, idempotencyKey, index) : crypto.randomUUID();
}
