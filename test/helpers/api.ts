// Test helpers: call the Worker as a client would, sign tokens, and wait for the queue consumer to reach D1.
import { env, exports } from "cloudflare:workers";
import { importJWK, SignJWT } from "jose";

export const BASE = "https://edgeloop.test";
export const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
const JWT_SECRET = new TextEncoder().encode("test-jwt-secret-0123456789abcdef");

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

export function json(path: string, body: unknown, headers: Record<string, string> = {}, method = "POST") {
  return call(path, { method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const asOperator = bearer(ADMIN_TOKEN);

type Claims = { sub?: string; role?: string; project?: string; [k: string]: unknown };

export async function hs256(claims: Claims, opts: { expiresIn?: string | number; secret?: Uint8Array } = {}) {
  const { sub, ...rest } = claims;
  const jwt = new SignJWT(rest).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime(opts.expiresIn ?? "1h");
  if (sub) jwt.setSubject(sub);
  return jwt.sign(opts.secret ?? JWT_SECRET);
}

export async function rs256(claims: Claims) {
  const { sub, ...rest } = claims;
  const key = await importJWK(JSON.parse(env.TEST_RS256_PRIVATE_JWK as string), "RS256");
  return new SignJWT(rest).setProtectedHeader({ alg: "RS256", kid: "test-rs256" }).setSubject(sub!).setIssuedAt().setExpirationTime("1h").sign(key);
}

let counter = 0;
export const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** A fresh project with one publishable key, so tests never share state. */
export async function newProject(opts: { origins?: string[]; ingestLimit?: number } = {}) {
  const id = uniqueId("p");
  const created = await json("/v1/admin/projects", { id, name: id, ingest_rate_limit_per_minute: opts.ingestLimit }, asOperator);
  if (created.status !== 201) throw new Error(`project: ${created.status} ${await created.text()}`);
  const keyRes = await json(`/v1/admin/projects/${id}/keys`, { allowed_origins: opts.origins ?? ["https://app.example.com"] }, asOperator);
  if (keyRes.status !== 201) throw new Error(`key: ${keyRes.status} ${await keyRes.text()}`);
  const key = (await keyRes.json()) as { key: string; key_id: string };
  return {
    id,
    key: key.key,
    keyId: key.key_id,
    admin: await hs256({ sub: "admin-1", role: "admin", project: id }),
    user: (sub: string) => hs256({ sub, role: "user", project: id }),
  };
}

export type EventRowInDb = Record<string, unknown> & { event_id: string; user_id: string | null };

export async function eventsOf(projectId: string): Promise<EventRowInDb[]> {
  const { results } = await env.DB.prepare("SELECT * FROM events WHERE project_id = ?1 ORDER BY occurred_at, event_id").bind(projectId).all<EventRowInDb>();
  return results;
}

/** Waits (bounded) until the queue consumer has written `count` rows for the project. */
export async function waitForEvents(projectId: string, count: number, timeoutMs = 10_000): Promise<EventRowInDb[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await eventsOf(projectId);
    if (rows.length >= count) return rows;
    if (Date.now() > deadline) throw new Error(`expected ${count} events in D1 for ${projectId}, found ${rows.length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const ev = (name = "page_view", extra: Record<string, unknown> = {}): Record<string, unknown> & { event_name: string } => ({ event_name: name, ...extra });
