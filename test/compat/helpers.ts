// Compat test helpers: the clients' ways of packing a request (Basic auth, gzip, base64, forms) and project setup.
import { env } from "cloudflare:workers";
import { bearer, call, eventsOf, json, newProject, waitForEvents, type EventRowInDb } from "../helpers/api";

export const basic = (writeKey: string) => ({ authorization: `Basic ${btoa(`${writeKey}:`)}` });

export async function gzip(text: string | Uint8Array): Promise<Uint8Array> {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function base64(bytes: Uint8Array | string): string {
  const b = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

export const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) => call(path, { method: "POST", headers, body });

/** A project whose custom event names are registered (compat standard names need no registration). */
export async function compatProject(names: string[] = [], opts: { origins?: string[] } = {}) {
  const p = await newProject(opts);
  if (names.length > 0) {
    const res = await json(`/v1/admin/projects/${p.id}/event-names`, { event_names: names.map((name) => ({ name })) }, bearer(p.admin));
    if (res.status !== 200 && res.status !== 201) throw new Error(`event names: ${res.status} ${await res.text()}`);
  }
  return p;
}

export const setPii = (project: string, admin: string, body: unknown) => json(`/v1/admin/projects/${project}`, body, bearer(admin), "PATCH");

/**
 * Waits for `count` rows, then sends one marker event through /v1/events and waits for it too: the queue delivers in
 * order of sending here, so once the marker is in, anything the earlier requests could still add has landed.
 */
export async function settledEvents(projectId: string, key: string, count: number): Promise<EventRowInDb[]> {
  await waitForEvents(projectId, count);
  const marker = crypto.randomUUID();
  const res = await json("/v1/events", { event_id: marker, event_name: "button_click" }, { "x-edgeloop-key": key });
  if (res.status !== 202) throw new Error(`marker: ${res.status} ${await res.text()}`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await eventsOf(projectId);
    if (rows.some((r) => r.event_id === marker)) return rows.filter((r) => r.event_id !== marker);
    if (Date.now() > deadline) throw new Error("the marker event never landed");
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function hmac(project: string, value: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(env.USER_ID_SALT as string), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, enc.encode(`${project}\u0000${value}`));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function identitiesOf(projectId: string) {
  const { results } = await env.DB.prepare("SELECT anonymous_id, user_id, source FROM identities WHERE project_id = ?1 ORDER BY anonymous_id").bind(projectId).all();
  return results;
}

/** Everything the project stored, as one string: to prove a value was never written in clear. */
export async function everythingStored(projectId: string): Promise<string> {
  const events = await eventsOf(projectId);
  return JSON.stringify([events, await identitiesOf(projectId)]);
}
