// Fuzz properties for the decision routes: asking for decisions, reading them, the learning status and the decision-type admin API.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { anyJson, anyString, bodyOf, mostly, nearMiss, optional, queryOf, segment } from "./arbitraries";
import { credential, planOf, PROJECT, send, type Fixture } from "./fixture";
import { fuzzRoute, fuzzTimeout } from "./fuzz-kit";

const DECISION = "__decision__";

const identifier = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
/** Decision types: the built-in, a few the properties create, and unknown ones. */
// Valid new names come from a small pool: every type created is listed (and reported on) by later requests, and
// 10,000 runs of fresh names would make those requests slower and slower.
const typeName = mostly(fc.constantFrom("image_pregen", "fuzz_a", "fuzz_b", "fuzz_c"), fc.oneof(fc.nat(9).map((i) => `fuzz_t${i}`), anyString), 3);
const plainId = fc.stringMatching(/^[a-z0-9_]{1,24}$/);

const decisionBody = fc.record(
  {
    decision_type: typeName,
    unit_id: mostly(plainId, anyString),
    context: fc.dictionary(mostly(fc.constantFrom("post_type", "objective", "plan", "tier"), fc.string({ maxLength: 10 })), mostly(fc.oneof(plainId, fc.integer(), fc.boolean()), anyJson), { maxKeys: 4 }),
    resource_type: plainId,
    resource_id: plainId,
    // A small pool, so the same request_id comes back with the same or another question (idempotency, 409).
    request_id: fc.oneof(fc.constantFrom("req-1", "req-2", "req-3"), plainId),
    simulated: fc.boolean(),
  },
  { requiredKeys: ["decision_type", "unit_id"] },
);

const policyParams = fc.record(
  {
    priorAlpha: fc.double({ min: 0.01, max: 100, noNaN: true }),
    priorBeta: fc.double({ min: 0.01, max: 100, noNaN: true }),
    poolingStrength: fc.double({ min: 0, max: 1000, noNaN: true }),
    epsilon: fc.record({ enabled: fc.boolean(), start: fc.double({ min: 0, max: 1, noNaN: true }), end: fc.double({ min: 0, max: 1, noNaN: true }), decayDays: fc.double({ min: 0.01, max: 365, noNaN: true }) }),
    propensityFloor: fc.double({ min: 0, max: 0.5, noNaN: true }),
    ucbExploration: fc.double({ min: 0.01, max: 10, noNaN: true }),
  },
  { requiredKeys: [] },
);

/** A configuration the schema accepts: distinct actions, one deterministic fallback, the active policy among the policies. */
const typeConfig = fc
  .record({
    actions: fc.uniqueArray(identifier, { minLength: 2, maxLength: 4 }),
    bucket_fields: fc.uniqueArray(fc.constantFrom("post_type", "objective", "plan", "tier"), { maxLength: 3 }),
    max_values_per_field: fc.integer({ min: 1, max: 1000 }),
    learner: fc.constantFrom("thompson", "ucb1"),
    learnerParams: policyParams,
    activeLearner: fc.boolean(),
  })
  .map(({ learner, learnerParams, activeLearner, ...rest }) => ({
    ...rest,
    active_policy: activeLearner ? "fuzz_v1" : "fuzz_v0",
    policies: { fuzz_v0: { kind: "deterministic", params: {} }, fuzz_v1: { kind: learner, params: learnerParams } },
  }));

const putTypeBody = fc.record({ config: mostly(typeConfig, nearMiss(typeConfig, ["actions", "bucket_fields", "max_values_per_field", "active_policy", "policies"]), 3), expected_version: optional(fc.integer({ min: -1, max: 5 }), 4) });

/** Registers the properties; `fixture` is read when they run. */
export function decisionProperties(fixture: () => Fixture) {
  describe("fuzz: decisions", () => {
    beforeAll(async () => {
      // One recorded decision, so reads can find something.
      const fx = fixture();
      const res = await send(fx, { method: "POST", path: "/v1/decisions", credential: "admin", headers: { "content-type": "application/json" }, body: { kind: "json", value: { decision_type: "image_pregen", unit_id: "u-1", context: { post_type: "carousel" } } } });
      expect(res.res.status).toBe(200);
      fx.placeholders.set(DECISION, ((await res.res.json()) as { decision_id: string }).decision_id);
    });

    // Decision types first: the decisions asked afterwards then meet the types (and learning policies) they created.
    it("decision types: GET list, GET one, PUT", { timeout: fuzzTimeout() }, async (ctx) => {
      const project = segment(fc.constant(PROJECT));
      const name = segment(typeName);
      const plan = fc.oneof(
        { weight: 1, arbitrary: planOf({ endpoint: "GET /v1/admin/projects/:project/decision-types", method: "GET", path: project.map((p) => `/v1/admin/projects/${p}/decision-types`) }) },
        { weight: 1, arbitrary: planOf({ endpoint: "GET /v1/admin/projects/:project/decision-types/:name", method: "GET", path: fc.tuple(project, name).map(([p, n]) => `/v1/admin/projects/${p}/decision-types/${n}`) }) },
        {
          weight: 3,
          arbitrary: planOf({
            endpoint: "PUT /v1/admin/projects/:project/decision-types/:name",
            method: "PUT",
            path: fc.tuple(project, name).map(([p, n]) => `/v1/admin/projects/${p}/decision-types/${n}`),
            body: bodyOf(putTypeBody, nearMiss(putTypeBody, ["config", "expected_version"])),
          }),
        },
      );
      await fuzzRoute(ctx, plan, (p) => send(fixture(), p), { min2xxShare: 0.1 });
    });
    it("POST /v1/decisions, GET /v1/decisions/:id", { timeout: fuzzTimeout() }, async (ctx) => {
      const projectQuery = queryOf({ project: mostly(fc.constant(PROJECT), anyString) });
      const plan = fc.oneof(
        {
          weight: 3,
          arbitrary: planOf({
            endpoint: "POST /v1/decisions",
            method: "POST",
            path: "/v1/decisions",
            query: projectQuery,
            body: bodyOf(decisionBody, nearMiss(decisionBody, ["decision_type", "unit_id", "context", "resource_type", "resource_id", "request_id", "simulated"])),
          }),
        },
        {
          weight: 1,
          arbitrary: planOf({ endpoint: "GET /v1/decisions/:id", method: "GET", path: segment(mostly(fc.constant(DECISION), fc.constant("00000000-0000-4000-8000-000000000000"))).map((id) => `/v1/decisions/${id}`), query: projectQuery }),
        },
      );
      await fuzzRoute(ctx, plan, (p) => send(fixture(), p), { min2xxShare: 0.1 });
    });

    it("GET /v1/learning/status", { timeout: fuzzTimeout() }, async (ctx) => {
      const plan = planOf({ endpoint: "GET /v1/learning/status", method: "GET", path: "/v1/learning/status", query: queryOf({ project: mostly(fc.constant(PROJECT), anyString), decision_type: typeName }) });
      await fuzzRoute(ctx, plan, (p) => send(fixture(), p), { min2xxShare: 0.1 });
    });

  });
}
