// The decision-type admin API (versioned) and the learning-status report.
import { describe, expect, it } from "vitest";
import { IMAGE_PREGEN } from "../../src/decisions/builtin-decision-types";
import { asOperator, bearer, call, json, newProject } from "../helpers/api";
import { flushDecisions } from "../helpers/decisions";
import { askDecision, seedArmStats } from "./helpers";

const variant = {
  actions: ["control", "treatment"],
  bucket_fields: ["plan"],
  active_policy: "variant_v0",
  policies: { variant_v0: { kind: "deterministic" }, variant_ts: { kind: "thompson", params: { poolingStrength: 0, epsilon: { enabled: false, start: 0, end: 0, decayDays: 1 }, propensityFloor: 0.01 } } },
};

describe("decision types", () => {
  it("lists the built-in image_pregen for every project", async () => {
    const p = await newProject();
    const res = await call(`/v1/admin/projects/${p.id}/decision-types`, { headers: bearer(p.admin) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { decision_types: Array<{ name: string; version: number; builtin: boolean; config: unknown }> };
    expect(body.decision_types).toEqual([{ name: "image_pregen", version: 0, builtin: true, config: IMAGE_PREGEN, updated_at: null }]);
  });

  it("versions every change, keeps the history, and refuses a stale expected_version", async () => {
    const p = await newProject();
    const path = `/v1/admin/projects/${p.id}/decision-types/variant`;
    const v1 = await json(path, { config: variant, expected_version: 0 }, bearer(p.admin), "PUT");
    expect(v1.status).toBe(200);
    expect(await v1.json()).toMatchObject({ name: "variant", version: 1, builtin: false });
    const v2 = await json(path, { config: { ...variant, active_policy: "variant_ts" }, expected_version: 1 }, bearer(p.admin), "PUT");
    expect(((await v2.json()) as { version: number }).version).toBe(2);
    const stale = await json(path, { config: variant, expected_version: 1 }, bearer(p.admin), "PUT");
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ error: { code: "version_conflict", details: { current_version: 2 } } });
    const read = (await (await call(path, { headers: bearer(p.admin) })).json()) as { version: number; history: Array<{ version: number; changed_by: string }> };
    expect(read.version).toBe(2);
    expect(read.history.map((h) => h.version)).toEqual([2, 1]);
    expect(read.history[0]!.changed_by).toBe("jwt:admin-1");
  });

  it("validates the configuration", async () => {
    const p = await newProject();
    const path = `/v1/admin/projects/${p.id}/decision-types/bad`;
    // Each refusal names its own rule (any 400 would not do: a schema typo also answers 400).
    const refused = async (config: unknown, field: string, message: string) => {
      const res = await json(path, { config }, bearer(p.admin), "PUT");
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "validation_failed", details: [{ path: ["body", "config", field], message }] } });
    };
    await refused({ ...variant, active_policy: "missing" }, "active_policy", "active_policy must be one of policies");
    await refused({ ...variant, active_policy: "variant_ts", policies: { variant_ts: variant.policies.variant_ts } }, "policies", expect.stringContaining("one deterministic policy"));
    await refused({ ...variant, actions: ["a", "a"] }, "actions", "actions must be distinct");
    // Nothing was stored.
    const read = await call(path, { headers: bearer(p.admin) });
    expect(read.status).toBe(404);
    expect(await read.json()).toMatchObject({ error: { code: "decision_type_not_found" } });
  });

  it("lets only the project's admins change them", async () => {
    const p = await newProject();
    const other = await newProject();
    const path = `/v1/admin/projects/${p.id}/decision-types/variant`;
    expect((await json(path, { config: variant }, bearer(await p.user("u")), "PUT")).status).toBe(403);
    expect((await json(path, { config: variant }, bearer(other.admin), "PUT")).status).toBe(403);
    expect((await json(path, { config: variant }, asOperator, "PUT")).status).toBe(200);
  });
});

describe("decision type names that are Object.prototype's", () => {
  // Found by the fuzz property (test/fuzz): GET /v1/learning/status?decision_type=__proto__ answered 500, because the
  // built-in lookup read Object.prototype's "__proto__" (and "constructor", "toString", …) as a decision type.
  const NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

  it("are unknown types (404) to decisions, the learning status and the admin API", async () => {
    const p = await newProject();
    for (const name of NAMES) {
      const decided = await askDecision(p.admin, { decision_type: name, unit_id: "u1" });
      expect(decided.res.status, `POST /v1/decisions ${name}`).toBe(404);
      expect(decided.body.error?.code).toBe("decision_type_not_found");
      const status = await call(`/v1/learning/status?decision_type=${name}`, { headers: bearer(p.admin) });
      expect(status.status, `learning status ${name}`).toBe(404);
      const read = await call(`/v1/admin/projects/${p.id}/decision-types/${name}`, { headers: bearer(p.admin) });
      // Names are lower snake case: "__proto__" and "toString" are refused by the route's schema, the others are not there.
      expect(read.status, `GET decision type ${name}`).toBe(/^[a-z][a-z0-9_]*$/.test(name) ? 404 : 400);
    }
  });

  it("are not policies: an active_policy of 'constructor' that the config does not define is refused (400)", async () => {
    // Before, the check read policies["constructor"] (Object's constructor), accepted the type, and every decision
    // for it then failed (500) on a policy with no kind.
    const p = await newProject();
    const res = await json(`/v1/admin/projects/${p.id}/decision-types/variant`, { config: { ...variant, active_policy: "constructor" } }, bearer(p.admin), "PUT");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "validation_failed" } });
    expect((await askDecision(p.admin, { decision_type: "variant", unit_id: "u1" })).res.status).toBe(404);
  });

  it("can be created like any name, and are not built-ins", async () => {
    const p = await newProject();
    const res = await json(`/v1/admin/projects/${p.id}/decision-types/constructor`, { config: variant }, bearer(p.admin), "PUT");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "constructor", version: 1, builtin: false });
    const listed = (await (await call(`/v1/admin/projects/${p.id}/decision-types`, { headers: bearer(p.admin) })).json()) as { decision_types: Array<{ name: string; builtin: boolean }> };
    expect(listed.decision_types.map((t) => [t.name, t.builtin])).toEqual([["constructor", false], ["image_pregen", true]]);
    expect((await askDecision(p.admin, { decision_type: "constructor", unit_id: "u1", context: { plan: "pro" } })).res.status).toBe(200);
  });
});

describe("GET /v1/learning/status", () => {
  it("reports per policy, bucket and action: posterior, 95% interval, decisions served, outcomes, version and ε", async () => {
    const p = await newProject();
    await json(`/v1/admin/projects/${p.id}/decision-types/variant`, { config: variant }, bearer(p.admin), "PUT");
    await seedArmStats(p.id, "variant", "variant_ts", 5, [
      { bucket: "plan=pro", action: "control", successes: 8, failures: 2 },
      { bucket: "plan=pro", action: "treatment", successes: 1, failures: 1 },
    ]);
    for (let i = 0; i < 3; i++) await askDecision(p.admin, { decision_type: "variant", unit_id: `u${i}`, context: { plan: "pro" } });
    // Served counts come from D1, which the buckets reach on their flush (a second later, or now).
    await flushDecisions();

    const res = await call(`/v1/learning/status?decision_type=variant`, { headers: bearer(p.admin) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { decision_types: Array<{ active_policy: string; policies: Array<Record<string, unknown> & { buckets: Array<{ bucket: string; actions: Array<Record<string, unknown>> }> }> }> };
    const [type] = body.decision_types;
    expect(type!.active_policy).toBe("variant_v0");
    const ts = type!.policies.find((x) => x.policy_id === "variant_ts")!;
    expect(ts).toMatchObject({ kind: "thompson", active: false, stats_version: 5, epsilon: 0 });
    const control = ts.buckets.find((b) => b.bucket === "plan=pro")!.actions.find((a) => a.action === "control")!;
    // Beta(1,1) prior, no pooling: Beta(1 + 8, 1 + 2). Its 2.5% and 97.5% quantiles were computed independently by
    // bisection on a composite-Simpson CDF (20,000 panels) in Python: 0.4822441 and 0.9397823.
    expect(control).toMatchObject({ alpha: 9, beta: 3, posterior_mean: 0.75, outcomes_counted: 10, decisions_served: 0 });
    expect((control.ci95 as number[])[0]).toBeCloseTo(0.4822441, 5);
    expect((control.ci95 as number[])[1]).toBeCloseTo(0.9397823, 5);
    const v0 = type!.policies.find((x) => x.policy_id === "variant_v0")!;
    const served = v0.buckets.find((b) => b.bucket === "plan=pro")!.actions.reduce((s, a) => s + (a.decisions_served as number), 0);
    expect(served).toBe(3);
  });

  it("is for admins only", async () => {
    const p = await newProject();
    expect((await call("/v1/learning/status", { headers: bearer(await p.user("u")) })).status).toBe(403);
    expect((await call("/v1/learning/status")).status).toBe(401);
    expect((await call(`/v1/learning/status?project=${p.id}`, { headers: asOperator })).status).toBe(200);
  });
});
