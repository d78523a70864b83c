// Verifies backend/admin bearer tokens: HS256 with JWT_SECRET, or RS256 against a JWKS URL when one is configured.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import type { Config } from "../env";
import { ApiError } from "./errors";

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

const unauthorized = (message: string) => new ApiError(401, "invalid_token", message, undefined, { "WWW-Authenticate": 'Bearer error="invalid_token"' });

export async function verifyJwt(token: string, cfg: Config): Promise<JwtClaims> {
  const alg = peekAlg(token);
  // The algorithm list is fixed per key type, so `alg: none` and HS/RS confusion are refused by jose itself.
  const options = { requiredClaims: ["exp", "sub"], issuer: cfg.JWT_ISSUER, audience: cfg.JWT_AUDIENCE };
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
