// One request counts once against its rate limit on every authenticated route (Hono's "/x/*" also matches "/x": a
// middleware registered for both ran twice, and X-RateLimit-Remaining fell by 2 per decision).
import { describe, expect, it } from "vitest";
import { asOperator, call, hs256, newProject } from "../helpers/api";

type Operation = { security?: Array<Record<string, unknown>> };
type OpenApi = { paths: Record<string, Record<string, Operation>> };

describe("rate limits count each request once", () => {
  it("decrements X-RateLimit-Remaining by exactly 1 per request on every authenticated route in the OpenAPI document", async () => {
    const p = await newProject();
    const doc = (await (await call("/openapi.json")).json()) as OpenApi;
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => (op.security ?? []).length > 0)
        .map(([method, op]) => ({ method: method.toUpperCase(), path, security: op.security! })),
    );
    // Every authenticated family must be here, or the test would pass by testing nothing.
    const families = new Set(operations.map((o) => o.path.split("/").slice(0, 3).join("/")));
    expect([...families].sort()).toEqual(["/v1/admin", "/v1/ads", "/v1/collect", "/v1/decisions", "/v1/events", "/v1/experiments", "/v1/exports", "/v1/forecasts", "/v1/learning", "/v1/ml", "/v1/reports", "/v1/users"]);

    const checked: string[] = [];
    for (const [i, op] of operations.entries()) {
      const operatorOnly = op.path === "/v1/admin/projects";
      // A fresh admin per route starts with a full allowance, so its two requests are the only hits counted. The
      // operator (creating and listing projects) is one subject for the whole file: only its difference counts.
      const headers: Record<string, string> = operatorOnly ? asOperator : { authorization: `Bearer ${await hs256({ sub: `admin-${i}`, role: "admin", project: p.id })}` };
      const url = op.path.replace(/\{project\}/g, p.id).replace(/\{[a-z_]+\}/g, "unknown-id");
      const send = () =>
        call(url, op.method === "GET" || op.method === "DELETE" ? { method: op.method, headers } : { method: op.method, headers: { ...headers, "content-type": "application/json" }, body: "{}" });
      const first = await send();
      const second = await send();
      const remaining = [first, second].map((r) => Number(r.headers.get("x-ratelimit-remaining")));
      const limit = Number(first.headers.get("x-ratelimit-limit"));
      const firstHit = operatorOnly ? 1 : limit - remaining[0]!;
      expect([op.method, op.path, limit > 0, firstHit, remaining[0]! - remaining[1]!]).toEqual([op.method, op.path, true, 1, 1]);
      checked.push(`${op.method} ${op.path}`);
    }
    expect(checked.length).toBeGreaterThanOrEqual(25);
  });
});
