// Fuzz properties for the public operations routes and the router itself: any method on any path gets a 2xx or a 4xx in the one shape.
import fc from "fast-check";
import { describe, it } from "vitest";
import { anyString, bodyOf, anyJson, queryOf, segment, wellFormed } from "./arbitraries";
import { planOf, send, type Fixture } from "./fixture";
import { fuzzRoute, fuzzTimeout } from "./fuzz-kit";

/** Every route template of the app, with its parameters as generated segments. */
const KNOWN_PATHS = [
  "/healthz", "/v1/status", "/openapi.json", "/docs", "/__bench/noop", "/v1/events", "/v1/collect", "/v1/decisions", "/v1/decisions/:x", "/v1/learning/status", "/v1/learning/evaluate",
  "/v1/reports/dau", "/v1/reports/active", "/v1/reports/events/summary", "/v1/reports/events", "/v1/reports/cohorts", "/v1/exports", "/v1/exports/:x",
  "/v1/downloads/:x", "/v1/forecasts/popularity", "/v1/users/:x/analytics", "/v1/admin/projects", "/v1/admin/projects/:x", "/v1/admin/projects/:x/keys",
  "/v1/admin/projects/:x/keys/:x", "/v1/admin/projects/:x/event-names", "/v1/admin/projects/:x/decision-types", "/v1/admin/projects/:x/decision-types/:x",
  "/v1/admin/jobs/:x", "/v1/admin/jobs/runs", "/v1/admin/dead-letters", "/v1/admin/dead-letters/replay",
  // The compatibility intake (src/compat): Segment, PostHog and seed 002 paths.
  "/v1/batch", "/v1/track", "/v1/identify", "/v1/page", "/v1/screen", "/v1/group", "/v1/alias", "/batch/", "/capture/", "/e/", "/i/v0/e/",
  "/flags/", "/decide/", "/array/:x/config", "/array/:x/config.js", "/api/analytics/ingest",
];

const path = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...KNOWN_PATHS), fc.array(segment(fc.constantFrom("__project__", "x")), { minLength: 2, maxLength: 2 })).map(([p, [a, b]]) => p.replace(":x", a!).replace(":x", b!)) },
  { weight: 1, arbitrary: fc.array(segment(anyString), { minLength: 1, maxLength: 4 }).map((segments) => `/${segments.join("/")}`) },
  { weight: 1, arbitrary: fc.constantFrom("/", "/v1", "/v1/", "//v1/events", "/v1/events/", "/V1/EVENTS", "/v1/./events", "/v1/%2e%2e/healthz", "/healthz/", "/%", "/v1/reports/events/summary/extra") },
);

/** Registers the properties; `fixture` is read when they run (it exists only after the file's beforeAll). */
export function opsProperties(fixture: () => Fixture) {
  describe("fuzz: ops and routing", () => {
    it("GET /healthz, /v1/status", { timeout: fuzzTimeout() }, async (ctx) => {
      const plan = planOf({ method: fc.constantFrom("GET", "HEAD"), path: fc.constantFrom("/healthz", "/v1/status"), query: queryOf({}), credential: fc.constantFrom("none", "operator", "admin", "malformed") }).map((p) => ({ ...p, endpoint: `${p.method === "HEAD" ? "HEAD" : "GET"} ${p.path}` }));
      await fuzzRoute(ctx, plan, (p) => send(fixture(), p), { min2xxShare: 0.5 });
    });

    it("any method on any path", { timeout: fuzzTimeout() }, async (ctx) => {
      const plan = planOf({
        method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
        path,
        query: queryOf({ project: fc.constant("__project__"), key: fc.constant("__key__") }),
        body: bodyOf(anyJson),
      }).map((p) => ({ ...p, path: wellFormed(p.path), endpoint: "any" }));
      await fuzzRoute(ctx, plan, (p) => send(fixture(), p));
    });
  });
}
