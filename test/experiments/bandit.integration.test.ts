// Bandit experiments through the public API: the decision type check at start, sticky assignment through the decision
// service, learning from the units' events, and propensity-weighted results against a hand computation.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bearer, call, json, newProject, waitForEvents } from "../helpers/api";
import { flushDecisions } from "../helpers/decisions";
import { adminPath, assign, createExperiment, patchExperiment, transition } from "./helpers";

const TYPE = "checkout_cta";
const VARIANTS = [{ key: "control" }, { key: "treatment" }];

/** A decision type that can run the experiment: actions = the variant keys, Thompson active, the default 1% floor. */
const banditType = (overrides: Record<string, unknown> = {}) => ({
  actions: ["control", "treatment"],
  bucket_fields: ["plan"],
  active_policy: "cta_ts",
  policies: { cta_v0: { kind: "deterministic" }, cta_ts: { kind: "thompson", params: { propensityFloor: 0.01 } } },
  ...overrides,
});

async function putDecisionType(project: string, token: string, config: Record<string, unknown>) {
  const res = await json(`/v1/admin/projects/${project}/decision-types/${TYPE}`, { config }, bearer(token), "PUT");
  expect(res.status, await res.clone().text()).toBe(200);
}

const banditExperiment = (extra: Record<string, unknown> = {}) => ({ variants: VARIANTS, allocation: "bandit", decision_type: TYPE, ...extra });

describe("bandit experiments: starting", () => {
  it("starts only on a decision type whose actions are the variants and whose active policy is Thompson with a floor", async () => {
    const p = await newProject();
    await createExperiment(p.id, p.admin, "cta", banditExperiment());
    const refused = async (fragment: string) => {
      const start = await transition(p.id, p.admin, "cta", "start");
      expect([start.status, start.body.error?.code], JSON.stringify(start.body)).toEqual([409, "decision_type_mismatch"]);
      expect(start.body.error.message).toContain(fragment);
    };
    await refused(`No decision type '${TYPE}'`);
    await putDecisionType(p.id, p.admin, banditType({ actions: ["control", "other"] }));
    await refused("must be the same keys");
    await putDecisionType(p.id, p.admin, banditType({ actions: ["control", "treatment", "third"] }));
    await refused("must be the same keys");
    await putDecisionType(p.id, p.admin, banditType({ active_policy: "cta_v0" }));
    await refused("needs its active policy to be Thompson sampling");
    await putDecisionType(p.id, p.admin, banditType({ policies: { cta_v0: { kind: "deterministic" }, cta_ts: { kind: "thompson", params: { propensityFloor: 0 } } } }));
    await refused("propensityFloor 0");
    // Nothing moved while refused: still a draft at version 1.
    expect((await call(adminPath(p.id, "cta"), { headers: bearer(p.admin) }).then((r) => r.json())) as { status: string; version: number }).toMatchObject({ status: "draft", version: 1 });

    // Credentials are checked before the decision type: another project's admin, a user, nobody.
    const other = await newProject();
    expect((await transition(p.id, other.admin, "cta", "start")).body.error.code).toBe("wrong_project");
    expect((await transition(p.id, await p.user("u-1"), "cta", "start")).status).toBe(403);
    expect((await call(adminPath(p.id, "cta", "/start"), { method: "POST" })).status).toBe(401);

    await putDecisionType(p.id, p.admin, banditType());
    const started = await transition(p.id, p.admin, "cta", "start");
    expect([started.status, started.body.status]).toEqual([200, "running"]);
    // Its decision type is fixed from now on, as variants and seed are.
    const moved = await patchExperiment(p.id, p.admin, "cta", { expected_version: started.body.version, decision_type: "image_pregen" });
    expect([moved.status, moved.body.error.code]).toEqual([409, "experiment_started"]);
  });
});

describe("bandit experiments: assignment", () => {
  it("asks the decision service once per unit: the same variant and decision_id on every later ask, exposures carry the propensity", async () => {
    const p = await newProject();
    await putDecisionType(p.id, p.admin, banditType());
    await createExperiment(p.id, p.admin, "sticky", banditExperiment({ traffic_allocation: 50 }));
    const e = (await transition(p.id, p.admin, "sticky", "start")).body;

    const units = Array.from({ length: 40 }, (_, i) => `unit-${i}`);
    const first = new Map<string, Awaited<ReturnType<typeof assign>>["body"]>();
    for (const [i, u] of units.entries()) {
      const a = await assign("sticky", p.admin, u, { attributes: { plan: i % 2 ? "pro" : "free" } });
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      first.set(u, a.body);
    }
    const inside = units.filter((u) => first.get(u)!.in_experiment);
    const outside = units.filter((u) => !first.get(u)!.in_experiment);
    // 50% allocation by the hash, as for a fixed experiment; outside: the control, no decision.
    expect(inside.length).toBeGreaterThan(5);
    expect(outside.length).toBeGreaterThan(5);
    for (const u of outside) expect(first.get(u)).toEqual({ variant: "control", in_experiment: false, experiment_id: e.id });
    // No statistics yet: Thompson falls back to the deterministic policy, 1/K each.
    for (const u of inside) expect(first.get(u)).toMatchObject({ in_experiment: true, experiment_id: e.id, decision_id: expect.any(String), propensity: 0.5 });
    expect(new Set(inside.map((u) => first.get(u)!.variant))).toEqual(new Set(["control", "treatment"]));

    // Asked again, by the unit itself, and with other attributes (another bucket): the first decision answers.
    for (const u of inside) {
      const again = await assign("sticky", await p.user(u), u, { attributes: { plan: "enterprise" } });
      expect(again.body).toEqual(first.get(u));
    }

    // One decision per unit in D1, under the experiment, with its request_id; the exposure names it.
    await flushDecisions();
    const { results: rows } = await env.DB.prepare("SELECT unit_id, id, action, propensity, request_id, bucket FROM decisions WHERE project_id = ?1 AND experiment_id = ?2 ORDER BY unit_id")
      .bind(p.id, e.id)
      .all<{ unit_id: string; id: string; action: string; propensity: number; request_id: string; bucket: string }>();
    expect(rows.map((r) => r.unit_id)).toEqual([...inside].sort());
    for (const r of rows) {
      expect(r).toMatchObject({ id: first.get(r.unit_id)!.decision_id, action: first.get(r.unit_id)!.variant, request_id: `exp:${e.id}:${r.unit_id}` });
      expect(r.bucket).toBe(`plan=${Number(r.unit_id.slice(5)) % 2 ? "pro" : "free"}`);
    }
    const events = await waitForEvents(p.id, inside.length);
    const exposures = events.filter((x) => x.event_name === "$exposure");
    expect(exposures).toHaveLength(inside.length);
    for (const x of exposures) {
      const a = first.get(x.user_id!)!;
      expect(x.decision_id).toBeNull();
      expect(JSON.parse(x.properties as string)).toEqual({ experiment_key: "sticky", variant: a.variant, decision_id: a.decision_id, propensity: a.propensity });
    }
  }, 60_000);

  it("answers a stopped bandit experiment with the control and records nothing", async () => {
    const p = await newProject();
    await putDecisionType(p.id, p.admin, banditType());
    await createExperiment(p.id, p.admin, "stopped", banditExperiment());
    await transition(p.id, p.admin, "stopped", "start");
    await transition(p.id, p.admin, "stopped", "stop");
    const a = await assign("stopped", p.admin, "u-1");
    expect(a.body).toMatchObject({ variant: "control", in_experiment: false });
    expect(a.body).not.toHaveProperty("decision_id");
    // A token of another project cannot ask: the experiment is not in its project.
    const other = await newProject();
    expect((await assign("stopped", other.admin, "u-1")).status).toBe(404);
    expect((await json("/v1/experiments/stopped/assignment", { unit_id: "u-1" }, bearer("not-a-token"))).status).toBe(401);
  });
});
