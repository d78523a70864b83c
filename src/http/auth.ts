// Authentication middleware: turns the presented credential into a Principal, or answers 401/403.
import type { MiddlewareHandler } from "hono";
import { config } from "../env";
import { database } from "../db/client";
import { findActiveKey, KEY_PREFIX, originAllowed } from "../projects/publishable-keys";
import type { AppContext, AppEnv } from "./context";
import { matchesDigest, secretDigest } from "./crypto";
import { ApiError } from "./errors";
import { recentlyVerified, verifyJwt } from "./jwt";
import type { Principal } from "./principal";

export type Credential = { type: "bearer"; token: string } | { type: "publishable_key"; key: string };

/** Where a credential may come from: a bearer token, the X-Edgeloop-Key header, or ?key= (navigator.sendBeacon cannot set headers). */
export function presentedCredential(c: AppContext): Credential | null {
  const authorization = c.req.header("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new ApiError(401, "invalid_authorization", "Use 'Authorization: Bearer <token>'");
    const token = match[1]!;
    return token.startsWith(KEY_PREFIX) ? { type: "publishable_key", key: token } : { type: "bearer", token };
  }
  const key = c.req.header("x-edgeloop-key") ?? c.req.query("key");
  return key ? { type: "publishable_key", key } : null;
}

// ADMIN_TOKEN's digest, computed once per isolate (keyed by the token, so a changed secret is hashed anew).
let operatorDigest: { token: string; digest: Promise<ArrayBuffer> } | null = null;

function operatorTokenDigest(token: string): Promise<ArrayBuffer> {
  if (operatorDigest?.token !== token) operatorDigest = { token, digest: secretDigest(token) };
  return operatorDigest.digest;
}

export async function principalFor(c: AppContext, credential: Credential): Promise<Principal> {
  const cfg = config(c.env);
  if (credential.type === "bearer") {
    // A backend presents the same JWT on every request: one verified within the last minute is not ADMIN_TOKEN (that
    // one is never verified as a JWT), so it skips the hashing of the operator comparison. Any other token is compared,
    // in constant time.
    const known = recentlyVerified(credential.token, cfg);
    if (!known && cfg.ADMIN_TOKEN && (await matchesDigest(credential.token, operatorTokenDigest(cfg.ADMIN_TOKEN)))) return { kind: "operator" };
    const claims = known ?? (await verifyJwt(credential.token, cfg));
    return { kind: "jwt", sub: claims.sub, role: claims.role, projectId: claims.project };
  }
  const key = await findActiveKey(database(c.env.DB), credential.key, cfg.REGISTRY_CACHE_SECONDS);
  if (!key) throw new ApiError(401, "invalid_key", "The publishable key is unknown or has been revoked");
  // Browsers always send Origin on cross-origin POSTs; a request without one is not a browser's, and a
  // publishable key is public by design, so the allow-list only binds browsers (as PostHog's and Segment's do).
  const origin = c.req.header("origin");
  if (origin && !originAllowed(key.allowedOrigins, origin)) {
    throw new ApiError(403, "origin_not_allowed", "This key does not allow requests from this origin", { origin });
  }
  return { kind: "publishable_key", ...key };
}

/** Requires one of the given credential kinds. Publishable keys are write-only, so only ingest routes accept them. */
export function authenticate(...kinds: Principal["kind"][]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const credential = presentedCredential(c);
    if (!credential) {
      throw new ApiError(401, "unauthenticated", "Credentials are required: a bearer token or a publishable key", undefined, {
        "WWW-Authenticate": "Bearer",
      });
    }
    const principal = await principalFor(c, credential);
    if (!kinds.includes(principal.kind)) {
      throw new ApiError(403, "forbidden", principal.kind === "publishable_key" ? "Publishable keys can only send events" : "These credentials cannot use this route");
    }
    c.set("principal", principal);
    await next();
  };
}
