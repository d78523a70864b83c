// Ads forecasts in workerd: the API runs the level's job and stores spend, leads and CPL; the job runs from the ledger route; who may call.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays } from "../../src/ads/report-day";
import { asOperator, bearer, call, json, newProject } from "../helpers/api";
import { putEntities, putInsights } from "./helpers";

type Forecast = { entity_id: string; entity_type: string; metric: string; as_of_date: string; horizon_days: number; predictions: Array<{ date: string; value: number | null }>; total: { value: number | null } };

/** A campaign with two ad sets over 35 days ending 2026-11-19: ad set s1 spends 20 + i a day for 2 leads, s2 a flat 10 for 1. */
async function account() {
  const p = await newProject();
  await putEntities(p.admin, 5, [
    { entity_type: "campaign", entity_id: "c1", name: "c1", status: "active" },
    { entity_type: "adset", entity_id: "s1", parent_id: "c1", name: "s1", status: "active" },
    { entity_type: "adset", entity_id: "s2", parent_id: "c1", name: "s2", status: "active" },
  ]);
  const rows = [];
  for (let i = 0; i < 35; i++) {
    const date = addDays("2026-11-19", i - 34);
    rows.push({ entity_id: "s1", date, spend: 20 + i, impressions: 1000, reach: 900, clicks: 30, leads: 2 });
    rows.push({ entity_id: "s2", date, spend: 10, impressions: 500, reach: 450, clicks: 10, leads: 1 });
    rows.push({ entity_id: "c1", date, spend: 30 + i, impressions: 1500, reach: 1300, clicks: 40, leads: 3 });
  }
  const r = await putInsights(p.admin, 5, rows);
  if (r.body.accepted !== rows.length) throw new Error(JSON.stringify(r.body));
  return p;
}

const generate = (token: string, body: unknown) => json("/v1/ml/forecasts/generate", body, bearer(token));

describe("ads forecasts", () => {
  it("forecasts a campaign from the last complete day before as_of, CPL as the ratio of the two forecasts", async () => {
    const p = await account();
    // 05:00 on the 20th: the 20th is under way, so history ends on the 19th.
    const res = await generate(p.admin, { config_id: 5, horizon_days: 7, as_of: "2026-11-20T05:00:00Z" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { continued: boolean; forecasts: Forecast[] };
    expect(body.continued).toBe(false);
    expect(body.forecasts.map((f) => [f.entity_id, f.metric])).toEqual([["c1", "cpl"], ["c1", "leads"], ["c1", "spend"]]);
    const by = Object.fromEntries(body.forecasts.map((f) => [f.metric, f]));
    expect(by.spend!.as_of_date).toBe("2026-11-19");
    expect(by.spend!.predictions.map((x) => x.date)).toEqual(["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]);
    // Spend was 30 + i for i = 0…34, so the next week continues at 65, 66, …; leads were a flat 3.
    by.spend!.predictions.forEach((x, k) => expect(x.value).toBeCloseTo(65 + k, 4));
    by.cpl!.predictions.forEach((x, k) => expect(x.value).toBeCloseTo((65 + k) / 3, 4));
    expect(by.cpl!.total.value).toBeCloseTo((65 + 66 + 67 + 68 + 69 + 70 + 71) / 21, 4);
    // The run is in the ledger.
    const ledger = await env.DB.prepare("SELECT job, status, trigger FROM job_runs WHERE job = 'campaign_forecasts' AND params LIKE ?1").bind(`%${p.id}%`).all();
    expect(ledger.results).toEqual([{ job: "campaign_forecasts", status: "ok", trigger: "api" }]);
  });

  it("runs adset_forecasts from the jobs route for the named ad sets only, replacing earlier forecasts, and GET filters them", async () => {
    const p = await account();
    const run = await json(`/v1/admin/jobs/adset_forecasts`, { params: { config_id: 5, entity_ids: ["s2"], horizon_days: 3, as_of: "2026-11-20T00:00:00Z" } }, bearer(p.admin));
    expect(run.status).toBe(200);
    const list = async (q: string) => ((await (await call(`/v1/ml/forecasts?config_id=5&${q}`, { headers: bearer(p.admin) })).json()) as { forecasts: Forecast[] }).forecasts;
    expect((await list("entity_type=adset")).map((f) => f.entity_id)).toEqual(["s2", "s2", "s2"]);
    const spend = (await list("entity_type=adset&metric=spend"))[0]!;
    spend.predictions.forEach((x) => expect(x.value).toBeCloseTo(10, 6));
    // Again with another horizon: the stored rows are replaced, not added to.
    await generate(p.admin, { config_id: 5, entity_type: "adset", entity_ids: ["s2"], horizon_days: 5, as_of: "2026-11-20T00:00:00Z" });
    const replaced = await list("entity_type=adset&entity_id=s2");
    expect(replaced.map((f) => [f.metric, f.horizon_days, f.predictions.length])).toEqual([["cpl", 5, 5], ["leads", 5, 5], ["spend", 5, 5]]);
    // campaign is the default level, and nothing was forecast for it here.
    expect(await list("")).toEqual([]);
  });

  it("refuses bad input with 400, an unknown account with 404, and anyone but the project's admins", async () => {
    const p = await account();
    const other = await newProject();
    expect((await generate(p.admin, { config_id: 5, horizon_days: 91 })).status).toBe(400);
    expect((await generate(p.admin, { config_id: 5, entity_type: "ad" })).status).toBe(400);
    expect((await generate(p.admin, { config_id: 5, surprise: 1 })).status).toBe(400);
    // Entities that are not ad sets of the account are named, as the other /v1/ml runs do (it answered 200 with nothing).
    const notAdsets = await generate(p.admin, { config_id: 5, entity_type: "adset", entity_ids: ["s1", "c1", "zzz"] });
    expect(notAdsets.status).toBe(404);
    expect(((await notAdsets.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({ code: "ad_entity_not_found", details: { entity_ids: ["c1", "zzz"] } });
    const unknown = await generate(p.admin, { config_id: 6 });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("ad_account_not_found");
    expect((await call("/v1/ml/forecasts?config_id=5")).status).toBe(401);
    expect((await call("/v1/ml/forecasts?config_id=5", { headers: bearer(await p.user("u")) })).status).toBe(403);
    expect((await call(`/v1/ml/forecasts?config_id=5&project=${p.id}`, { headers: bearer(other.admin) })).status).toBe(403);
    // Another project's admin asking for its own config 5 sees no account.
    expect((await call("/v1/ml/forecasts?config_id=5", { headers: bearer(other.admin) })).status).toBe(404);
    expect((await call(`/v1/ml/forecasts?config_id=5&project=${p.id}`, { headers: asOperator })).status).toBe(200);
  });
});

describe("a forecast whose history has run out", () => {
  it("is removed, not left to be read as current", async () => {
    const p = await account();
    await generate(p.admin, { config_id: 5, entity_type: "adset", horizon_days: 2, as_of: "2026-11-20T00:00:00Z" });
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM ml_forecasts WHERE project_id = ?1 AND entity_id = 's2'").bind(p.id).first<{ n: number }>())!.n;
    expect(await count()).toBe(3);
    // 200 days later, s2's last delivery is out of the 120-day window.
    await generate(p.admin, { config_id: 5, entity_type: "adset", horizon_days: 2, as_of: "2027-06-08T00:00:00Z" });
    expect(await count()).toBe(0);
  });
});
