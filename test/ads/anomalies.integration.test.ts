// Anomalies end to end: an account built in D1, a spend spike on one ad, found by the API and by the jobs, and nothing else.
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { addDays } from "../../src/reports/time-zones";
import { asOperator, bearer, call, json, newProject } from "../helpers/api";

const START = "2026-02-16"; // a Monday
const WEEKS = 6;
const LAST = addDays(START, WEEKS * 7 - 1); // 2026-03-29, the spike day
// Midnight after LAST: LAST is complete (an as_of within LAST would judge it as a day still under way).
const AS_OF = `${addDays(LAST, 1)}T00:00:00Z`;
const NOON = `${LAST}T12:00:00Z`;
// Leads per weekday (Monday first), and spend around 20 per lead: a weekly pattern with weekends low.
const LEADS = [5, 5, 6, 5, 5, 3, 3];

type Day = { spend: number; impressions: number; reach: number; clicks: number; leads: number };

/** An ad's day: the weekly pattern times `scale`, with a deterministic wobble of a few percent. */
function adDay(i: number, scale: number, salt: number): Day {
  const wobble = 1 + (((i * 7 + salt * 3) % 5) - 2) / 100;
  const leads = LEADS[i % 7]! * scale;
  const spend = Math.round(leads * 20 * wobble * 100) / 100;
  const impressions = Math.round(spend * 50);
  return { spend, impressions, reach: Math.round(impressions / 1.5), clicks: Math.round(impressions * 0.02 * (2 - wobble)), leads };
}

const sum = (days: Day[]): Day => days.reduce((a, d) => ({ spend: a.spend + d.spend, impressions: a.impressions + d.impressions, reach: a.reach + d.reach, clicks: a.clicks + d.clicks, leads: a.leads + d.leads }), { spend: 0, impressions: 0, reach: 0, clicks: 0, leads: 0 });

/**
 * One campaign c1 → ad sets s1 (ads a1, a2) and s2 (ad a3), six weeks of days; a1 spends 4× on LAST with the same
 * leads (so its CPL is 4× too). Ad set s3 and its ad a4 started ten days before LAST, and a4 spikes too: too little
 * history to judge either.
 * Parents' days are their children's sums, as the platform reports them.
 */
async function buildAccount(projectId: string, configId: number) {
  const now = Date.now();
  const entities: Array<[string, string, string | null]> = [["c1", "campaign", null], ["s1", "adset", "c1"], ["s2", "adset", "c1"], ["a1", "ad", "s1"], ["a2", "ad", "s1"], ["a3", "ad", "s2"], ["s3", "adset", "c1"], ["a4", "ad", "s3"]];
  const statements = entities.map(([id, type, parent]) =>
    env.DB.prepare("INSERT INTO ad_entities (project_id, config_id, entity_id, entity_type, parent_id, name, status, daily_budget, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', NULL, ?7)").bind(projectId, configId, id, type, parent, `name ${id}`, now),
  );
  const insert = (id: string, type: string, date: string, d: Day) =>
    env.DB.prepare("INSERT INTO ad_insights (project_id, config_id, entity_id, entity_type, date, spend, impressions, reach, clicks, leads, frequency, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1.5, ?11)")
      .bind(projectId, configId, id, type, date, d.spend, d.impressions, d.reach, d.clicks, d.leads, now);
  for (let i = 0; i < WEEKS * 7; i++) {
    const date = addDays(START, i);
    const spike = date === LAST;
    const a1 = adDay(i, 1, 1);
    if (spike) a1.spend *= 4;
    const a2 = adDay(i, 2, 2);
    const a3 = adDay(i, 1, 3);
    const ads: Array<[string, Day]> = [["a1", a1], ["a2", a2], ["a3", a3]];
    if (i >= WEEKS * 7 - 10) {
      const a4 = adDay(i, 1, 4);
      if (spike) a4.spend *= 4;
      ads.push(["a4", a4]);
    }
    for (const [id, d] of ads) statements.push(insert(id, "ad", date, d));
    const s1 = sum([a1, a2]);
    const s2 = a3;
    const s3 = ads.filter(([id]) => id === "a4").map(([, d]) => d);
    statements.push(insert("s1", "adset", date, s1), insert("s2", "adset", date, s2), insert("c1", "campaign", date, sum([s1, s2, ...s3])));
    if (s3.length > 0) statements.push(insert("s3", "adset", date, s3[0]!));
  }
  await env.DB.batch(statements);
}

let configCounter = 1000;
async function account() {
  const p = await newProject();
  const configId = configCounter++;
  await buildAccount(p.id, configId);
  return { p, configId };
}

type Anomaly = { config_id: number; entity_type: string; entity_id: string; metric: string; date: string; value: number; expected: number; score: number; severity: string; direction: string; detected_at: string };
const key = (a: Anomaly) => ({ entity_id: a.entity_id, metric: a.metric, date: a.date, direction: a.direction });

async function storedRows(projectId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM ml_anomalies WHERE project_id = ?1 ORDER BY entity_id, metric, date").bind(projectId).all();
  return results;
}

describe("POST /v1/ml/anomalies/detect", () => {
  it("finds the spend spike of one ad on its day (and its CPL), with a severity, and nothing on the quiet ads", async () => {
    const { p, configId } = await account();
    const res = await json("/v1/ml/anomalies/detect", { config_id: configId, entity_type: "ad", days: 7, as_of: AS_OF }, bearer(p.admin));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { from: string; to: string; entities_examined: number; anomalies: Anomaly[]; rows_written: number; rows_removed: number };
    expect(body).toMatchObject({ from: addDays(LAST, -6), to: LAST, entities_examined: 4, rows_written: 2, rows_removed: 0 });
    expect(body.anomalies.map(key).sort((a, b) => a.metric.localeCompare(b.metric))).toEqual([
      { entity_id: "a1", metric: "cpl", date: LAST, direction: "up" },
      { entity_id: "a1", metric: "spend", date: LAST, direction: "up" },
    ]);
    const spend = body.anomalies.find((a) => a.metric === "spend")!;
    // 4× a Sunday's ~60: far beyond |z| 20.
    expect(spend).toMatchObject({ config_id: configId, entity_type: "ad", severity: "critical" });
    expect(spend.value).toBeCloseTo(adDay(WEEKS * 7 - 1, 1, 1).spend * 4, 6);
    expect(Math.abs(spend.expected - adDay(WEEKS * 7 - 1, 1, 1).spend)).toBeLessThan(5);
    expect(spend.score).toBeGreaterThan(20);
    // Stored as returned.
    const rows = await storedRows(p.id);
    expect(rows.map((r) => [r.entity_id, r.metric, r.date, r.direction, r.severity, r.entity_type])).toEqual([
      ["a1", "cpl", LAST, "up", body.anomalies.find((a) => a.metric === "cpl")!.severity, "ad"],
      ["a1", "spend", LAST, "up", "critical", "ad"],
    ]);
  });

  it("judges a day still under way only for rising spend and leads: at noon of LAST, a1's spend spike but not its CPL", async () => {
    const { p, configId } = await account();
    const res = await json("/v1/ml/anomalies/detect", { config_id: configId, entity_type: "ad", days: 7, as_of: NOON }, bearer(p.admin));
    const body = (await res.json()) as { to: string; anomalies: Anomaly[] };
    expect(body.to).toBe(LAST);
    expect(body.anomalies.map((a) => [a.entity_id, a.metric, a.direction])).toEqual([["a1", "spend", "up"]]);
  });

  it("re-running changes nothing; a corrected day loses its anomaly", async () => {
    const { p, configId } = await account();
    const detect = () => json("/v1/ml/anomalies/detect", { config_id: configId, entity_type: "ad", days: 7, as_of: AS_OF }, bearer(p.admin));
    const first = (await (await detect()).json()) as { anomalies: Anomaly[] };
    const before = await storedRows(p.id);
    expect(before).toHaveLength(2);
    const again = (await (await detect()).json()) as { anomalies: Anomaly[]; rows_written: number; rows_removed: number };
    expect(again).toMatchObject({ rows_written: 0, rows_removed: 0 });
    expect(again.anomalies).toEqual(first.anomalies); // detected_at included: the first detection's
    expect(await storedRows(p.id)).toEqual(before);
    // The platform corrects a1's spike day to a normal one: re-detection removes both findings.
    const normal = adDay(WEEKS * 7 - 1, 1, 1);
    await env.DB.prepare("UPDATE ad_insights SET spend = ?1 WHERE project_id = ?2 AND config_id = ?3 AND entity_id = 'a1' AND date = ?4").bind(normal.spend, p.id, configId, LAST).run();
    const corrected = (await (await detect()).json()) as { anomalies: Anomaly[]; rows_written: number; rows_removed: number };
    expect(corrected).toMatchObject({ anomalies: [], rows_written: 0, rows_removed: 2 });
    expect(await storedRows(p.id)).toEqual([]);
  });

  it("examines only the named entities, and only what it examined is replaced", async () => {
    const { p, configId } = await account();
    const res = await json("/v1/ml/anomalies/detect", { config_id: configId, entity_type: "ad", entity_ids: ["a2", "a3"], days: 7, as_of: AS_OF }, bearer(p.admin));
    expect(await res.json()).toMatchObject({ entities_examined: 2, anomalies: [], rows_written: 0 });
    await json("/v1/ml/anomalies/detect", { config_id: configId, entity_type: "ad", days: 7, as_of: AS_OF }, bearer(p.admin));
    // a2 alone again: a1's stored findings stay.
    await json("/v1/ml/anomalies/detect", { config_id: configId, entity_type: "ad", entity_ids: ["a2"], days: 7, as_of: AS_OF }, bearer(p.admin));
    expect((await storedRows(p.id)).map((r) => r.entity_id)).toEqual(["a1", "a1"]);
  });

  it("says nothing before an entity has two weeks of history, nor before the account's spike day", async () => {
    const { p, configId } = await account();
    // a4 spikes too on LAST, with ten days behind it: no verdict. The day before LAST, nothing is anomalous anywhere.
    const earlier = (await (await json("/v1/ml/anomalies/detect", { config_id: configId, entity_type: "ad", days: 28, as_of: `${addDays(LAST, -1)}T23:59:59Z` }, bearer(p.admin))).json()) as { anomalies: Anomaly[] };
    expect(earlier.anomalies).toEqual([]);
    const onTheDay = (await (await json("/v1/ml/anomalies/detect", { config_id: configId, entity_type: "ad", days: 1, as_of: AS_OF }, bearer(p.admin))).json()) as { anomalies: Anomaly[] };
    expect(new Set(onTheDay.anomalies.map((a) => a.entity_id))).toEqual(new Set(["a1"]));
  });

  it("answers 404 for an unknown account or entity, 400 for bad input", async () => {
    const { p, configId } = await account();
    const wrong = await json("/v1/ml/anomalies/detect", { config_id: configId + 5000, days: 7 }, bearer(p.admin));
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toMatchObject({ error: { code: "ad_account_not_found" } });
    const entity = await json("/v1/ml/anomalies/detect", { config_id: configId, entity_type: "ad", entity_ids: ["a1", "nope"] }, bearer(p.admin));
    expect(entity.status).toBe(404);
    expect(await entity.json()).toMatchObject({ error: { code: "ad_entity_not_found", details: { entity_ids: ["nope"] } } });
    // Refused before anything ran.
    expect(await storedRows(p.id)).toEqual([]);
    for (const bad of [{ config_id: configId, days: 0 }, { config_id: configId, days: 91 }, { config_id: configId, entity_type: "creative" }, { days: 7 }, { config_id: -1 }, { config_id: configId, as_of: "yesterday" }, { config_id: configId, entity_ids: [] }]) {
      const res = await json("/v1/ml/anomalies/detect", bad, bearer(p.admin));
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
  });
});

describe("GET /v1/ml/anomalies", () => {
  it("lists a level's anomalies (campaign by default), filtered by dates, severity and account", async () => {
    const { p, configId } = await account();
    await json("/v1/ml/anomalies/detect", { config_id: configId, entity_type: "ad", days: 7, as_of: AS_OF }, bearer(p.admin));
    const get = async (q: string) => {
      const res = await call(`/v1/ml/anomalies?${q}`, { headers: bearer(p.admin) });
      expect(res.status, q).toBe(200);
      return (await res.json()) as { entity_type: string; anomalies: Anomaly[] };
    };
    // The compatibility rule: no entity_type means campaigns, and none were detected yet.
    expect(await get(`config_id=${configId}`)).toEqual({ entity_type: "campaign", config_id: configId, anomalies: [] });
    const ads = await get(`entity_type=ad&config_id=${configId}`);
    expect(ads.anomalies.map((a) => `${a.entity_id}/${a.metric}`).sort()).toEqual(["a1/cpl", "a1/spend"]);
    expect((await get(`entity_type=ad`)).anomalies).toHaveLength(2); // every account of the project
    expect((await get(`entity_type=ad&from=${LAST}&to=${LAST}`)).anomalies).toHaveLength(2);
    expect((await get(`entity_type=ad&to=${addDays(LAST, -1)}`)).anomalies).toEqual([]);
    expect((await get(`entity_type=ad&severity=critical`)).anomalies.map((a) => a.metric)).toContain("spend");
    expect((await get(`entity_type=ad&entity_id=a2`)).anomalies).toEqual([]);
    const bad = await call(`/v1/ml/anomalies?entity_type=ad&from=${LAST}&to=${addDays(LAST, -1)}`, { headers: bearer(p.admin) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_range" } });
    for (const q of ["entity_type=campaigns", "severity=huge", "from=2026-02-30", "config_id=abc", "limit=0"]) {
      const res = await call(`/v1/ml/anomalies?${q}`, { headers: bearer(p.admin) });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
    expect((await call(`/v1/ml/anomalies?config_id=${configId + 5000}`, { headers: bearer(p.admin) })).status).toBe(404);
  });

  it("is for the project's admins: no token 401, a user 403, another project's admin 403 or 404", async () => {
    const { p, configId } = await account();
    const other = await newProject();
    expect((await call(`/v1/ml/anomalies?config_id=${configId}`)).status).toBe(401);
    expect((await json("/v1/ml/anomalies/detect", { config_id: configId })).status).toBe(401);
    const user = bearer(await p.user("u1"));
    expect((await call(`/v1/ml/anomalies?config_id=${configId}`, { headers: user })).status).toBe(403);
    expect((await json("/v1/ml/anomalies/detect", { config_id: configId }, user)).status).toBe(403);
    // Another project's admin naming this project: 403; not naming it: its own project has no such account, 404.
    expect((await call(`/v1/ml/anomalies?config_id=${configId}&project=${p.id}`, { headers: bearer(other.admin) })).status).toBe(403);
    expect((await json(`/v1/ml/anomalies/detect?project=${p.id}`, { config_id: configId }, bearer(other.admin))).status).toBe(403);
    expect((await call(`/v1/ml/anomalies?config_id=${configId}`, { headers: bearer(other.admin) })).status).toBe(404);
    expect((await json("/v1/ml/anomalies/detect", { config_id: configId }, bearer(other.admin))).status).toBe(404);
    // The operator names the project.
    expect((await json("/v1/ml/anomalies/detect", { config_id: configId }, asOperator)).status).toBe(400);
    expect((await json(`/v1/ml/anomalies/detect?project=${p.id}`, { config_id: configId, entity_type: "ad", as_of: AS_OF }, asOperator)).status).toBe(200);
    expect(await storedRows(other.id)).toEqual([]);
  });
});

describe("the anomaly jobs", () => {
  it("run per level through the admin job route, pinned to the admin's project", async () => {
    const { p, configId } = await account();
    const run = async (job: string, params: Record<string, unknown>) => {
      const res = await json(`/v1/admin/jobs/${job}`, { params }, bearer(p.admin));
      expect(res.status, job).toBe(200);
      return (await res.json()) as { status: string; rows_written: number; message: string };
    };
    const campaign = await run("campaign_anomaly_detection", { config_id: configId, as_of: AS_OF });
    expect(campaign).toMatchObject({ status: "ok", rows_written: 2 });
    expect(campaign.message).toContain(`1 accounts, 1 campaigns, ${addDays(LAST, -1)}..${LAST}: 2 anomalies`);
    const adset = await run("adset_anomaly_detection", { config_id: configId, as_of: AS_OF });
    expect(adset.rows_written).toBeGreaterThan(0);
    expect(await run("ad_anomaly_detection", { as_of: AS_OF, days: 7 })).toMatchObject({ rows_written: 2 });
    const rows = (await storedRows(p.id)) as Array<{ entity_type: string; entity_id: string; metric: string; date: string; direction: string }>;
    // The spike shows at every level above a1 (its parents' sums), never on the quiet s2, a2, a3 or the young s3, a4.
    expect(new Set(rows.map((r) => r.entity_id))).toEqual(new Set(["c1", "s1", "a1"]));
    expect(rows.filter((r) => r.metric === "spend").map((r) => [r.entity_type, r.entity_id, r.date, r.direction])).toEqual([
      ["ad", "a1", LAST, "up"],
      ["campaign", "c1", LAST, "up"],
      ["adset", "s1", LAST, "up"],
    ]);
    // Twice is once.
    expect(await run("campaign_anomaly_detection", { config_id: configId, as_of: AS_OF })).toMatchObject({ status: "ok", rows_written: 0 });
    const get = (await (await call(`/v1/ml/anomalies?config_id=${configId}`, { headers: bearer(p.admin) })).json()) as { anomalies: Anomaly[] };
    expect(get.anomalies.map((a) => a.entity_id)).toEqual(["c1", "c1"]);
  });

  it("refuse bad parameters and other projects", async () => {
    const { p, configId } = await account();
    const other = await newProject();
    for (const params of [{ entity_ids: ["a1"] }, { days: 0 }, { days: 91 }, { config_id: "x" }, { config_id: configId, entity_typo: "ad" }]) {
      const res = await json("/v1/admin/jobs/ad_anomaly_detection", { params }, bearer(p.admin));
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_job_params" } });
    }
    expect((await json("/v1/admin/jobs/ad_anomaly_detection", { params: { project: p.id } }, bearer(other.admin))).status).toBe(403);
    // Pinned to its own project, the other admin's run finds no account.
    expect(await (await json("/v1/admin/jobs/ad_anomaly_detection", { params: { config_id: configId, as_of: AS_OF } }, bearer(other.admin))).json()).toMatchObject({ status: "skipped", rows_written: 0 });
    expect(await storedRows(p.id)).toEqual([]);
  });

  it("run from their crons: campaign and ad set hourly, ads every two hours", async () => {
    const { p } = await account();
    const at = Date.parse(AS_OF);
    await worker.scheduled(createScheduledController({ cron: "0 * * * *", scheduledTime: at }), env, createExecutionContext());
    await worker.scheduled(createScheduledController({ cron: "0 */2 * * *", scheduledTime: at }), env, createExecutionContext());
    const { results } = await env.DB.prepare("SELECT job, status FROM job_runs WHERE trigger = 'cron' AND job LIKE '%anomaly_detection' ORDER BY rowid DESC LIMIT 3").all<{ job: string; status: string }>();
    expect(results.reverse()).toEqual([
      { job: "campaign_anomaly_detection", status: "ok" },
      { job: "adset_anomaly_detection", status: "ok" },
      { job: "ad_anomaly_detection", status: "ok" },
    ]);
    expect(new Set((await storedRows(p.id)).map((r) => r.entity_id))).toEqual(new Set(["c1", "s1", "a1"]));
  });
});
