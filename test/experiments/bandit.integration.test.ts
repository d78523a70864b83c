// Bandit experiments through the public API: the decision type check at start, sticky assignment through the decision
// service, learning from the units' events, and propensity-weighted results against a hand computation.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bearer, call, json, newProject, waitForEvents } from "../helpers/api";
import { flushDecisions } from "../helpers/decisions";
import { armStatsOf, HOUR, runJob } from "../learning/helpers";
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

type Round = { bucket: string; action: string; propensity: number; reward: number };
type Weighted = {
  rounds: number;
  decisions_without_outcome: number;
  control: string;
  variants: Array<{ variant_id: string; chosen: number; value: number; ci_lower: number; ci_upper: number; ess: number; warnings: Array<{ code: string }> }>;
  lifts: Array<{ variant_id: string; absolute: { estimate: number; ci_lower: number; ci_upper: number }; relative: number; significant: boolean }>;
  winner_variant_id: string | null;
  recommendation: string;
};

/** The doubly robust estimate written out (not armLifts): cell means per (bucket, variant), weights 1/p of the chosen one. */
function handDr(rounds: Round[], arms: string[]) {
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const cell = (bucket: string, action: string) => rounds.filter((r) => r.bucket === bucket && r.action === action).map((r) => r.reward);
  const q = (bucket: string, action: string) => {
    const c = cell(bucket, action);
    if (c.length) return mean(c);
    const b = rounds.filter((r) => r.bucket === bucket).map((r) => r.reward);
    return b.length ? mean(b) : mean(rounds.map((r) => r.reward));
  };
  const terms = (k: string) => rounds.map((r) => q(r.bucket, k) + (r.action === k ? (r.reward - q(r.bucket, r.action)) / r.propensity : 0));
  const interval = (xs: number[]) => {
    const m = mean(xs);
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
    return { m, lo: m - (1.96 * sd) / Math.sqrt(xs.length), hi: m + (1.96 * sd) / Math.sqrt(xs.length) };
  };
  const ess = (k: string) => {
    const w = rounds.map((r) => (r.action === k ? 1 / r.propensity : 0));
    return w.reduce((s, x) => s + x, 0) ** 2 / w.reduce((s, x) => s + x * x, 0);
  };
  const control = terms(arms[0]!);
  return {
    values: arms.map((k) => ({ arm: k, ...interval(terms(k)), ess: ess(k) })),
    lifts: arms.slice(1).map((k) => ({ arm: k, ...interval(terms(k).map((t, i) => t - control[i]!)) })),
  };
}

describe("a bandit experiment end to end", () => {
  it("assign → events with the decision_id → learning jobs move Thompson → results job → propensity-weighted results match a hand computation", async () => {
    const p = await newProject();
    await json(`/v1/admin/projects/${p.id}/event-names`, { event_names: [{ name: "purchase" }] }, bearer(p.admin));
    await putDecisionType(p.id, p.admin, banditType());
    await createExperiment(p.id, p.admin, "e2e", banditExperiment({ primary_metric: { key: "purchased", type: "conversion", event: "purchase", window_hours: 48 } }));
    const e = (await transition(p.id, p.admin, "e2e", "start")).body;

    const answers = new Map<string, { variant: string; decision_id: string; propensity: number }>();
    const converts = new Map<string, boolean>();
    const plan = (i: number) => (i % 2 ? "pro" : "free");
    // The treatment converts 3 times in 4, the control 1 in 4: the decision's success is "any event with its id".
    const rule = (variant: string, i: number) => (variant === "treatment" ? i % 4 !== 0 : i % 4 === 0);
    let events = 0;
    async function phase(from: number, to: number) {
      const units = Array.from({ length: to - from }, (_, k) => from + k);
      for (const i of units) {
        const a = await assign("e2e", p.admin, `u-${i}`, { attributes: { plan: plan(i) } });
        expect(a.status, JSON.stringify(a.body)).toBe(200);
        answers.set(`u-${i}`, a.body as { variant: string; decision_id: string; propensity: number });
      }
      events += units.length;
      const purchases = units
        .filter((i) => rule(answers.get(`u-${i}`)!.variant, i))
        .map((i) => ({ event_name: "purchase", user_id: `u-${i}`, decision_id: answers.get(`u-${i}`)!.decision_id }));
      for (const i of units) converts.set(`u-${i}`, rule(answers.get(`u-${i}`)!.variant, i));
      expect((await json("/v1/events", purchases, bearer(p.admin))).status).toBe(202);
      events += purchases.length;
      await waitForEvents(p.id, events);
    }

    // Phase 1: no statistics yet, so the deterministic fallback (1/2 each).
    await phase(0, 40);
    expect([...answers.values()].every((a) => a.propensity === 0.5)).toBe(true);
    // The learning jobs, through the API as the project's admin, a day later so the final windows are closed.
    const build = await runJob("build_bandit_dataset", { decision_type: TYPE, as_of: Date.now() + 25 * HOUR }, p.admin);
    expect(build.rows_written).toBe(80); // pass 1 and pass 2 of 40 decisions
    const rebuild = await runJob("rebuild_bandit_stats", { decision_type: TYPE, as_of: Date.now() + 25 * HOUR }, p.admin);
    expect(rebuild).toMatchObject({ status: "ok", message: `${TYPE}/cta_ts v1` });
    const stats = await armStatsOf(p.id, "cta_ts");
    const successes = (action: string) => stats.filter((s) => s.action === action).reduce((n, s) => n + Number(s.successes), 0);
    const chosen = (v: string) => [...answers.entries()].filter(([, a]) => a.variant === v);
    expect(stats.reduce((n, s) => n + Number(s.n), 0)).toBe(40);
    expect(successes("treatment")).toBe(chosen("treatment").filter(([u]) => converts.get(u)).length);
    expect(successes("control")).toBe(chosen("control").filter(([u]) => converts.get(u)).length);

    // Phase 2: Thompson serves from version 1, with its floor; the propensities are no longer 1/2.
    await phase(40, 80);
    await flushDecisions();
    const { results: logged } = await env.DB.prepare("SELECT unit_id, bucket, action, propensity, policy_id, policy_version FROM decisions WHERE project_id = ?1 AND experiment_id = ?2")
      .bind(p.id, e.id)
      .all<{ unit_id: string; bucket: string; action: string; propensity: number; policy_id: string; policy_version: number }>();
    expect(logged).toHaveLength(80);
    const phase2 = logged.filter((r) => Number(r.unit_id.slice(2)) >= 40);
    expect(phase2.every((r) => r.policy_id === "cta_ts" && r.policy_version === 1)).toBe(true);
    expect(phase2.some((r) => r.propensity !== 0.5)).toBe(true);
    expect(phase2.every((r) => r.propensity >= 0.01 - 1e-12)).toBe(true);
    // Still sticky across the new statistics: a phase-1 unit keeps its first decision.
    expect((await assign("e2e", p.admin, "u-3", { attributes: { plan: "pro" } })).body).toMatchObject({ variant: answers.get("u-3")!.variant, decision_id: answers.get("u-3")!.decision_id, propensity: 0.5 });

    const asOf = Date.now() + 25 * HOUR;
    await runJob("build_bandit_dataset", { decision_type: TYPE, as_of: asOf }, p.admin);
    const job = await runJob("compute_experiment_results", { experiment: "e2e", as_of: asOf }, p.admin);
    expect(job.message).toContain("1 bandit comparisons");

    const res = await call(`/v1/experiments/e2e/results`, { headers: bearer(p.admin) });
    const body = (await res.json()) as {
      allocation: string; srm: unknown; notes: string[]; winner_variant_id: string | null; recommendation: string;
      variants: Array<{ variant_id: string; users_count: number; conversions: number }>; propensity_weighted: Weighted;
    };
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ allocation: "bandit", srm: null });
    expect(body.notes.join(" ")).toMatch(/biased/);
    // The per-variant aggregates (exposures ⋈ events by unit) are still there: units and conversions per variant.
    for (const v of ["control", "treatment"]) {
      const mine = [...answers.entries()].filter(([, a]) => a.variant === v);
      expect(body.variants.find((x) => x.variant_id === v)).toMatchObject({ users_count: mine.length, conversions: mine.filter(([u]) => converts.get(u)).length });
    }

    // The propensity-weighted block against the hand computation from the logged propensities and known successes.
    const rounds: Round[] = logged.map((r) => ({ bucket: r.bucket, action: r.action, propensity: r.propensity, reward: converts.get(r.unit_id) ? 1 : 0 }));
    const hand = handDr(rounds, ["control", "treatment"]);
    const w = body.propensity_weighted;
    expect(w).toMatchObject({ rounds: 80, decisions_without_outcome: 0, control: "control" });
    for (const [i, v] of hand.values.entries()) {
      const got = w.variants[i]!;
      expect(got.variant_id).toBe(v.arm);
      expect(got.value).toBeCloseTo(v.m, 10);
      expect(got.ci_lower).toBeCloseTo(v.lo, 10);
      expect(got.ci_upper).toBeCloseTo(v.hi, 10);
      expect(got.ess).toBeCloseTo(v.ess, 10);
      expect(got.chosen).toBe(rounds.filter((r) => r.action === v.arm).length);
    }
    const lift = hand.lifts[0]!;
    expect(w.lifts[0]!.absolute.estimate).toBeCloseTo(lift.m, 10);
    expect(w.lifts[0]!.absolute.ci_lower).toBeCloseTo(lift.lo, 10);
    expect(w.lifts[0]!.absolute.ci_upper).toBeCloseTo(lift.hi, 10);
    expect(w.lifts[0]!.relative).toBeCloseTo(hand.values[1]!.m / hand.values[0]!.m - 1, 10);
    // The verdict's rule, by hand: an interval that excludes 0 and no ESS below 30 or 10% of the rounds.
    const essOk = hand.values.every((v) => v.ess >= 30 && v.ess >= 0.1 * rounds.length);
    const expectedWinner = essOk && lift.lo > 0 ? "treatment" : essOk && lift.hi < 0 ? "control" : null;
    expect(w.winner_variant_id).toBe(expectedWinner);
    expect(body.winner_variant_id).toBe(expectedWinner);
    expect(body.recommendation).toBe(w.recommendation);
    if (expectedWinner === null) expect(w.recommendation).toMatch(/^Not enough evidence/);
  }, 120_000);
});
