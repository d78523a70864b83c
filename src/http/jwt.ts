// Verifies backend/admin bearer tokens: HS256 with JWT_SECRET, or RS256 against a JWKS URL when one is configured.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import type { Config } from "../env";
import { ApiError } from "./errors";
import { TtlCache } from "./ttl-cache";

export const jwtClaimsSchema = z.object({
  sub: z.string().min(1).max(256),
  role: z.enum(["admin", "user"]),
  project: z.string().min(1).max(64),
});
export type JwtClaims = z.infer<typeof jwtClaimsSchema>;

// One key set per URL per isolate: jose caches the fetched keys and refetches on an unknown `kid`.
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

function keySet(url: string): JWTVerifyGetKey {
  let set = remoteKeySets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url));
    remoteKeySets.set(url, set);
  }
  return set;
}

/**
 * Tokens already verified in this isolate, by their exact text (header, claims and signature) and the settings that
 * checked them: the same bytes verify the same way until they expire, and a backend sends the same token on every
 * call. Kept for at most a minute and never past `exp`. A changed JWT_SECRET misses the cache at once (it is part of
 * the key); a key rotated behind the same JWKS URL stops old tokens within a minute.
 */
const verified = new TtlCache<JwtClaims>(10_000);
const VERIFIED_TTL_MS = 60_000;

const unauthorized = (message: string) => new ApiError(401, "invalid_token", message, undefined, { "WWW-Authenticate": 'Bearer error="invalid_token"' });

// Keyed by what verification depends on, so a token is never trusted under settings it was not checked against.
const verifiedKey = (token: string, cfg: Config) => [cfg.JWT_SECRET ?? "", cfg.JWT_JWKS_URL ?? "", cfg.JWT_ISSUER ?? "", cfg.JWT_AUDIENCE ?? "", token].join("\u0000");

/** The claims of a token this isolate verified within the last minute (under the same settings), without verifying. */
export function recentlyVerified(token: string, cfg: Config, now = Date.now()): JwtClaims | undefined {
  return verified.get(verifiedKey(token, cfg), now);
}

export async function verifyJwt(token: string, cfg: Config, now = Date.now()): Promise<JwtClaims> {
  const cacheKey = verifiedKey(token, cfg);
  const known = verified.get(cacheKey, now);
  if (known) return known;
  const alg = peekAlg(token);
  // The algorithm list is fixed per key type, so `alg: none` and HS/RS confusion are refused by jose itself.
  const options = { requiredClaims: ["exp", "sub"], issuer: cfg.JWT_ISSUER, audience: cfg.JWT_AUDIENCE, currentDate: new Date(now) };
  try {
    let payload: unknown;
    if (alg === "RS256" && cfg.JWT_JWKS_URL) {
      ({ payload } = await jwtVerify(token, keySet(cfg.JWT_JWKS_URL), { ...options, algorithms: ["RS256"] }));
    } else if (cfg.JWT_SECRET) {
      ({ payload } = await jwtVerify(token, new TextEncoder().encode(cfg.JWT_SECRET), { ...options, algorithms: ["HS256"] }));
    } else {
      throw unauthorized("This deployment accepts no JWTs (neither JWT_SECRET nor JWT_JWKS_URL is set)");
    }
    const claims = jwtClaimsSchema.safeParse(payload);
    if (!claims.success) throw unauthorized("The token lacks the claims sub, role (admin|user) and project");
    const exp = (payload as { exp: number }).exp * 1000;
    verified.set(cacheKey, claims.data, Math.min(VERIFIED_TTL_MS, exp - now), now);
    return claims.data;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof joseErrors.JWTExpired) throw unauthorized("The token has expired");
    if (err instanceof joseErrors.JOSEAlgNotAllowed) throw unauthorized("The token's algorithm is not accepted");
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw unauthorized("The token's signature is invalid");
    if (err instanceof joseErrors.JWTClaimValidationFailed) throw unauthorized(`The token's ${err.claim} claim is invalid`);
    throw unauthorized("The token is malformed or cannot be verified");
  }
}

function peekAlg(token: string): string | undefined {
  try {
    const header = JSON.parse(atob(token.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/")));
    return typeof header.alg === "string" ? header.alg : undefined;
  } catch {
    return undefined;
  }
}
