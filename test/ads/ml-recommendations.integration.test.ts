// Features, classifications and recommendations end to end: the jobs and the /v1/ml routes on an account with known situations.
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import worker from "../../src/index";
import { campaignClassification } from "../../src/ads/ml-jobs";
import { describe, expect, it } from "vitest";
import { asOperator, bearer, call, json, newProject } from "../helpers/api";
import { buildAccount, clock, EXPECTED_OPEN } from "./ml-fixture";

type Rec = { id: string; entity_id: string; entity_type: string; entity_name: string | null; type: string; status: string; priority: string; reason: string; evidence: { rule: string; thresholds: Record<string, number>; features: Record<string, unknown> }; updated_at: string; expires_at: string };

const CUTS = ["PAUSE", "BUDGET_DECREASE"];
const GROWTH = ["SCALE_UP", "BUDGET_INCREASE", "AUDIENCE_EXPANSION", "CREATIVE_WINNER"];
const LEVELS = ["campaign", "adset", "ad"] as const;

async function runJob(token: string, name: string, params: Record<string, unknown>) {
  const res = await json(`/v1/admin/jobs/${name}`, { params }, bearer(token));
  const body = (await res.json()) as { status: string; rows_read: number; rows_written: number; message: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

/** The seed's 05:00 / 05:30 / 06:00 runs, in their order: each level's classification, then its recommendations. */
async function runMorning(token: string, configId: number, asOf: number) {
  for (const level of LEVELS) {
    await runJob(token, `${level}_classification`, { config_id: configId, as_of: asOf });
    await runJob(token, `${level}_recommendations`, { config_id: configId, as_of: asOf });
  }
}

async function recommendations(token: string, query: string): Promise<Rec[]> {
  const res = await call(`/v1/ml/recommendations?${query}`, { headers: bearer(token) });
  const body = (await res.json()) as { recommendations: Rec[] };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.recommendations;
}

/** Open recommendation types per entity of a level, every entity present (an empty list when none). */
async function openByEntity(token: string, configId: number, level: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = Object.fromEntries(Object.keys(EXPECTED_OPEN[level]!).map((e) => [e, []]));
  for (const r of await recommendations(token, `config_id=${configId}&entity_type=${level}`)) (out[r.entity_id] ??= []).push(r.type);
  for (const list of Object.values(out)) list.sort();
  return out;
}

const snapshot = async (projectId: string) => ({
  recommendations: (await env.DB.prepare("SELECT * FROM ml_recommendations WHERE project_id = ?1 ORDER BY id").bind(projectId).all()).results,
  classifications: (await env.DB.prepare("SELECT * FROM ml_classifications WHERE project_id = ?1 ORDER BY entity_id").bind(projectId).all()).results,
  features: (await env.DB.prepare("SELECT * FROM ml_features WHERE project_id = ?1 ORDER BY entity_id, as_of_date").bind(projectId).all()).results,
});

describe("the morning jobs on an account with known situations", () => {
  it("give each situation the seed's recommendation and nothing contradictory; a re-run changes nothing", async () => {
    const p = await newProject();
    const { asOfDate, cronAsOf } = clock();
    await buildAccount(p.id, 101, asOfDate);
    await runMorning(p.admin, 101, cronAsOf);

    for (const level of LEVELS) expect(await openByEntity(p.admin, 101, level), level).toEqual(EXPECTED_OPEN[level]);
    // Nothing contradictory anywhere: no entity has both a cut and growth advice.
    const all = await recommendations(p.admin, "config_id=101&entity_type=ad");
    all.push(...(await recommendations(p.admin, "config_id=101&entity_type=adset")), ...(await recommendations(p.admin, "config_id=101&entity_type=campaign")));
    const byEntity = new Map<string, string[]>();
    for (const r of all) byEntity.set(r.entity_id, [...(byEntity.get(r.entity_id) ?? []), r.type]);
    for (const [entity, types] of byEntity) expect(types.some((t) => CUTS.includes(t)) && types.some((t) => GROWTH.includes(t)), entity).toBe(false);

    // The evidence says why, with the numbers.
    const refresh = all.find((r) => r.entity_id === "AD_FAT")!;
    expect(refresh).toMatchObject({ type: "CREATIVE_REFRESH", entity_name: "AD_FAT name", status: "open", evidence: { rule: "high_frequency", thresholds: { min_frequency_7d: 3.5, min_creative_fatigue_score: 0.5 }, features: { frequency_7d: 4, frequency_trend: 1, ctr_trend: -0.5, creative_fatigue_score: 1 } } });
    const review = all.find((r) => r.entity_id === "S_REV")!;
    expect(review.evidence.rule).toBe("cpl_rising_leads_falling");
    // 280 / 21 = 13.33 → 315 / 8 = 39.375: +195%; leads 21 → 8: −62%.
    expect(review.evidence.features.cpl_trend as number).toBeCloseTo(39.375 / (280 / 21) - 1, 9);
    expect(review.evidence.features.leads_trend as number).toBeCloseTo(8 / 21 - 1, 9);
    expect(all.find((r) => r.entity_id === "C_DEAD")).toMatchObject({ type: "PAUSE", priority: "high", evidence: { rule: "no_leads", features: { leads_7d: 0, spend_7d: 210 } } });
    expect(all.find((r) => r.entity_id === "AD_LOSE")).toMatchObject({ type: "PAUSE", evidence: { rule: "worse_than_siblings", features: { cpl_7d: 40, siblings_cpl_7d: 10, performance_vs_siblings: -3 } } });
    expect(all.find((r) => r.entity_id === "AD_WIN" && r.type === "CREATIVE_WINNER")).toMatchObject({ evidence: { features: { performance_vs_siblings: 0.75, leads_7d: 21 } } });

    // Tiers, and the stored features the jobs shared.
    const tiers = (await (await call("/v1/ml/classifications?config_id=101", { headers: bearer(p.admin) })).json()) as { entity_type: string; classifications: Array<{ entity_id: string; tier: string; confidence: number; as_of_date: string }> };
    expect(tiers.entity_type).toBe("campaign");
    expect(Object.fromEntries(tiers.classifications.map((c) => [c.entity_id, c.tier]))).toEqual({ C_DEAD: "under_performing", C_OK: "top", C_OLD: "no_data", C_REV: "under_performing" });
    // C_DEAD: 210 spent, no leads, account CPL 1015 / 36: 1 − exp(−210 / 28.19).
    expect(tiers.classifications.find((c) => c.entity_id === "C_DEAD")!.confidence).toBeCloseTo(1 - Math.exp(-210 / (1015 / 36)), 9);
    expect(tiers.classifications.every((c) => c.as_of_date === asOfDate)).toBe(true);
    const features = (await (await call(`/v1/ml/features?config_id=101&entity_type=ad`, { headers: bearer(p.admin) })).json()) as { as_of_date: string; features: Array<Record<string, unknown>> };
    expect(features.as_of_date).toBe(asOfDate);
    expect(features.features.map((f) => f.entity_id)).toEqual(["AD_DEAD1", "AD_DEAD2", "AD_FAT", "AD_LOSE", "AD_REV2", "AD_WIN"]);
    expect(features.features.find((f) => f.entity_id === "AD_FAT")).toMatchObject({ spend_7d: 140, leads_7d: 4, cpl_7d: 35, ctr_7d: 0.01, frequency_7d: 4, creative_fatigue_score: 1, share_of_parent_spend: 140 / 315 });

    // The same morning again: the same rows, ids and times.
    const before = await snapshot(p.id);
    expect(before.recommendations.length).toBe(12);
    await runMorning(p.admin, 101, cronAsOf);
    expect(await snapshot(p.id)).toEqual(before);
  });
});

describe("the schedule and paging", () => {
  it("the 05:00 cron classifies and advises every account's campaigns for yesterday", async () => {
    const p = await newProject();
    const { asOfDate, cronAsOf } = clock();
    await buildAccount(p.id, 111, asOfDate);
    await worker.scheduled(createScheduledController({ cron: "0 5 * * *", scheduledTime: cronAsOf }), env, createExecutionContext());
    const tiers = await env.DB.prepare("SELECT entity_id, tier, as_of_date FROM ml_classifications WHERE project_id = ?1 ORDER BY entity_id").bind(p.id).all();
    expect(tiers.results).toEqual([
      { entity_id: "C_DEAD", tier: "under_performing", as_of_date: asOfDate },
      { entity_id: "C_OK", tier: "top", as_of_date: asOfDate },
      { entity_id: "C_OLD", tier: "no_data", as_of_date: asOfDate },
      { entity_id: "C_REV", tier: "under_performing", as_of_date: asOfDate },
    ]);
    expect(await openByEntity(p.admin, 111, "campaign")).toEqual(EXPECTED_OPEN.campaign);
    // Ad sets and ads are the 05:30 and 06:00 runs'.
    expect(await recommendations(p.admin, "config_id=111&entity_type=ad")).toEqual([]);
  });

  it("a run out of time hands the remaining accounts on, after the last one it finished", async () => {
    const p = await newProject();
    const { asOfDate, cronAsOf } = clock();
    await buildAccount(p.id, 1, asOfDate);
    await buildAccount(p.id, 2, asOfDate);
    const ctx = { env, asOf: cronAsOf, runId: "test", deadline: 0 };
    const first = await campaignClassification.run(ctx, { project: p.id, as_of: cronAsOf });
    expect(first.continueWith).toMatchObject({ project: p.id, after: { project: p.id, config_id: 1 } });
    const second = await campaignClassification.run(ctx, campaignClassification.params.parse({ ...first.continueWith, as_of: cronAsOf }));
    expect(second.continueWith).toBeUndefined();
    expect(second.message).toBe(`1 accounts on ${asOfDate}`);
    const classified = await env.DB.prepare("SELECT config_id, COUNT(*) AS n FROM ml_classifications WHERE project_id = ?1 GROUP BY config_id").bind(p.id).all();
    expect(classified.results).toEqual([{ config_id: 1, n: 4 }, { config_id: 2, n: 4 }]);
  });
});

describe("the recommendation lifecycle", () => {
  it("dismissed and applied advice is held back, advice whose rule stops firing or outlives its expiry expires", async () => {
    const p = await newProject();
    const { asOfDate, cronAsOf } = clock();
    await buildAccount(p.id, 202, asOfDate);
    const gen = await json("/v1/ml/recommendations/generate", { config_id: 202, force_refresh: false }, bearer(p.admin));
    const generated = (await gen.json()) as { as_of_date: string; levels: Array<{ entity_type: string; raised: number; refreshed: number; expired: number; held_back: number; features_computed: boolean }>; recommendations: Rec[] };
    expect(gen.status, JSON.stringify(generated)).toBe(200);
    expect(generated.as_of_date).toBe(asOfDate);
    expect(generated.levels.map((l) => [l.entity_type, l.raised, l.features_computed])).toEqual([["campaign", 3, true], ["adset", 3, true], ["ad", 6, true]]);
    expect(generated.recommendations).toHaveLength(12);

    // Dismiss C_DEAD's PAUSE; only an open one can be resolved.
    const pause = generated.recommendations.find((r) => r.entity_id === "C_DEAD")!;
    const dismissed = await json(`/v1/ml/recommendations/${pause.id}`, { status: "dismissed" }, bearer(p.admin), "PATCH");
    expect(dismissed.status).toBe(200);
    expect(await dismissed.json()).toMatchObject({ id: pause.id, status: "dismissed" });
    const again = await json(`/v1/ml/recommendations/${pause.id}`, { status: "applied" }, bearer(p.admin), "PATCH");
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "recommendation_not_open", details: { status: "dismissed" } } });
    expect((await json("/v1/ml/recommendations/no-such-id", { status: "applied" }, bearer(p.admin), "PATCH")).status).toBe(404);
    expect((await json(`/v1/ml/recommendations/${pause.id}`, { status: "open" }, bearer(p.admin), "PATCH")).status).toBe(400);
    // Apply S_OK's SCALE_UP.
    const scale = generated.recommendations.find((r) => r.entity_id === "S_OK")!;
    expect((await json(`/v1/ml/recommendations/${scale.id}`, { status: "applied" }, bearer(p.admin), "PATCH")).status).toBe(200);

    // Regenerating (even forced) does not raise them again; the rest is refreshed in place.
    const regen = (await (await json("/v1/ml/recommendations/generate", { config_id: 202, force_refresh: true }, bearer(p.admin))).json()) as typeof generated;
    expect(regen.levels.map((l) => [l.entity_type, l.raised, l.refreshed, l.held_back, l.expired])).toEqual([["campaign", 0, 2, 1, 0], ["adset", 0, 2, 1, 0], ["ad", 0, 6, 0, 0]]);
    expect(regen.recommendations.map((r) => r.id).sort()).toEqual(generated.recommendations.filter((r) => r.id !== pause.id && r.id !== scale.id).map((r) => r.id).sort());
    expect((await recommendations(p.admin, "config_id=202&status=dismissed")).map((r) => r.id)).toEqual([pause.id]);
    expect((await recommendations(p.admin, "config_id=202&entity_type=adset&status=applied")).map((r) => r.id)).toEqual([scale.id]);

    // S_REV's leads recover (3 a day this week: CPL 315 / 21 = 15, +12.5% on 13.33): the rule stops firing. Without
    // force_refresh the stored features still say it fires; with it, the advice expires.
    const review = generated.recommendations.find((r) => r.entity_id === "S_REV")!;
    await env.DB.prepare("UPDATE ad_insights SET leads = 3 WHERE project_id = ?1 AND entity_id = 'S_REV' AND date > date(?2, '-7 days')").bind(p.id, asOfDate).run();
    await json("/v1/ml/recommendations/generate", { config_id: 202, entity_type: "adset", force_refresh: false }, bearer(p.admin));
    expect((await recommendations(p.admin, "config_id=202&entity_type=adset&entity_id=S_REV")).map((r) => r.id)).toEqual([review.id]);
    const forced = (await (await json("/v1/ml/recommendations/generate", { config_id: 202, entity_type: "adset", force_refresh: true }, bearer(p.admin))).json()) as typeof generated;
    expect(forced.levels[0]!.expired).toBe(1);
    expect(await recommendations(p.admin, "config_id=202&entity_type=adset&entity_id=S_REV")).toEqual([]);
    expect(await recommendations(p.admin, "config_id=202&entity_type=adset&entity_id=S_REV&status=expired")).toMatchObject([{ id: review.id, type: "AUDIENCE_REVIEW", status: "expired" }]);

    // An open row past its expires_at expires even when its entity is not judged (the job on AD_WIN alone).
    const fat = generated.recommendations.find((r) => r.entity_id === "AD_FAT")!;
    await env.DB.prepare("UPDATE ml_recommendations SET expires_at = ?1 WHERE id = ?2").bind(cronAsOf - 1, fat.id).run();
    await runJob(p.admin, "ad_recommendations", { config_id: 202, entity_ids: ["AD_WIN"], as_of: cronAsOf });
    expect(await recommendations(p.admin, "config_id=202&entity_type=ad&entity_id=AD_FAT&status=expired")).toMatchObject([{ id: fat.id }]);
    expect((await recommendations(p.admin, "config_id=202&entity_type=ad&entity_id=AD_LOSE")).map((r) => r.type)).toEqual(["PAUSE"]);
  });
});

describe("the /v1/ml routes", () => {
  it("are in the OpenAPI document", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/v1/ml/recommendations/{id}"] ?? {})).toEqual(["patch"]);
    for (const path of ["/v1/ml/features", "/v1/ml/classifications", "/v1/ml/classifications/classify", "/v1/ml/recommendations", "/v1/ml/recommendations/generate"]) expect(doc.paths[path], path).toBeDefined();
  });

  it("classify: the tiers of the entities asked for, on the day asked for", async () => {
    const p = await newProject();
    const { asOfDate } = clock();
    await buildAccount(p.id, 303, asOfDate);
    const res = await json("/v1/ml/classifications/classify", { config_id: 303, entity_type: "ad", entity_ids: ["AD_WIN", "AD_LOSE"], as_of: asOfDate }, bearer(p.admin));
    const body = (await res.json()) as { entity_type: string; as_of_date: string; classifications: Array<{ entity_id: string; tier: string; drivers: Array<{ feature: string }> }> };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.classifications.map((c) => [c.entity_id, c.tier])).toEqual([["AD_LOSE", "under_performing"], ["AD_WIN", "top"]]);
    expect(body.classifications[1]!.drivers.map((d) => d.feature)).toEqual(["cpl_7d", "performance_vs_siblings", "leads_7d"]);
    // Only those two were stored.
    const listed = (await (await call("/v1/ml/classifications?config_id=303&entity_type=ad", { headers: bearer(p.admin) })).json()) as { classifications: unknown[] };
    expect(listed.classifications).toHaveLength(2);
    // A week with no data: every tier is no_data, and the features are all nulls and zeros, never NaN.
    const empty = await json("/v1/ml/classifications/classify", { config_id: 303, as_of: "2020-01-07" }, bearer(p.admin));
    const emptyBody = (await empty.json()) as { classifications: Array<{ tier: string }> };
    expect(emptyBody.classifications.map((c) => c.tier)).toEqual(["no_data", "no_data", "no_data", "no_data"]);
    const f = await call("/v1/ml/features?config_id=303&as_of_date=2020-01-07", { headers: bearer(p.admin) });
    const text = await f.text();
    expect(text).not.toMatch(/NaN|Infinity/);
    expect((JSON.parse(text) as { features: Array<{ cpl_7d: null; spend_7d: number }> }).features.every((x) => x.cpl_7d === null && x.spend_7d === 0)).toBe(true);
  });

  it("authorise: 401 without a token, 403 for users and other projects, 404 for another account, 400 for bad input", async () => {
    const p = await newProject();
    const other = await newProject();
    const { asOfDate } = clock();
    await buildAccount(p.id, 404, asOfDate);
    await buildAccount(other.id, 405, asOfDate);
    const user = await p.user("u-1");
    const gets = ["/v1/ml/classifications?config_id=404", "/v1/ml/recommendations?config_id=404", "/v1/ml/features?config_id=404"];
    for (const path of gets) {
      expect((await call(path)).status, path).toBe(401);
      expect((await call(path, { headers: bearer(user) })).status, path).toBe(403);
      const wrong = await call(`${path}&project=${p.id}`, { headers: bearer(other.admin) });
      expect(wrong.status, path).toBe(403);
      expect(await wrong.json()).toMatchObject({ error: { code: "wrong_project" } });
      // Another project's account, asked for from this project: not found here.
      const missing = await call(path.replace("404", "405"), { headers: bearer(p.admin) });
      expect(missing.status, path).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: "ad_account_not_found" } });
      expect((await call(path, { headers: asOperator })).status, path).toBe(400); // the operator names a project
      expect((await call(`${path}&project=${p.id}`, { headers: asOperator })).status, path).toBe(200);
    }
    expect((await json("/v1/ml/classifications/classify", { config_id: 404 }, bearer(user))).status).toBe(403);
    expect((await json("/v1/ml/recommendations/generate", { config_id: 404 }, bearer(other.admin))).status).toBe(404);
    expect((await json(`/v1/ml/recommendations/generate?project=${p.id}`, { config_id: 404 }, bearer(other.admin))).status).toBe(403);
    const unknown = await json("/v1/ml/classifications/classify", { config_id: 404, entity_type: "adset", entity_ids: ["S_OK", "AD_WIN"] }, bearer(p.admin));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "ad_entity_not_found", details: { entity_ids: ["AD_WIN"] } } });
    expect((await call("/v1/ml/classifications?config_id=404&entity_type=keyword", { headers: bearer(p.admin) })).status).toBe(400);
    expect((await call("/v1/ml/classifications?config_id=-1", { headers: bearer(p.admin) })).status).toBe(400);
    expect((await json("/v1/ml/classifications/classify", { config_id: 404, as_of: "2026-02-30" }, bearer(p.admin))).status).toBe(400);
    // Another project's admin cannot resolve this project's recommendation (it is not theirs to find).
    const gen = (await (await json("/v1/ml/recommendations/generate", { config_id: 404, entity_type: "campaign" }, bearer(p.admin))).json()) as { recommendations: Rec[] };
    expect((await json(`/v1/ml/recommendations/${gen.recommendations[0]!.id}`, { status: "dismissed" }, bearer(other.admin), "PATCH")).status).toBe(404);
    // Jobs: entity_ids need config_id.
    const bad = await json("/v1/admin/jobs/ad_recommendations", { params: { entity_ids: ["AD_WIN"] } }, bearer(p.admin));
    expect(bad.status).toBe(400);
  });
});
