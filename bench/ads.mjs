// npm run bench:ads — seed 001's ML jobs through the local Worker on an account the seed's size (18 campaigns, 91 ad
// sets, 278 ads) and one 10× larger, 90 days of insights each, beside one hand-written SQL query computing the same
// 7-day aggregates (the floor), in the same run; the stored features must agree with the floor's sums.
//
// 1. The harness (bench/lib/run.mjs): a snapshot of the sources, fresh D1 migrations, the bench build, `wrangler dev`.
// 2. Per scale (BENCH_SCALES, default 1 and 10; config_id = the scale): a seeded account. Ads spend and convert with a
//    weekly rhythm and their own cost per lead; an ad set's day is the sum of its ads' (its reach 10% below the sum,
//    as overlapping audiences make it), a campaign's the sum of its ad sets'. A few ads are paused after day 60. The
//    whole account goes in through the API, as a customer's sync would: PUT /v1/ads/entities, then PUT
//    /v1/ads/insights in requests of ADS_MAX_ROWS rows, parents first (so every child is checked against them).
// 3. Floors, in node:sqlite on the D1 file, median of BENCH_FLOOR_REPEATS: (a) one query with every entity's 7-day
//    sums (spend, impressions, clicks, leads, reach) for the last 7 days and the 7 before; (b) one query reading what
//    anomaly detection reads: every entity's days over its history window.
// 4. Times, through POST /v1/admin/jobs/:name followed in the job ledger to the last page: per level, classification
//    (which computes and stores the level's features) then recommendations; anomaly detection per level; the forecast
//    jobs (campaigns, ad sets). Checks: every stored feature row's 7-day sums equal the floor's; every entity has a
//    classification; no entity has contradictory open advice.
// 5. Prints the table and writes bench/results/ads-<timestamp>.json.
//
// Settings (environment): BENCH_SCALES (1,10), BENCH_DAYS (90), BENCH_FLOOR_REPEATS (3), BENCH_JOB_TIMEOUT (s, 1800),
// BENCH_SEED (1), BENCH_ANOMALY_HISTORY_DAYS (the detector's window, 63), and the harness's BENCH_LATENCY (0),
// BENCH_REF, BENCH_KEEP_TMP.
import { fmt, intSetting, mulberry32, round, say, seconds, timeRepeated } from "./lib/harness.mjs";
import { loadSqlite } from "./lib/d1-file.mjs";
import { runJobToTheEnd } from "./lib/job-ledger.mjs";
import { pad, printHeader } from "./lib/report.mjs";
import { runBenchmark } from "./lib/run.mjs";
import { problemLines } from "./lib/worker.mjs";

const DatabaseSync = await loadSqlite();
const PROJECT_ID = "bench";
const DAY_MS = 86_400_000;
const LEVELS = ["campaign", "adset", "ad"];
const SEED_SIZE = { campaign: 18, adset: 91, ad: 278 };
// The seed's 05:00 / 05:30 / 06:00 jobs per level, in the schedule's order.
const ML_JOBS = (level) => [`${level}_classification`, `${level}_recommendations`];
const ANOMALY_JOB = (level) => `${level}_anomaly_detection`;
const FORECAST_JOBS = ["campaign_forecasts", "adset_forecasts"];

const settings = {
  scales: (process.env.BENCH_SCALES ?? "1,10").split(",").map(Number),
  days: intSetting("BENCH_DAYS", 90),
  floor_repeats: intSetting("BENCH_FLOOR_REPEATS", 3),
  job_timeout_s: intSetting("BENCH_JOB_TIMEOUT", 1800),
  seed: intSetting("BENCH_SEED", 1, 0),
  anomaly_history_days: intSetting("BENCH_ANOMALY_HISTORY_DAYS", 63),
};
for (const s of settings.scales) if (!Number.isInteger(s) || s < 1) throw new Error(`BENCH_SCALES: '${s}' is not a positive integer`);

const isoDay = (t) => new Date(t).toISOString().slice(0, 10);
const cents = (x) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------------------------------------------------------------
// The account

function poisson(r, lambda) {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(r)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}
function gaussian(r) {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Entities and their daily insights for one scale; days end on `lastDay` (epoch ms of its midnight). */
function account(scale, lastDay, days, seedValue) {
  const r = mulberry32(seedValue * 7919 + scale);
  const n = Object.fromEntries(LEVELS.map((l) => [l, SEED_SIZE[l] * scale]));
  const id = (level, i) => `${{ campaign: "c", adset: "s", ad: "a" }[level]}${String(i).padStart(5, "0")}`;
  const entities = [];
  for (let i = 0; i < n.campaign; i++) entities.push({ entity_type: "campaign", entity_id: id("campaign", i), name: `Campaign ${i}`, status: "active", daily_budget: i % 3 === 0 ? 150 : null });
  for (let i = 0; i < n.adset; i++) entities.push({ entity_type: "adset", entity_id: id("adset", i), parent_id: id("campaign", i % n.campaign), name: `Ad set ${i}`, status: "active", daily_budget: i % 3 === 0 ? null : 40 });
  const ads = [];
  for (let i = 0; i < n.ad; i++) {
    const paused = i % 23 === 0;
    ads.push({ id: id("ad", i), adset: id("adset", i % n.adset), paused, spend: Math.exp(2.6 + 0.6 * gaussian(r)), cpl: Math.exp(3 + 0.5 * gaussian(r)), ctr: 0.006 + 0.012 * r(), cpm: 8 + 14 * r(), fatigue: i % 17 === 0 });
    entities.push({ entity_type: "ad", entity_id: id("ad", i), parent_id: id("adset", i % n.adset), name: `Ad ${i}`, status: paused ? "paused" : "active" });
  }
  const parentOfAdset = new Map(entities.filter((e) => e.entity_type === "adset").map((e) => [e.entity_id, e.parent_id]));
  const insights = { campaign: [], adset: [], ad: [] };
  const spikeAd = ads[Math.floor(ads.length / 2)].id;
  for (let d = 0; d < days; d++) {
    const t = lastDay - (days - 1 - d) * DAY_MS;
    const date = isoDay(t);
    const weekday = new Date(t).getUTCDay();
    const rhythm = weekday === 0 || weekday === 6 ? 0.8 : 1.05;
    const adsets = new Map();
    for (const ad of ads) {
      if (ad.paused && d >= days - 30) continue;
      let spend = cents(ad.spend * rhythm * (0.85 + 0.3 * r()) * (ad.id === spikeAd && d === days - 1 ? 4 : 1));
      const late = d >= days - 14;
      const frequency = ad.fatigue && late ? 1.3 + 0.15 * (d - (days - 14)) : 1.15 + 0.3 * r();
      const impressions = Math.max(1, Math.round((spend / ad.cpm) * 1000));
      const ctr = ad.fatigue && late ? ad.ctr * (1 - 0.04 * (d - (days - 14))) : ad.ctr;
      const clicks = Math.min(impressions, poisson(r, impressions * Math.max(0.001, ctr)));
      const leads = poisson(r, spend / ad.cpl);
      const reach = Math.max(1, Math.min(impressions, Math.round(impressions / frequency)));
      const row = { entity_id: ad.id, date, spend, impressions, reach, clicks, leads };
      insights.ad.push(row);
      const sum = adsets.get(ad.adset) ?? { spend: 0, impressions: 0, reach: 0, clicks: 0, leads: 0 };
      for (const k of ["spend", "impressions", "reach", "clicks", "leads"]) sum[k] += row[k];
      adsets.set(ad.adset, sum);
    }
    const campaigns = new Map();
    for (const [adset, s] of adsets) {
      const row = { entity_id: adset, date, spend: cents(s.spend), impressions: s.impressions, reach: Math.max(1, Math.round(s.reach * 0.9)), clicks: s.clicks, leads: s.leads };
      insights.adset.push(row);
      const campaign = parentOfAdset.get(adset);
      const c = campaigns.get(campaign) ?? { spend: 0, impressions: 0, reach: 0, clicks: 0, leads: 0 };
      for (const k of ["spend", "impressions", "reach", "clicks", "leads"]) c[k] += row[k];
      campaigns.set(campaign, c);
    }
    for (const [campaign, s] of campaigns) insights.campaign.push({ entity_id: campaign, date, spend: cents(s.spend), impressions: s.impressions, reach: Math.max(1, Math.round(s.reach * 0.9)), clicks: s.clicks, leads: s.leads });
  }
  return { counts: n, entities, insights, spike: { ad: spikeAd, date: isoDay(lastDay) } };
}

async function upload(worker, jwt, configId, acc, maxRows) {
  const t0 = Date.now();
  let requests = 0;
  const put = async (path, key, rows) => {
    for (let i = 0; i < rows.length; i += maxRows) {
      const res = await worker.api("PUT", path, jwt, { config_id: configId, [key]: rows.slice(i, i + maxRows) }, { timeoutMs: 300_000 });
      requests++;
      if (res.rejected.length) throw new Error(`${path}: ${res.rejected.length} rows refused, e.g. ${JSON.stringify(res.rejected.slice(0, 3))}`);
    }
  };
  await put("/v1/ads/entities", "entities", acc.entities);
  for (const level of LEVELS) await put("/v1/ads/insights", "insights", acc.insights[level]);
  const rows = acc.entities.length + LEVELS.reduce((s, l) => s + acc.insights[l].length, 0);
  return { rows, requests, ms: Date.now() - t0, rows_per_s: Math.round(rows / ((Date.now() - t0) / 1000)) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Floors

const AGGREGATES_SQL = `
SELECT entity_id, entity_type,
  SUM(CASE WHEN date > ?3 THEN spend ELSE 0 END) AS spend_7d, SUM(CASE WHEN date > ?3 THEN impressions ELSE 0 END) AS impressions_7d,
  SUM(CASE WHEN date > ?3 THEN clicks ELSE 0 END) AS clicks_7d, SUM(CASE WHEN date > ?3 THEN leads ELSE 0 END) AS leads_7d,
  SUM(CASE WHEN date > ?3 THEN reach ELSE 0 END) AS reach_7d,
  SUM(CASE WHEN date <= ?3 THEN spend ELSE 0 END) AS spend_prev, SUM(CASE WHEN date <= ?3 THEN leads ELSE 0 END) AS leads_prev,
  SUM(CASE WHEN date <= ?3 THEN clicks ELSE 0 END) AS clicks_prev, SUM(CASE WHEN date <= ?3 THEN impressions ELSE 0 END) AS impressions_prev
FROM ad_insights WHERE project_id = ?1 AND config_id = ?2 AND date > ?4 AND date <= ?5
GROUP BY entity_id, entity_type`;

const HISTORY_SQL = `SELECT entity_id, date, spend, impressions, clicks, leads FROM ad_insights
WHERE project_id = ?1 AND config_id = ?2 AND date > ?3 AND date <= ?4 ORDER BY entity_type, entity_id, date`;

function floors(file, configId, lastDay, historyDays, repeats) {
  const db = new DatabaseSync(file, { readOnly: true });
  const day = (k) => isoDay(lastDay - k * DAY_MS);
  const agg = db.prepare(AGGREGATES_SQL);
  const aggregates = timeRepeated(repeats, () => agg.all(PROJECT_ID, configId, day(7), day(14), day(0)));
  const hist = db.prepare(HISTORY_SQL);
  const history = timeRepeated(repeats, () => hist.all(PROJECT_ID, configId, day(historyDays), day(0)).length);
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${AGGREGATES_SQL}`).all(PROJECT_ID, configId, day(7), day(14), day(0)).map((r) => r.detail);
  db.close();
  const { last, ...aggTiming } = aggregates;
  const { last: historyRows, ...historyTiming } = history;
  return { aggregates: { ...aggTiming, sql: AGGREGATES_SQL.trim(), rows: last.length, plan, answer: last }, history: { ...historyTiming, sql: HISTORY_SQL.trim(), rows: historyRows } };
}

// ---------------------------------------------------------------------------------------------------------------------
// Checks on what the jobs stored

function storedChecks(file, configId, lastDate, floorRows, entityCount) {
  const db = new DatabaseSync(file, { readOnly: true });
  const features = db.prepare("SELECT entity_id, features FROM ml_features WHERE project_id = ?1 AND config_id = ?2 AND as_of_date = ?3").all(PROJECT_ID, configId, lastDate);
  const classifications = db.prepare("SELECT tier, COUNT(*) AS n FROM ml_classifications WHERE project_id = ?1 AND config_id = ?2 GROUP BY tier").all(PROJECT_ID, configId);
  const recommendations = db.prepare("SELECT entity_type, type, COUNT(*) AS n FROM ml_recommendations WHERE project_id = ?1 AND config_id = ?2 AND status = 'open' GROUP BY entity_type, type ORDER BY entity_type, type").all(PROJECT_ID, configId);
  const contradictions = db
    .prepare(
      `SELECT COUNT(DISTINCT entity_id) AS n FROM ml_recommendations g JOIN ml_recommendations c USING (project_id, config_id, entity_id)
       WHERE project_id = ?1 AND config_id = ?2 AND g.status = 'open' AND c.status = 'open'
       AND g.type IN ('SCALE_UP', 'BUDGET_INCREASE', 'AUDIENCE_EXPANSION', 'CREATIVE_WINNER') AND c.type IN ('PAUSE', 'BUDGET_DECREASE')`,
    )
    .get(PROJECT_ID, configId).n;
  const anomalies = db.prepare("SELECT entity_type, metric, direction, COUNT(*) AS n FROM ml_anomalies WHERE project_id = ?1 AND config_id = ?2 AND date = ?3 GROUP BY entity_type, metric, direction").all(PROJECT_ID, configId, lastDate);
  db.close();
  const floor = new Map(floorRows.map((r) => [r.entity_id, r]));
  const mismatches = [];
  for (const f of features) {
    const v = JSON.parse(f.features);
    // An entity without a day in the window has no floor row: its sums are zeros.
    const want = floor.get(f.entity_id) ?? { spend_7d: 0, impressions_7d: 0, clicks_7d: 0, leads_7d: 0 };
    const same = Math.abs(v.spend_7d - want.spend_7d) < 1e-6 && v.impressions_7d === want.impressions_7d && v.clicks_7d === want.clicks_7d && v.leads_7d === want.leads_7d;
    if (!same) mismatches.push({ entity_id: f.entity_id, stored: { spend_7d: v.spend_7d, leads_7d: v.leads_7d }, floor: want });
  }
  const classified = classifications.reduce((s, r) => s + r.n, 0);
  return {
    checks: [
      { check: `features were stored for every entity with delivery in the window (${floorRows.length})`, ok: features.length >= floorRows.length, detail: { stored: features.length } },
      { check: "every stored feature row's 7-day sums equal the floor's", ok: mismatches.length === 0, detail: mismatches.slice(0, 5) },
      { check: `every entity is classified (${entityCount})`, ok: classified === entityCount, detail: classifications },
      { check: "no entity has open growth and cut advice at once", ok: contradictions === 0, detail: { entities: contradictions } },
    ],
    tiers: classifications,
    open_recommendations: recommendations,
    anomalies_on_last_day: anomalies,
  };
}

// ---------------------------------------------------------------------------------------------------------------------

function printReport(r) {
  if (!r.scales) return;
  printHeader(r, `${r.settings.days} days of insights per account; floors in node:sqlite on the same D1 file`);
  const row = (label, a, f, q) => console.log(`  ${label.padEnd(70)}${pad(a, 10)}${pad(f, 12)}${pad(q, 14)}`);
  for (const s of r.scales) {
    console.log(`  account ×${s.scale}: ${s.counts.campaign} campaigns, ${s.counts.adset} ad sets, ${s.counts.ad} ads; ${fmt(s.upload.rows)} rows uploaded in ${s.upload.requests} requests, ${seconds(s.upload.ms)} s (${fmt(s.upload.rows_per_s)} rows/s)`);
    row("", "Worker, s", "floor, s", "Worker/floor");
    row("features + classification + recommendations, all three levels", s.totals.ml_s, seconds(s.floors.aggregates.ms_median), s.ratios.ml_vs_aggregates_floor);
    for (const level of LEVELS) for (const job of ML_JOBS(level)) row(`  ${job}`, s.jobs[job]?.wall_s, "", "");
    row("anomaly detection, all three levels", s.totals.anomaly_s, seconds(s.floors.history.ms_median), s.ratios.anomaly_vs_history_floor);
    row("  (against the 7-day aggregates floor)", "", seconds(s.floors.aggregates.ms_median), s.ratios.anomaly_vs_aggregates_floor);
    row("forecasts, campaigns and ad sets", s.totals.forecast_s, "", "");
    for (const k of s.checks) console.log(`  check ${k.ok ? "✓" : "✗"} ${k.check}${k.ok ? "" : `: ${JSON.stringify(k.detail)}`}`);
    console.log(`  tiers: ${s.stored.tiers.map((t) => `${t.tier} ${t.n}`).join(", ")}; open advice: ${s.stored.open_recommendations.map((x) => `${x.entity_type}/${x.type} ${x.n}`).join(", ")}`);
    console.log("");
  }
  console.log(`  Worker warnings/errors: ${problemLines(r.worker_log) || "none"}`);
}

await runBenchmark({
  name: "ads",
  settings,
  async run(bench) {
    const vars = { ADMIN_RATE_LIMIT_PER_MINUTE: "100000" };
    await bench.migrate();
    const file = await bench.d1File("ad_insights");
    const worker = await bench.startWorker(vars);
    const logOffset = worker.logSize();
    await worker.api("POST", "/v1/admin/projects", bench.secrets.adminToken, { id: PROJECT_ID, name: PROJECT_ID });
    const jwt = await bench.adminJwt(PROJECT_ID, "bench-admin");
    // Data ends on yesterday (UTC); the jobs act as of 06:00 today, so yesterday is their last complete day.
    const lastDay = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS;
    const asOf = lastDay + DAY_MS + 6 * 3_600_000;
    const problems = [];
    const scales = [];
    for (const scale of settings.scales) {
      const configId = scale;
      const acc = account(scale, lastDay, settings.days, settings.seed);
      say(`×${scale}: ${acc.entities.length} entities, ${fmt(LEVELS.reduce((s, l) => s + acc.insights[l].length, 0))} insight rows: uploading`);
      const up = await upload(worker, jwt, configId, acc, 5000);
      say(`  uploaded in ${seconds(up.ms)} s; floors`);
      const fl = floors(file, configId, lastDay, settings.anomaly_history_days, settings.floor_repeats);
      const match = (p) => p.config_id === configId && p.as_of === asOf;
      const run = (job, params = {}) => runJobToTheEnd(worker, jwt, { file, job, params: { config_id: configId, as_of: asOf, ...params }, match, timeoutMs: settings.job_timeout_s * 1000 });
      const jobs = {};
      for (const level of LEVELS) for (const job of ML_JOBS(level)) jobs[job] = await run(job);
      for (const level of LEVELS) jobs[ANOMALY_JOB(level)] = await run(ANOMALY_JOB(level));
      for (const job of FORECAST_JOBS) jobs[job] = await run(job);
      for (const [name, j] of Object.entries(jobs)) {
        say(`  ${name}: ${j.wall_s} s, ${j.ledger.invocations} invocations: ${j.first_response?.message ?? ""}`);
        if (!j.finished) problems.push(`×${scale} ${name} did not finish`);
        if (j.ledger.failed) problems.push(`×${scale} ${name}: ${j.ledger.failed} invocations failed`);
      }
      const sum = (names) => names.reduce((s, n) => s + jobs[n].wall_ms, 0);
      const mlMs = sum(LEVELS.flatMap(ML_JOBS));
      const anomalyMs = sum(LEVELS.map(ANOMALY_JOB));
      const stored = storedChecks(file, configId, isoDay(lastDay), fl.aggregates.answer, acc.entities.length);
      for (const k of stored.checks) if (!k.ok) problems.push(`×${scale}: ${k.check}`);
      const { answer: _answer, ...aggregatesRecord } = fl.aggregates;
      scales.push({
        scale,
        config_id: configId,
        counts: acc.counts,
        spike: acc.spike,
        upload: up,
        floors: { aggregates: aggregatesRecord, history: fl.history },
        jobs,
        totals: { ml_s: seconds(mlMs), anomaly_s: seconds(anomalyMs), forecast_s: seconds(sum(FORECAST_JOBS)) },
        ratios: {
          ml_vs_aggregates_floor: round(mlMs / fl.aggregates.ms_median, 1),
          anomaly_vs_history_floor: round(anomalyMs / fl.history.ms_median, 1),
          anomaly_vs_aggregates_floor: round(anomalyMs / fl.aggregates.ms_median, 1),
        },
        checks: stored.checks,
        stored: { tiers: stored.tiers, open_recommendations: stored.open_recommendations, anomalies_on_last_day: stored.anomalies_on_last_day },
      });
    }
    const workerLog = worker.log(logOffset);
    return { report: { last_day: isoDay(lastDay), as_of: new Date(asOf).toISOString(), scales, worker_log: workerLog }, problems };
  },
  print: printReport,
});
