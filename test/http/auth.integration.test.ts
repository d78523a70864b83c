// Authentication and authorisation on every kind of route: the failures a client can meet, one by one.
import { describe, expect, it } from "vitest";
import { asOperator, bearer, call, ev, hs256, json, newProject, rs256, waitForEvents } from "../helpers/api";

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe("bearer tokens", () => {
  it("refuses a request with no credentials (401, WWW-Authenticate)", async () => {
    const res = await json("/v1/events", ev());
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect((await codeOf(res)).code).toBe("unauthenticated");
    expect((await call("/v1/admin/projects")).status).toBe(401);
  });

  it("refuses a token signed with another secret", async () => {
    const p = await newProject();
    const forged = await hs256({ sub: "x", role: "admin", project: p.id }, { secret: new TextEncoder().encode("another-secret-0123456789abcdef") });
    const res = await call(`/v1/admin/projects/${p.id}`, { headers: bearer(forged) });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toMatchObject({ code: "invalid_token", message: "The token's signature is invalid" });
  });

  it("refuses a tampered token (payload changed after signing)", async () => {
    const p = await newProject();
    const token = await hs256({ sub: "u", role: "user", project: p.id });
    const [h, , s] = token.split(".");
    const payload = btoa(JSON.stringify({ sub: "u", role: "admin", project: p.id, exp: Math.floor(Date.now() / 1000) + 3600 })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const res = await call(`/v1/admin/projects/${p.id}`, { headers: bearer(`${h}.${payload}.${s}`) });
    expect(res.status).toBe(401);
  });

  it("refuses an expired token", async () => {
    const p = await newProject();
    const expired = await hs256({ sub: "a", role: "admin", project: p.id }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const res = await call(`/v1/admin/projects/${p.id}`, { headers: bearer(expired) });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toMatchObject({ code: "invalid_token", message: "The token has expired" });
  });

  it("refuses alg: none", async () => {
    const p = await newProject();
    const enc = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const unsigned = `${enc({ alg: "none", typ: "JWT" })}.${enc({ sub: "a", role: "admin", project: p.id, exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    const res = await call(`/v1/admin/projects/${p.id}`, { headers: bearer(unsigned) });
    expect(res.status).toBe(401);
    expect((await codeOf(res)).code).toBe("invalid_token");
  });

  it("refuses a token without the role/project claims or without an expiry", async () => {
    const p = await newProject();
    const noRole = await hs256({ sub: "a", project: p.id });
    expect((await call(`/v1/admin/projects/${p.id}`, { headers: bearer(noRole) })).status).toBe(401);
    const { SignJWT } = await import("jose");
    const noExp = await new SignJWT({ role: "admin", project: p.id }).setProtectedHeader({ alg: "HS256" }).setSubject("a").sign(new TextEncoder().encode("test-jwt-secret-0123456789abcdef"));
    expect((await call(`/v1/admin/projects/${p.id}`, { headers: bearer(noExp) })).status).toBe(401);
  });

  it("refuses a malformed Authorization header and a wrong operator token", async () => {
    expect((await call("/v1/admin/projects", { headers: { authorization: "Basic abc" } })).status).toBe(401);
    expect((await call("/v1/admin/projects", { headers: bearer("test-admin-token-0123456789abcdeX") })).status).toBe(401);
    expect((await call("/v1/admin/projects", { headers: asOperator })).status).toBe(200);
  });

  it("accepts an RS256 token verified against the JWKS URL", async () => {
    const p = await newProject();
    const token = await rs256({ sub: "admin-rs", role: "admin", project: p.id });
    const res = await call(`/v1/admin/projects/${p.id}`, { headers: bearer(token) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: p.id });
  });
});

describe("authorisation", () => {
  it("keeps an admin inside its own project", async () => {
    const a = await newProject();
    const b = await newProject();
    const res = await call(`/v1/admin/projects/${b.id}/keys`, { headers: bearer(a.admin) });
    expect(res.status).toBe(403);
    expect((await codeOf(res)).code).toBe("wrong_project");
    expect((await call(`/v1/admin/projects/${a.id}/keys`, { headers: bearer(a.admin) })).status).toBe(200);
  });

  it("lets a user write events but not administer", async () => {
    const p = await newProject();
    const user = await p.user("u-1");
    expect((await call(`/v1/admin/projects/${p.id}/event-names`, { headers: bearer(user) })).status).toBe(403);
    expect((await json("/v1/events", ev(), bearer(user))).status).toBe(202);
    await waitForEvents(p.id, 1);
  });

  it("lets only the operator create and list projects", async () => {
    const p = await newProject();
    expect((await json("/v1/admin/projects", { id: "sneaky", name: "x" }, bearer(p.admin))).status).toBe(403);
    expect((await call("/v1/admin/projects", { headers: bearer(p.admin) })).status).toBe(403);
  });

  it("keeps publishable keys write-only", async () => {
    const p = await newProject();
    const res = await call(`/v1/admin/projects/${p.id}/keys`, { headers: { "x-edgeloop-key": p.key } });
    expect(res.status).toBe(403);
    expect((await codeOf(res)).message).toBe("Publishable keys can only send events");
  });
});

describe("publishable keys", () => {
  it("are stored hashed, listed without the secret, and revocable", async () => {
    const p = await newProject();
    const list = (await (await call(`/v1/admin/projects/${p.id}/keys`, { headers: bearer(p.admin) })).json()) as { keys: Array<Record<string, unknown>> };
    expect(list.keys).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(p.key);
    expect(list.keys[0]).toMatchObject({ key_id: p.keyId, key_prefix: p.key.slice(0, 10), revoked_at: null });

    expect((await json("/v1/events", ev(), { "x-edgeloop-key": p.key })).status).toBe(202);
    const revoke = await call(`/v1/admin/projects/${p.id}/keys/${p.keyId}`, { method: "DELETE", headers: bearer(p.admin) });
    expect(revoke.status).toBe(200);
    expect(((await revoke.json()) as { revoked_at: string | null }).revoked_at).not.toBeNull();

    const after = await json("/v1/events", ev(), { "x-edgeloop-key": p.key });
    expect(after.status).toBe(401);
    expect((await codeOf(after)).code).toBe("invalid_key");
    expect((await call(`/v1/admin/projects/${p.id}/keys/key_missing`, { method: "DELETE", headers: bearer(p.admin) })).status).toBe(404);
  });

  it("refuse an unknown key and another project's key for a named project", async () => {
    const a = await newProject();
    const b = await newProject();
    expect((await json("/v1/events", ev(), { "x-edgeloop-key": "pk_000000000000000000000000000000000000000000000000" })).status).toBe(401);
    const cross = await json(`/v1/events?project=${b.id}`, ev(), { "x-edgeloop-key": a.key });
    expect(cross.status).toBe(403);
    expect((await codeOf(cross)).code).toBe("wrong_project");
  });

  it("answer a malformed admin body with 400 malformed_json", async () => {
    const res = await call("/v1/admin/projects", { method: "POST", headers: { ...asOperator, "content-type": "application/json" }, body: "{bad" });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toMatchObject({ code: "malformed_json" });
  });

  it("validate origins when created", async () => {
    const p = await newProject();
    const bad = await json(`/v1/admin/projects/${p.id}/keys`, { allowed_origins: ["https://ok.example.com/path"] }, bearer(p.admin));
    expect(bad.status).toBe(400);
    expect(await codeOf(bad)).toMatchObject({ code: "validation_failed" });
  });
});

describe("CORS", () => {
  it("answers a preflight for an allowed origin and refuses a disallowed one", async () => {
    const p = await newProject({ origins: ["https://shop.example.org"] });
    const ok = await call("/v1/events", { method: "OPTIONS", headers: { origin: "https://shop.example.org", "access-control-request-method": "POST" } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://shop.example.org");
    expect(ok.headers.get("access-control-allow-headers")).toContain("X-Edgeloop-Key");

    const withKey = await call(`/v1/collect?key=${p.key}`, { method: "OPTIONS", headers: { origin: "https://shop.example.org" } });
    expect(withKey.status).toBe(204);

    const bad = await call("/v1/events", { method: "OPTIONS", headers: { origin: "https://evil.example.net", "access-control-request-method": "POST" } });
    expect(bad.status).toBe(403);
    expect(bad.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("exposes a browser's JWT-authenticated response only to origins its project's keys allow", async () => {
    const p = await newProject({ origins: ["https://shop.example.org"] });
    const user = await p.user("u-1");
    const ok = await json("/v1/events", ev(), { ...bearer(user), origin: "https://shop.example.org" });
    expect(ok.status).toBe(202);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://shop.example.org");
    const other = await json("/v1/events", ev(), { ...bearer(user), origin: "https://evil.example.net" });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    await waitForEvents(p.id, 2);
  });

  it("refuses a request from a disallowed origin and exposes the response to an allowed one", async () => {
    const p = await newProject({ origins: ["https://shop.example.org"] });
    const bad = await json("/v1/events", ev(), { "x-edgeloop-key": p.key, origin: "https://evil.example.net" });
    expect(bad.status).toBe(403);
    expect(bad.headers.get("access-control-allow-origin")).toBeNull();
    expect(await codeOf(bad)).toMatchObject({ code: "origin_not_allowed" });

    const good = await json("/v1/events", ev(), { "x-edgeloop-key": p.key, origin: "https://shop.example.org" });
    expect(good.status).toBe(202);
    expect(good.headers.get("access-control-allow-origin")).toBe("https://shop.example.org");
    expect(good.headers.get("vary")).toContain("Origin");
    await waitForEvents(p.id, 1);
  });
});
