// CORS for the browser-facing ingest routes: each publishable key's origin allow-list, preflight included.
import type { Context, MiddlewareHandler } from "hono";
import { database } from "../db/client";
import { config } from "../env";
import { findActiveKey, keysAllowOrigin, originAllowed } from "../projects/publishable-keys";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

const ALLOWED_HEADERS = "Content-Type, X-Edgeloop-Key, Authorization, Idempotency-Key";

/**
 * A preflight carries no custom headers, so the key is unknown unless it rides in ?key=. Without it, the origin must be
 * allowed by some active key; the real request is then checked against its own key's list (see auth.ts).
 */
export const preflight: MiddlewareHandler<AppEnv> = async (c) => {
  const origin = c.req.header("origin");
  if (!origin) throw new ApiError(400, "not_a_preflight", "A CORS preflight needs an Origin header");
  const db = database(c.env.DB);
  const keyParam = c.req.query("key");
  const allowed = keyParam
    ? await findActiveKey(db, keyParam, config(c.env).REGISTRY_CACHE_SECONDS).then((k) => !!k && originAllowed(k.allowedOrigins, origin))
    : await keysAllowOrigin(db, origin);
  if (!allowed) throw new ApiError(403, "origin_not_allowed", "No active key allows this origin", { origin });
  return c.body(null, 204, {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": ALLOWED_HEADERS,
    "Access-Control-Max-Age": "600",
    Vary: "Origin",
  });
};

/** Is the caller's origin one its project lets read responses? A key answers from its own list; a JWT from its project's keys. */
async function mayExpose(c: Context<AppEnv>, origin: string): Promise<boolean> {
  const principal = c.get("principal");
  if (principal?.kind === "publishable_key") return originAllowed(principal.allowedOrigins, origin);
  if (principal?.kind === "jwt") return keysAllowOrigin(database(c.env.DB), origin, principal.projectId);
  return false;
}

/** On the real request: expose the response to the page only when the caller's project allows its origin. */
export const corsForCaller: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const origin = c.req.header("origin");
  c.res.headers.append("Vary", "Origin");
  if (origin && (await mayExpose(c, origin))) {
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.set("Access-Control-Expose-Headers", "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset");
  }
};
