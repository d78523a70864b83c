// The operations surface: health, status, the OpenAPI document and the docs page, and unknown routes.
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call } from "./helpers/api";

describe("operations surface", () => {
  it("healthz checks D1", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", d1: { ok: true } });
  });

  it("healthz answers 503 naming the problem when the deployment's configuration is invalid", async () => {
    const worker = (await import("../src/index")).default;
    const res = await worker.fetch(new Request("https://edgeloop.test/healthz"), { ...env, JWT_SECRET: "short" } as never, createExecutionContext());
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; configuration: { ok: boolean; detail: string } };
    expect(body).toMatchObject({ status: "unavailable", configuration: { ok: false } });
    expect(body.configuration.detail).toContain("JWT_SECRET must be at least 16 characters");
  });

  it("status names the components, the version and the applied migration", async () => {
    const res = await call("/v1/status");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: string; migration: string; components: Record<string, { ok: boolean }> };
    expect(body.version).toMatch(/^\d+\.\d+\.\d+$/);
    // The newest migration file, as the test setup applied them from migrations/.
    expect(body.migration).toBe(env.TEST_MIGRATIONS.at(-1)!.name);
    expect(body.migration).toMatch(/^\d{4}_.+\.sql$/);
    expect(Object.entries(body.components).map(([k, v]) => [k, v.ok])).toEqual([
      ["configuration", true],
      ["d1", true],
      ["r2", true],
      ["events_queue", true],
      ["dead_letter_queue", true],
      ["rate_limiter", true],
      ["bandit_buckets", true],
    ]);
  });

  it("publishes OpenAPI 3.1 with every route, its schemas and security schemes", async () => {
    const doc = (await (await call("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/healthz",
        "/v1/status",
        "/v1/events",
        "/v1/collect",
        "/v1/admin/projects",
        "/v1/admin/projects/{project}/keys",
        "/v1/admin/projects/{project}/keys/{key_id}",
        "/v1/admin/projects/{project}/event-names",
        "/v1/admin/dead-letters",
        "/v1/admin/dead-letters/replay",
        "/v1/learning/evaluate",
      ]),
    );
    expect(Object.keys(doc.paths["/v1/events"]!.post!.responses)).toEqual(expect.arrayContaining(["202", "400", "401", "403", "413", "429", "503"]));
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["bearer", "publishableKey", "publishableKeyQuery"]);
    // The benchmark's floor is not part of the public API.
    expect(Object.keys(doc.paths).filter((p) => p.startsWith("/__bench"))).toEqual([]);
    const docs = await call("/docs");
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("swagger");
  });

  it("answers unknown routes and the disabled bench floor with the one error shape", async () => {
    const res = await call("/v1/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "No route GET /v1/nope" } });
    expect((await call("/__bench/noop", { method: "POST", body: "{}" })).status).toBe(404);
  });

  it("answers a path with a copied placeholder (<decision_id>, percent-encoded as a URL carries it) in the one error shape", async () => {
    // A literal "<" on the wire never reaches a Worker (the HTTP server refuses it first, docs/architecture.md); every
    // client that builds a URL sends %3C, and that must meet the JSON shape, not a plain-text 400.
    for (const path of ["/v1/decisions/<decision_id>", "/v1/exports/%3Cexport_id%3E", "/v1/nope/<x>"]) {
      const res = await call(path, { headers: { authorization: "Bearer not-a-token" } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(((await res.json()) as { error: { code: string } }).error.code).toEqual(expect.any(String));
    }
  });

  it("answers the bench floor with 202 when ENABLE_BENCH_ROUTES=true", async () => {
    const worker = (await import("../src/index")).default;
    const req = new Request("https://edgeloop.test/__bench/noop", { method: "POST", body: "[]" });
    const res = await worker.fetch(req, { ...env, ENABLE_BENCH_ROUTES: "true" } as never, createExecutionContext());
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 0 });
  });
});
