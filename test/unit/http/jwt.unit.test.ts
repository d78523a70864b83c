// verifyJwt's per-isolate cache of verified tokens: never past exp, never across settings the token was not checked under.
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../../src/env";
import { verifyJwt } from "../../../src/http/jwt";

const SECRET = "unit-jwt-secret-0123456789abcdef";
const cfg = (overrides: Record<string, string> = {}) => configSchema.parse({ JWT_SECRET: SECRET, ...overrides });

async function token(expSeconds: number, secret = SECRET, extra: Record<string, unknown> = {}) {
  return new SignJWT({ role: "admin", project: "p1", ...extra })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("s1")
    .setExpirationTime(expSeconds)
    .sign(new TextEncoder().encode(secret));
}

const codeOf = (p: Promise<unknown>) => p.then(() => "ok", (e: { code?: string; message: string }) => e.message);

describe("verifyJwt's cache of verified tokens", () => {
  it("answers a token it verified from memory, but not under another secret, issuer or audience", async () => {
    const now = Date.now();
    const t = await token(Math.floor(now / 1000) + 3600);
    expect(await verifyJwt(t, cfg(), now)).toEqual({ sub: "s1", role: "admin", project: "p1" });
    expect(await verifyJwt(t, cfg(), now + 1000)).toEqual({ sub: "s1", role: "admin", project: "p1" });
    // The same text under settings that would refuse it is verified again, and refused.
    expect(await codeOf(verifyJwt(t, cfg({ JWT_SECRET: "another-secret-0123456789abcdef" }), now))).toBe("The token's signature is invalid");
    expect(await codeOf(verifyJwt(t, cfg({ JWT_ISSUER: "https://idp.example" }), now))).toMatch(/claim is invalid/);
    expect(await codeOf(verifyJwt(t, cfg({ JWT_AUDIENCE: "edgeloop" }), now))).toMatch(/claim is invalid/);
  });

  it("never serves a token past its exp, even within the cache's minute", async () => {
    const expSeconds = Math.floor(Date.now() / 1000) + 2;
    const t = await token(expSeconds);
    const before = expSeconds * 1000 - 1500;
    expect(await verifyJwt(t, cfg(), before)).toMatchObject({ sub: "s1" });
    // Cached for exp − now (1.5 s), not the cache's minute: a millisecond before exp it is still served…
    expect(await verifyJwt(t, cfg(), expSeconds * 1000 - 1)).toMatchObject({ sub: "s1" });
    // …and at exp the entry is gone, so the token is verified again and refused as expired.
    expect(await codeOf(verifyJwt(t, cfg(), expSeconds * 1000 + 10))).toBe("The token has expired");
  });

  it("does not cache a refusal: a tampered token stays refused, the genuine one still passes", async () => {
    const now = Date.now();
    const t = await token(Math.floor(now / 1000) + 3600);
    const [h, p, s] = t.split(".");
    const tampered = `${h}.${btoa(JSON.stringify({ role: "admin", project: "p2", sub: "s1", exp: Math.floor(now / 1000) + 3600 })).replace(/=+$/, "")}.${s}`;
    expect(await codeOf(verifyJwt(tampered, cfg(), now))).toBe("The token's signature is invalid");
    expect(await codeOf(verifyJwt(tampered, cfg(), now))).toBe("The token's signature is invalid");
    expect(await verifyJwt(`${h}.${p}.${s}`, cfg(), now)).toMatchObject({ project: "p1" });
  });
});
