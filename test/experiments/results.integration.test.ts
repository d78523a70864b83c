// An A/B experiment end to end through the public API: assign → events (POST /v1/events) → consumer → job → results.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bearer, call, json, newProject, waitForEvents } from "../helpers/api";
import { computeExperimentResults } from "../../src/experiments/results-job";
import { adminPath, assign, patchExperiment, startedExperiment, transition } from "./helpers";

type Results = {
  test_id: string;
  metric_name: string;
  status: string;
  variants: Array<{ variant_id: string; users_count: number; conversions: number | null; conversion_rate: number | null; sum: number; denominator_sum: number | null; mean: number | null }>;
  winner_variant_id: string | null;
  is_significant: boolean;
  recommendation: string;
  freshness: { computed_at: string | null; days: number; final_days: number; first_day: string | null };
  statistics: string | null;
  srm: { p_value: number; flagged: boolean; expected_weights: number[] } | null;
  comparisons: Array<{ variant_id: string; absolute_lift: { estimate: number }; relative_lift: { estimate: number }; p_value: number; significant: boolean; chance_to_beat_control: number }>;
  error?: { code: string };
};

const HOUR = 3_600_000;

async function runResultsJob(token: string, params: Record<string, unknown>) {
  const res = await json("/v1/admin/jobs/compute_experiment_results", { params }, bearer(token));
  const body = (await res.json()) as { status: string; rows_written: number; message: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

async function results(key: string, token: string, query = "") {
  const res = await call(`/v1/experiments/${key}/results${query}`, { headers: bearer(token) });
  return { status: res.status, body: (await res.json()) as Results };
}

describe("experiment results, end to end", () => {
  it("counts exposures, conversions, sums, ratios and the CUPED covariate per variant, day by day until final", async () => {
    const p = await newProject();
    await json(`/v1/admin/projects/${p.id}/event-names`, { event_names: [{ name: "purchase" }, { name: "session_start" }] }, bearer(p.admin));
    const e = await startedExperiment(p.id, p.admin, "e2e", {
      primary_metric: { key: "purchased", type: "conversion", event: "purchase", window_hours: 48 },
      guardrail_metrics: [
        { key: "revenue", type: "sum", event: "purchase", property: "amount", window_hours: 48, cuped_days: 7 },
        { key: "purchases", type: "count", event: "purchase", window_hours: 48 },
        { key: "revenue_per_session", type: "ratio", numerator: { event: "purchase", property: "amount" }, denominator: { event: "session_start" }, window_hours: 48 },
      ],
    });

    // A pre-exposure purchase for the CUPED covariate (3 days back), sent before anyone is exposed.
    const before = Date.now() - 3 * 24 * HOUR;
    const preEvents = [{ event_name: "purchase", user_id: "u-0", occurred_at: new Date(before).toISOString(), properties: { amount: 4 } }];
    expect((await json("/v1/events", preEvents, bearer(p.admin))).status).toBe(202);

    const units = Array.from({ length: 24 }, (_, i) => `u-${i}`);
    const variantOf = new Map<string, string>();
    for (const u of units) variantOf.set(u, (await assign("e2e", p.admin, u)).body.variant);
    await waitForEvents(p.id, 1 + units.length);

    // Every third unit buys (amount = its index + 1), u-1 buys twice; every unit starts two sessions; "x-stranger" was never exposed.
    const events: Array<Record<string, unknown>> = [];
    units.forEach((u, i) => {
      events.push({ event_name: "session_start", user_id: u }, { event_name: "session_start", user_id: u });
      if (i % 3 === 0) events.push({ event_name: "purchase", user_id: u, properties: { amount: i + 1 } });
    });
    events.push({ event_name: "purchase", user_id: "u-1", properties: { amount: "not a number" } });
    events.push({ event_name: "purchase", user_id: "x-stranger", properties: { amount: 100 } });
    const sent = await json("/v1/events", events, bearer(p.admin));
    expect(sent.status).toBe(202);
    await waitForEvents(p.id, 1 + units.length + events.length);

    const expected = (variant: string) => {
      const mine = units.filter((u) => variantOf.get(u) === variant);
      const buyers = mine.filter((u) => Number(u.slice(2)) % 3 === 0);
      // u-1's purchase has no numeric amount: it converts and counts, and adds nothing to revenue.
      const u1 = mine.includes("u-1") ? 1 : 0;
      return { units: mine.length, converted: buyers.length + u1, revenue: buyers.reduce((s, u) => s + Number(u.slice(2)) + 1, 0), purchases: buyers.length + u1 };
    };
    const control = expected("control");
    const treatment = expected("treatment");
    expect(control.units).toBeGreaterThan(0);
    expect(treatment.units).toBeGreaterThan(0);

    const first = await runResultsJob(p.admin, {});
    expect(first.message).toContain("4 metric-days computed");

    const primary = await results("e2e", p.admin);
    expect(primary.status).toBe(200);
    expect(primary.body).toMatchObject({ test_id: e.id, metric_name: "purchased", status: "running", freshness: { days: 1, final_days: 0 } });
    expect(primary.body.freshness.computed_at).toEqual(expect.any(String));
    // A continued run's next page (the same as_of, its budget already spent) finds this run's open days done and
    // finishes, instead of recomputing them and handing itself on again, page after page.
    const asOf = Date.parse(primary.body.freshness.computed_at!);
    const nextPage = await computeExperimentResults.run({ env, asOf, runId: "next-page", deadline: 0 }, { project: p.id, as_of: asOf });
    expect(nextPage.continueWith).toBeUndefined();
    expect(primary.body.variants.map((v) => [v.variant_id, v.users_count, v.conversions, v.conversion_rate])).toEqual([
      ["control", control.units, control.converted, (100 * control.converted) / control.units],
      ["treatment", treatment.units, treatment.converted, (100 * treatment.converted) / treatment.units],
    ]);

    // The comparison is computed from those sums: 24 units cannot show a winner.
    const rate = (x: { units: number; converted: number }) => x.converted / x.units;
    expect(primary.body).toMatchObject({ statistics: "computed", winner_variant_id: null, is_significant: false, srm: { flagged: false, expected_weights: [0.5, 0.5] } });
    expect(primary.body.recommendation).toMatch(/^Not enough evidence/);
    expect(primary.body.comparisons).toHaveLength(1);
    expect(primary.body.comparisons[0]!.variant_id).toBe("treatment");
    expect(primary.body.comparisons[0]!.absolute_lift.estimate).toBeCloseTo(rate(treatment) - rate(control), 12);

    const revenue = await results("e2e", p.admin, "?metric=revenue");
    expect(revenue.body.variants.map((v) => [v.sum, v.mean, v.conversions])).toEqual([
      [control.revenue, control.revenue / control.units, null],
      [treatment.revenue, treatment.revenue / treatment.units, null],
    ]);
    const purchases = await results("e2e", p.admin, "?metric=purchases");
    expect(purchases.body.variants.map((v) => v.sum)).toEqual([control.purchases, treatment.purchases]);
    const ratio = await results("e2e", p.admin, "?metric=revenue_per_session");
    expect(ratio.body.variants.map((v) => [v.sum, v.denominator_sum])).toEqual([
      [control.revenue, 2 * control.units],
      [treatment.revenue, 2 * treatment.units],
    ]);

    // The stored CUPED covariate: u-0's 4 before exposure, in u-0's variant.
    const pre = await env.DB.prepare("SELECT variant, pre_sum, pre_post_sum_of_products FROM experiment_results WHERE experiment_id = ?1 AND metric = 'revenue' ORDER BY variant").bind(e.id).all<{ variant: string; pre_sum: number; pre_post_sum_of_products: number }>();
    const u0 = variantOf.get("u-0")!;
    expect(pre.results).toEqual(["control", "treatment"].map((v) => ({ variant: v, pre_sum: v === u0 ? 4 : 0, pre_post_sum_of_products: v === u0 ? 4 * 1 : 0 })));

    // Until the window closes the day is recomputed; after it, it is final and skipped. Stopped, so no later day opens.
    await transition(p.id, p.admin, "e2e", "stop");
    // Archived too: its open days are still closed by the job.
    await transition(p.id, p.admin, "e2e", "archive");
    const later = Date.now() + 4 * 24 * HOUR;
    await runResultsJob(p.admin, { as_of: later });
    expect((await results("e2e", p.admin)).body.freshness).toMatchObject({ days: 1, final_days: 1 });
    const again = await runResultsJob(p.admin, { as_of: later });
    expect(again.message).toContain("0 metric-days computed, 4 final ones skipped");
  }, 60_000);

  it("says so when nothing is computed yet, refuses unknown metrics and non-admins, and drops a redefined metric's days", async () => {
    const p = await newProject();
    await startedExperiment(p.id, p.admin, "fresh");
    const empty = await results("fresh", p.admin);
    expect(empty.body).toMatchObject({ freshness: { days: 0, final_days: 0, computed_at: null }, winner_variant_id: null, is_significant: false });
    expect(empty.body.variants.map((v) => v.users_count)).toEqual([0, 0]);
    expect(empty.body.recommendation).toMatch(/^Not enough evidence/);

    const unknown = await results("fresh", p.admin, "?metric=nope");
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, "metric_not_found"]);
    const asUser = await results("fresh", await p.user("u-1"));
    expect(asUser.status).toBe(403);
    const other = await newProject();
    expect((await results("fresh", other.admin)).status).toBe(404);

    await runResultsJob(p.admin, {});
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM experiment_results WHERE metric = 'purchased' AND experiment_id = (SELECT id FROM experiments WHERE project_id = ?1)").bind(p.id).first<{ n: number }>())!.n;
    expect(await count()).toBe(2);
    const redefined = await patchExperiment(p.id, p.admin, "fresh", { expected_version: 2, primary_metric: { key: "purchased", type: "conversion", event: "purchase", window_hours: 24 } });
    expect(redefined.status).toBe(200);
    expect(await count()).toBe(0);
    const history = await call(adminPath(p.id, "fresh", "/history"), { headers: bearer(p.admin) });
    expect(((await history.json()) as { history: Array<{ action: string }> }).history[0]!.action).toBe("update");
  }, 60_000);
});
