// npm run bench:experiments — compute_experiment_results and GET /v1/experiments/:key/results through the local
// Worker on 1M exposures and 100k conversions over 3 variants, beside the one hand-written SQL query that computes the
// same per-variant sums from the events (the floor), in the same run; the answers must agree exactly.
//
// 1. The harness (bench/lib/run.mjs): a snapshot of the sources, fresh D1 migrations, the bench build.
// 2. Starts `wrangler dev`; creates project `bench` (operator token) and, with an admin JWT, experiment
//    `checkout_cta` (control, b, c; equal weights; primary metric: conversion on `purchase` within 72 h), and starts
//    it. One real assignment (a probe unit) must answer the variant the snapshot's assignVariant gives, and its
//    `$exposure` row, once the queue consumer has written it, must equal this benchmark's row for the same unit and
//    time, column by column. Stops the Worker.
// 3. Seeds the local D1 file directly with node:sqlite: BENCH_EXPOSURES units first exposed over BENCH_DAYS days from
//    the start (fewer new units each day, fewer at weekends, daytime hours), each a `$exposure` event as the route
//    records it (derived event id, variant from the snapshot's assignVariant); exactly BENCH_CONVERSIONS `purchase`
//    events inside their units' windows (control and c 7.6 %, b 8.0 % of units convert; some buy more than once)
//    and BENCH_OUTSIDE_CONVERSIONS purchases by exposed units outside their windows (before exposure, after the
//    window), which must not count.
// 4. Floor: one SQL statement over the events (exposures grouped per unit, then EXISTS a purchase in the window, per
//    variant: units, conversions, Σm²), in node:sqlite on the same file, median of BENCH_FLOOR_REPEATS. Also the job's
//    own per-day statements (the snapshot's metricStatement) run in node:sqlite, and their query plans.
// 5. Starts `wrangler dev` again and times POST /v1/admin/jobs/compute_experiment_results {experiment, as_of} with
//    as_of after every exposure day's window has closed, followed in the job ledger until its last page; then
//    GET /v1/experiments/checkout_cta/results cold and warm; then the job again an hour later (nothing new: the final
//    days are skipped). Checks experiment_results and the route's answer against the floor.
// 6. Stops the Worker, adds one day of exposures (BENCH_EXPOSURES / BENCH_DAYS units on the day the first run acted
//    as of, and their purchases up to the next as_of), runs the floor again (all days, and that day alone), restarts
//    the Worker and times the job a day later; checks again.
// 7. Prints the table and writes bench/results/experiments-<timestamp>.json.
//
// Settings (environment): BENCH_EXPOSURES (1000000), BENCH_CONVERSIONS (100000), BENCH_OUTSIDE_CONVERSIONS (5000),
// BENCH_DAYS (14), BENCH_FLOOR_REPEATS (3), BENCH_API_REPEATS (5), BENCH_JOB_TIMEOUT (s, 1800), BENCH_SEED (1), and the
// harness's BENCH_LATENCY (0), BENCH_REF, BENCH_KEEP_TMP.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { loadSqlite, missingRequiredColumns } from "./lib/d1-file.mjs";
import { fmt, intSetting, median, mulberry32, round, say, seconds, sleep, timeRepeated, uuidFrom } from "./lib/harness.mjs";
import { runJobToTheEnd } from "./lib/job-ledger.mjs";
import { pad, printHeader } from "./lib/report.mjs";
import { runBenchmark } from "./lib/run.mjs";
import { problemLines, withoutBody } from "./lib/worker.mjs";

const DatabaseSync = await loadSqlite();
const PROJECT_ID = "bench";
const EXPERIMENT_KEY = "checkout_cta";
const JOB = "compute_experiment_results";
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WINDOW_HOURS = 72;
const METRIC = { key: "purchase", type: "conversion", event: "purchase", window_hours: WINDOW_HOURS };
const VARIANTS = [
  { key: "control", name: "Place order", rate: 0.076 },
  { key: "b", name: "Buy now", rate: 0.08 },
  { key: "c", name: "Complete purchase", rate: 0.076 },
];
// A converting unit buys again with this probability, each time: 1.28 purchases per converter on average.
const REPEAT_PURCHASE = 0.22;
// Relative traffic by UTC hour: the seeded exposure times follow a day's shape.
const HOUR_WEIGHTS = [0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.8, 1.2, 1.5, 1.6, 1.6, 1.6, 1.7, 1.6, 1.5, 1.5, 1.6, 1.7, 1.8, 1.8, 1.6, 1.2, 0.8, 0.5];

const settings = {
  exposures: intSetting("BENCH_EXPOSURES", 1_000_000),
  conversions: intSetting("BENCH_CONVERSIONS", 100_000, 0),
  outside_conversions: intSetting("BENCH_OUTSIDE_CONVERSIONS", 5000, 0),
  days: intSetting("BENCH_DAYS", 14),
  metric: METRIC,
  variants: VARIANTS,
  floor_repeats: intSetting("BENCH_FLOOR_REPEATS", 3),
  api_repeats: intSetting("BENCH_API_REPEATS", 5),
  job_timeout_s: intSetting("BENCH_JOB_TIMEOUT", 1800),
  seed: intSetting("BENCH_SEED", 1, 0),
};

const dayStartOf = (t) => Math.floor(t / DAY_MS) * DAY_MS;
const isoDay = (t) => new Date(t).toISOString().slice(0, 10);
const ratio = (a, b) => (a && b ? round(a / b, 1) : null);

// ---------------------------------------------------------------------------------------------------------------------
// Rows as the Worker writes them

/** derivedEventId (src/ingest/event-ids.ts) for an exposure, synchronously: SHA-256 of (project, key, index) as a v8 UUID. */
function exposureEventId(experimentId, unit) {
  const b = createHash("sha256").update(`${PROJECT_ID}\u0000$exposure\u0000${experimentId}\u0000${unit}\u00000`).digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x80;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What exposureRow (src/experiments/exposures.ts) gives for an assignment without attributes; the probe checks it. */
function exposureRow(experiment, unit, variant, t) {
  return {
    event_id: exposureEventId(experiment.id, unit),
    project_id: PROJECT_ID,
    event_name: "$exposure",
    occurred_at: t,
    received_at: t,
    user_id: unit,
    user_identified: 1,
    client_session_id: null,
    request_id: null,
    resource_type: "experiment",
    resource_id: experiment.id,
    decision_id: null,
    policy_id: null,
    src: "assignment",
    context: null,
    properties: JSON.stringify({ experiment_key: experiment.key, variant }),
    country: null,
    browser: null,
    os: null,
    device_type: null,
  };
}

const COUNTRIES = ["US", "US", "US", "GB", "DE", "BR", "IN", "FR", "CA", "AU"];

function purchaseRow(r, unit, t) {
  const mobile = r() < 0.6;
  return {
    event_id: uuidFrom(r),
    project_id: PROJECT_ID,
    event_name: METRIC.event,
    occurred_at: t,
    received_at: t + 50 + Math.floor(r() * 2000),
    user_id: unit,
    user_identified: 1,
    client_session_id: uuidFrom(r),
    request_id: null,
    resource_type: "order",
    resource_id: `order-${Math.floor(r() * 1e9)}`,
    decision_id: null,
    policy_id: null,
    src: "web",
    context: JSON.stringify({ page: "/checkout" }),
    properties: JSON.stringify({ revenue: round(5 + r() * 195, 2), currency: "USD", items: 1 + Math.floor(r() * 4) }),
    country: COUNTRIES[Math.floor(r() * COUNTRIES.length)],
    browser: mobile ? "Safari" : "Chrome",
    os: mobile ? "iOS" : "Windows",
    device_type: mobile ? "mobile" : "desktop",
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Seed

function cumulative(weights) {
  const cdf = [];
  let s = 0;
  for (const w of weights) cdf.push((s += w));
  return cdf;
}
const pick = (cdf, x) => {
  const target = x * cdf[cdf.length - 1];
  let i = 0;
  while (cdf[i] <= target && i < cdf.length - 1) i++;
  return i;
};
const HOUR_CDF = cumulative(HOUR_WEIGHTS);

/**
 * First-exposure times over `days` UTC days from `from` (a partial first day from the start): each day's share decays
 * (the returning users are exposed early) and weekends are quieter; inside a day, by HOUR_WEIGHTS. Sorted.
 */
function exposureTimes(r, n, from, days) {
  const d0 = dayStartOf(from);
  const weights = Array.from({ length: days }, (_, k) => {
    const day = new Date(d0 + k * DAY_MS).getUTCDay();
    const share = k === 0 ? (d0 + DAY_MS - from) / DAY_MS : 1;
    return Math.exp(-k / 8) * (day === 0 || day === 6 ? 0.75 : 1) * share;
  });
  const dayCdf = cumulative(weights);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = pick(dayCdf, r());
    const start = d0 + k * DAY_MS;
    // The first day starts at the experiment's start, not at midnight.
    times[i] = start < from ? from + Math.floor(r() * (start + DAY_MS - from)) : start + pick(HOUR_CDF, r()) * HOUR_MS + Math.floor(r() * HOUR_MS);
  }
  return times.sort();
}

/** Purchases per unit: converters by their variant's rate, 1 + repeats each; nudged to exactly `target` when given. */
function purchaseCounts(r, variantIndex, target) {
  const counts = new Uint8Array(variantIndex.length);
  const converters = [];
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    if (r() >= VARIANTS[variantIndex[i]].rate) continue;
    let c = 1;
    while (c < 20 && r() < REPEAT_PURCHASE) c++;
    counts[i] = c;
    sum += c;
    converters.push(i);
  }
  if (target !== null && converters.length > 0) {
    while (sum !== target) {
      const i = converters[Math.floor(r() * converters.length)];
      if (sum < target && counts[i] < 250) {
        counts[i]++;
        sum++;
      } else if (sum > target && counts[i] > 0) {
        counts[i]--;
        sum--;
      }
    }
  }
  return counts;
}

/**
 * Seeds `units` new units first exposed over `days` days from `from`, their purchases inside the window (exactly
 * `conversions` when not null) and `outside` purchases outside it, every event no later than `horizon` (the as_of the
 * job will run at: what has happened by then). Straight into the D1 file, in 50,000-row transactions.
 */
function seed(file, { experiment, assign, columns, units, from, days, conversions, outside, horizon, seedValue }) {
  const r = mulberry32(seedValue);
  // The busy timeout: workerd may still be letting go of the file just after the Worker's process group stopped.
  const db = new DatabaseSync(file, { timeout: 30_000 });
  // Only for this connection: the file is a throwaway, and a crash here fails the run anyway.
  db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;");
  const missing = missingRequiredColumns(db, "events", columns);
  if (missing.length) throw new Error(`events has required columns this benchmark does not seed: ${missing.join(", ")}; update bench/experiments.mjs`);
  const insert = db.prepare(`INSERT INTO events (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
  const t0 = performance.now();
  const times = exposureTimes(r, units, from, days);
  const ids = new Array(units);
  const variantIndex = new Uint8Array(units);
  const byVariant = Object.fromEntries(VARIANTS.map((v) => [v.key, 0]));
  const byDay = {};
  let rows = 0;
  const add = (row) => {
    insert.run(...columns.map((c) => row[c]));
    if (++rows % 50_000 === 0) db.exec("COMMIT; BEGIN");
  };
  db.exec("BEGIN");
  for (let i = 0; i < units; i++) {
    ids[i] = uuidFrom(r);
    const a = assign(ids[i], times[i]);
    if (!a.in_experiment) throw new Error(`unit ${ids[i]} is outside the experiment (${a.reason}): the seed expects 100 % allocation`);
    variantIndex[i] = VARIANTS.findIndex((v) => v.key === a.variant);
    byVariant[a.variant]++;
    byDay[isoDay(times[i])] = (byDay[isoDay(times[i])] ?? 0) + 1;
    add(exposureRow(experiment, ids[i], a.variant, times[i]));
  }
  const counts = purchaseCounts(r, variantIndex, conversions);
  const window = WINDOW_HOURS * HOUR_MS;
  const purchases = [];
  for (let i = 0; i < units; i++) {
    for (let k = 0; k < counts[i]; k++) {
      // Most purchases soon after the exposure, the rest over the window; strictly inside [t0, t0 + window).
      const offset = r() < 0.45 ? 1000 + Math.floor(r() * HOUR_MS) : HOUR_MS + Math.floor(r() * (window - HOUR_MS - 1000));
      purchases.push([i, times[i] + offset, true]);
    }
  }
  for (let k = 0; k < outside; k++) {
    const i = Math.floor(r() * units);
    const after = times[i] + window;
    // Half before the unit's exposure (up to a week), half after its window closed (before the horizon).
    purchases.push([i, k % 2 === 0 || after >= horizon ? times[i] - 1 - Math.floor(r() * 7 * DAY_MS) : after + Math.floor(r() * (horizon - after)), false]);
  }
  const kept = purchases.filter(([, t]) => t <= horizon).sort((a, b) => a[1] - b[1]);
  for (const [i, t] of kept) add(purchaseRow(r, ids[i], t));
  db.exec("COMMIT");
  const ms = performance.now() - t0;
  db.close(); // checkpoints the WAL, so the Worker opens a complete file
  return {
    units,
    exposure_days: days,
    first_exposure: new Date(times[0]).toISOString(),
    last_exposure: new Date(times[units - 1]).toISOString(),
    units_by_variant: byVariant,
    units_by_day: byDay,
    purchases_seeded: kept.length,
    purchases_in_window: kept.filter((p) => p[2]).length,
    purchases_outside_window: kept.filter((p) => !p[2]).length,
    purchases_dropped_after_horizon: purchases.length - kept.length,
    converting_units: counts.reduce((s, c) => s + (c > 0 ? 1 : 0), 0),
    horizon: new Date(horizon).toISOString(),
    rows,
    seconds: seconds(ms),
    rows_per_s: Math.round((rows * 1000) / ms),
    file_mb: round(fs.statSync(file).size / 2 ** 20, 1),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Floors: hand-written SQL on the same file, in node:sqlite (SQLite alone: no Worker, no D1 binding)

/*
 * Per variant over every unit exposed in [?3, ?4): units, conversions (a purchase in [t0, t0 + window)) and Σm². One
 * statement: the exposures by the experiment's index, grouped per unit (its first exposure is t0), then for each unit
 * one probe of the best (project, user, …) index the schema has; u is MATERIALIZED so that the probe runs once per
 * unit (inlined, SQLite evaluates the EXISTS once for every m in the outer SELECT). The hints are the plan a person
 * would pick.
 */
const floorSql = (userIndex) => `
WITH x AS (
  SELECT user_id AS unit, json_extract(properties, '$.variant') AS variant, MIN(occurred_at) AS t0
    FROM events INDEXED BY events_project_resource_occurred
   WHERE project_id = ?1 AND resource_type = 'experiment' AND resource_id = ?2 AND event_name = '$exposure'
     AND occurred_at >= ?3 AND occurred_at < ?4 AND user_id IS NOT NULL
   GROUP BY user_id
), u AS MATERIALIZED (
  SELECT variant, EXISTS (SELECT 1 FROM events AS e INDEXED BY ${userIndex}
                           WHERE e.project_id = ?1 AND e.user_id = x.unit AND e.event_name = ?5
                             AND e.occurred_at >= x.t0 AND e.occurred_at < x.t0 + ?6) AS m
    FROM x
)
SELECT variant, count(*) AS units, total(m) AS conversions, total(m * m) AS sum_squares FROM u GROUP BY variant ORDER BY variant`;

/** The read's own floor: the stored days summed per variant, what the results route needs from D1. */
const STORED_SQL = `
SELECT variant, sum(units) AS units, total(sum) AS conversions, total(sum_squares) AS sum_squares, count(*) AS days, sum(final) AS final_days
  FROM experiment_results WHERE experiment_id = ?1 AND metric = ?2 GROUP BY variant ORDER BY variant`;

function floor(file, experimentId, from = 0, to = Number.MAX_SAFE_INTEGER) {
  const db = new DatabaseSync(file, { readOnly: true, timeout: 30_000 });
  const hasNameIndex = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'events_project_user_name_occurred'").get();
  const sql = floorSql(hasNameIndex ? "events_project_user_name_occurred" : "events_project_user_occurred");
  const args = [PROJECT_ID, experimentId, from, to, METRIC.event, WINDOW_HOURS * HOUR_MS];
  const stmt = db.prepare(sql);
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args).map((p) => p.detail);
  const t = timeRepeated(settings.floor_repeats, () => stmt.all(...args));
  db.close();
  return { method: "node:sqlite on the D1 file: one statement, median of the repeats", sql: sql.trim(), plan, ms_median: t.ms_median, ms_min: t.ms_min, ms_samples: t.ms_samples, answer: plainRows(t.last) };
}

const plainRows = (rows) => rows.map((r) => ({ variant: r.variant, units: Number(r.units), conversions: r.conversions, sum_squares: r.sum_squares }));

/*
 * The job's own statements (the snapshot's metricStatement, one per exposure day) in node:sqlite: the job's SQL alone.
 * Also the same text with its per-unit CTE `v` MATERIALIZED (inlined, SQLite runs each correlated subquery once for
 * every use of m in the outer SELECT: TOTAL(m), TOTAL(m * m)), to show what that costs; a rewrite, or null if the
 * text changed.
 */
function jobStatements(file, metricStatement, experiment, days) {
  const db = new DatabaseSync(file, { readOnly: true });
  const run = (rewrite) => {
    let ms = 0;
    let first = null;
    const totals = new Map();
    for (const day of days) {
      const statement = metricStatement(METRIC, { projectId: PROJECT_ID, experimentId: experiment.id, dayStart: day, dayEnd: day + DAY_MS });
      const sql = rewrite(statement.sql);
      if (sql === null) return null;
      first ??= { sql: sql.trim(), params: statement.params, plan: db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...statement.params).map((p) => p.detail) };
      const t = performance.now();
      const rows = db.prepare(sql).all(...statement.params);
      ms += performance.now() - t;
      for (const r of rows) {
        const s = totals.get(r.variant) ?? { variant: r.variant, units: 0, conversions: 0, sum_squares: 0 };
        s.units += Number(r.units);
        s.conversions += r.sum;
        s.sum_squares += r.sum_squares;
        totals.set(r.variant, s);
      }
    }
    return { ms: round(ms, 1), first_statement: first, answer: [...totals.values()].sort((a, b) => a.variant.localeCompare(b.variant)) };
  };
  const asWritten = run((sql) => sql);
  const materialized = run((sql) => (sql.includes("), v AS (") ? sql.replace("), v AS (", "), v AS MATERIALIZED (") : null));
  db.close();
  return {
    method: "the snapshot's metricStatement for each exposure day, run once each in node:sqlite on the same file",
    days: days.length,
    ...asWritten,
    with_v_materialized: materialized && { ms: materialized.ms, plan: materialized.first_statement.plan, same_answer: JSON.stringify(materialized.answer) === JSON.stringify(asWritten.answer) },
  };
}

/** The statement's plan in the Worker's own SQLite (`wrangler d1 execute --local`), its parameters inlined. */
async function workerdPlan(bench, statement) {
  let text = statement.sql;
  for (let i = statement.params.length; i >= 1; i--) {
    const v = statement.params[i - 1];
    text = text.replaceAll(`?${i}`, typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
  }
  try {
    return (await bench.d1Execute(`EXPLAIN QUERY PLAN ${text}`)).map((r) => r.detail);
  } catch (err) {
    return `failed: ${err.message.split("\n")[0]}`;
  }
}

/** experiment_results summed per variant, from the file (read-only; the Worker may be running). */
function storedTotals(file, experimentId) {
  const db = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
  const stmt = db.prepare(STORED_SQL);
  // Far under a millisecond: timed over 100 runs.
  const t = timeRepeated(settings.floor_repeats, () => {
    let rows;
    for (let i = 0; i < 100; i++) rows = stmt.all(experimentId, METRIC.key);
    return rows;
  });
  db.close();
  return { ms_median: round(t.ms_median / 100, 3), answer: t.last.map((r) => ({ ...plainRows([r])[0], days: r.days, final_days: r.final_days })) };
}

/** Every variant's units, conversions and Σm² equal, exactly (integers in doubles: no rounding can differ). */
function compare(label, got, want) {
  const fields = ["units", "conversions", ...(got.length > 0 && "sum_squares" in got[0] ? ["sum_squares"] : [])];
  const key = (rows) => JSON.stringify(rows.map((r) => [r.variant, ...fields.map((f) => r[f])]).sort());
  return { check: label, ok: got.length > 0 && key(got) === key(want), job: got, floor: want };
}

// ---------------------------------------------------------------------------------------------------------------------
// Through the Worker

async function createExperiment(worker, bench) {
  await worker.api("POST", "/v1/admin/projects", bench.secrets.adminToken, { id: PROJECT_ID, name: "Benchmark" });
  const jwt = await bench.adminJwt(PROJECT_ID, "bench-experiments");
  const base = `/v1/admin/projects/${PROJECT_ID}/experiments`;
  await worker.api("POST", base, jwt, {
    key: EXPERIMENT_KEY,
    name: "Checkout button copy",
    variants: VARIANTS.map(({ key, name }) => ({ key, name })),
    primary_metric: METRIC,
  });
  await worker.api("POST", `${base}/${EXPERIMENT_KEY}/start`, jwt, {});
  return { jwt, view: await worker.api("GET", `${base}/${EXPERIMENT_KEY}`, jwt) };
}

/**
 * One real assignment: its variant must be assignVariant's, and its exposure row (once the consumer wrote it) must be
 * this benchmark's row for the same unit and time, column by column. It stays in the data (one more unit on day one).
 */
async function probeAssignment(worker, jwt, file, experiment, assign, columns) {
  const unit = uuidFrom(mulberry32(settings.seed + 1_000_003));
  const answer = await worker.api("POST", `/v1/experiments/${EXPERIMENT_KEY}/assignment`, jwt, { unit_id: unit });
  const db = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
  const stmt = db.prepare("SELECT * FROM events WHERE project_id = ?1 AND user_id = ?2 AND event_name = '$exposure'");
  let row;
  const deadline = Date.now() + 60_000;
  while (!(row = stmt.get(PROJECT_ID, unit)) && Date.now() < deadline) await sleep(100);
  db.close();
  if (!row) throw new Error("the probe's exposure never reached D1 (60 s)");
  const mine = exposureRow(experiment, unit, assign(unit, row.occurred_at).variant, row.occurred_at);
  const differing = columns.filter((c) => (row[c] ?? null) !== (mine[c] ?? null));
  return { unit, answer, variant_agrees: answer.variant === assign(unit, row.occurred_at).variant && answer.in_experiment, row_agrees: differing.length === 0, differing_columns: differing.map((c) => ({ column: c, route: row[c], seeded: mine[c] })), occurred_at: row.occurred_at };
}

async function timeReads(worker, jwt) {
  const p = `/v1/experiments/${EXPERIMENT_KEY}/results`;
  const cold = await worker.callOk("GET", p, { token: jwt });
  const warm = [];
  for (let i = 0; i < settings.api_repeats; i++) warm.push(await worker.callOk("GET", p, { token: jwt }));
  const body = cold.json();
  return {
    path: p,
    cold: withoutBody(cold),
    warm_ms_median: round(median(warm.map((w) => w.ms)), 1),
    warm: warm.map(withoutBody),
    answer: body.variants.map((v) => ({ variant: v.variant_id, units: v.users_count, conversions: v.conversions })),
    body,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Report

function printReport(r) {
  if (!r.jobs) return;
  const d = r.data;
  printHeader(r, `data: ${fmt(d.main.units + 1)} units (${Object.entries(d.main.units_by_variant).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}) exposed over ${d.main.exposure_days} days, ${fmt(d.main.purchases_in_window)} purchases in their windows + ${fmt(d.main.purchases_outside_window)} outside; seeded in ${d.main.seconds} s (${fmt(d.main.rows_per_s)} rows/s), file ${d.main.file_mb} MB`);
  const row = (label, a, f, q) => console.log(`  ${label.padEnd(66)}${pad(a, 10)}${pad(f, 14)}${pad(q, 15)}`);
  const j = r.jobs;
  row("", "Worker", "floor (SQL)", "Worker/floor");
  row(`results job, all days (${j.full.ledger.invocations} invocations), s`, j.full.wall_s, seconds(r.floors.full.ms_median), ratio(j.full.wall_ms, r.floors.full.ms_median));
  row("  the job's own statements in node:sqlite, s", seconds(r.floors.job_statements.ms), "", ratio(r.floors.job_statements.ms, r.floors.full.ms_median));
  const mat = r.floors.job_statements.with_v_materialized;
  if (mat) row("  the same with its CTE v MATERIALIZED, s", seconds(mat.ms), "", ratio(mat.ms, r.floors.full.ms_median));
  row("results job an hour later, nothing new, s", j.rerun.wall_s, "", `${r.ratios.rerun_vs_full_job}× the full`);
  row(`results job after one more day (${fmt(d.new_day.units)} units), s`, j.new_day.wall_s, seconds(r.floors.new_day_only.ms_median), ratio(j.new_day.wall_ms, r.floors.new_day_only.ms_median));
  row("  (floor over all days after it, s)", "", seconds(r.floors.after_new_day.ms_median), "");
  row("GET results, cold, ms", r.reads.cold.ms, r.floors.full.ms_median, r.ratios.read_cold_vs_floor);
  row(`GET results, warm (median of ${r.settings.api_repeats}), ms`, r.reads.warm_ms_median, r.floors.full.ms_median, r.ratios.read_warm_vs_floor);
  row("  the read's own floor: the stored days summed in node:sqlite, ms", "", r.floors.stored_read.ms_median, ratio(r.reads.warm_ms_median, r.floors.stored_read.ms_median));
  console.log("");
  for (const [name, run] of Object.entries(j)) {
    console.log(`  job ${name}: ${run.ledger.per_invocation.map((x) => `${x.trigger} ${x.duration_s} s "${x.message}"`).join("; ")}${run.finished ? "" : "  ✗ NOT FINISHED"}`);
  }
  const calls = (x) => (x ? `${x.sequential} sequential remote calls (${x.breakdown})` : "—");
  console.log(`  remote calls: job's first invocation ${calls(j.full.remote_calls)}; GET results ${calls(r.reads.cold.remote_calls)}`);
  const c = j.full.cpu_cores_used;
  if (c) console.log(`  job CPU cores: Worker stack ${c.worker_stack}, bench ${c.bench_process}, other processes ${c.other_processes}`);
  console.log(`  floor plan: ${r.floors.full.plan.join(" | ")}`);
  console.log(`  job statement plan (node:sqlite): ${r.floors.job_statements.first_statement.plan.join(" | ")}`);
  console.log(`  job statement plan (workerd):     ${[].concat(r.plans_in_workerd.job_statement).join(" | ")}`);
  console.log("");
  for (const k of r.checks) console.log(`  check ${k.ok ? "✓" : "✗"} ${k.check}${k.ok ? "" : `: ${JSON.stringify(k.detail ?? { job: k.job, floor: k.floor })}`}`);
  console.log(`  Worker warnings/errors: ${problemLines(r.worker_log) || "none"}; runtime error lines: ${r.worker_log?.runtime_error_lines ?? 0}`);
  console.log("");
}

await runBenchmark({
  name: "experiments",
  settings,
  async run(bench) {
    const src = (rel) => pathToFileURL(path.join(bench.appDir, "src", rel)).href;
    const { assignVariant } = await tsImport(src("experiments/assignment.ts"), import.meta.url);
    const { metricStatement } = await tsImport(src("experiments/metric-sql.ts"), import.meta.url);
    const { exposureRow: snapshotExposureRow } = await tsImport(src("experiments/exposures.ts"), import.meta.url);
    const vars = { ADMIN_RATE_LIMIT_PER_MINUTE: "100000", REPORT_RATE_LIMIT_PER_MINUTE: "100000" };

    await bench.migrate();
    const file = await bench.d1File("experiment_results");
    const checks = [];
    const problems = [];

    // 2. The experiment through the API, and one real assignment.
    let worker = await bench.startWorker(vars);
    const { jwt, view } = await createExperiment(worker, bench);
    const startedAt = Date.parse(view.started_at);
    const experiment = { id: view.id, key: view.key, status: "running", startAt: null, endAt: null, seed: view.seed, ranges: view.ranges, variants: view.variants };
    const assign = (unit, t) => assignVariant(experiment, unit, t);
    const sample = await snapshotExposureRow({ projectId: PROJECT_ID, experimentId: view.id, experimentKey: view.key, variant: "b", storedUnitId: "sample-unit", attributes: undefined, now: startedAt });
    const columns = Object.keys(sample);
    const sampleAgrees = JSON.stringify(sample) === JSON.stringify(exposureRow(experiment, "sample-unit", "b", startedAt));
    checks.push({ check: "this benchmark's exposure row equals the snapshot's exposureRow (sample unit)", ok: sampleAgrees, detail: { snapshot: sample } });
    say(`experiment ${view.id} started at ${view.started_at}; probing one assignment`);
    const probe = await probeAssignment(worker, jwt, file, experiment, assign, columns);
    checks.push({ check: "a real assignment answers assignVariant's variant", ok: probe.variant_agrees, detail: probe.answer });
    checks.push({ check: "its $exposure row in D1 equals this benchmark's row, column by column", ok: probe.row_agrees, detail: probe.differing_columns });
    await worker.stop();

    // 3. Seed. as_of: after the last exposure day's windows (72 h) and the late-event hour have closed.
    const d0 = dayStartOf(startedAt);
    const asOf = d0 + (settings.days + 3) * DAY_MS + HOUR_MS;
    say(`seeding ${fmt(settings.exposures)} exposures over ${settings.days} days from ${view.started_at} and ${fmt(settings.conversions)} purchases in their windows`);
    const main = seed(file, { experiment, assign, columns, units: settings.exposures, from: startedAt, days: settings.days, conversions: settings.conversions, outside: settings.outside_conversions, horizon: asOf, seedValue: settings.seed });
    say(`seeded ${fmt(main.rows)} rows in ${main.seconds} s; file ${main.file_mb} MB`);

    // 4. Floors.
    say(`floor: the per-variant statement over the events, ${settings.floor_repeats}×`);
    const full = floor(file, view.id);
    say(`floor: ${seconds(full.ms_median)} s median: ${JSON.stringify(full.answer)}`);
    const exposureDays = [];
    for (let day = d0; day <= dayStartOf(asOf); day += DAY_MS) exposureDays.push(day);
    say(`the job's own ${exposureDays.length} per-day statements in node:sqlite`);
    const statements = jobStatements(file, metricStatement, experiment, exposureDays);
    say(`  ${seconds(statements.ms)} s`);
    checks.push(compare("the job's statements in node:sqlite sum to the floor's answer", statements.answer, full.answer));
    const plansInWorkerd = { job_statement: await workerdPlan(bench, statements.first_statement) };

    // 5. The job, the reads, the job again.
    worker = await bench.startWorker(vars);
    let logOffset = worker.logSize();
    await worker.callOk("GET", `/v1/admin/projects/${PROJECT_ID}/experiments/${EXPERIMENT_KEY}`, { token: jwt }); // warm the isolate and auth
    const ofRun = (at) => (p) => p.experiment === EXPERIMENT_KEY && p.as_of === at;
    const runJob = (at) => runJobToTheEnd(worker, jwt, { file, job: JOB, params: { experiment: EXPERIMENT_KEY, as_of: at }, match: ofRun(at), timeoutMs: settings.job_timeout_s * 1000 });
    const jobs = {};
    jobs.full = await runJob(asOf);
    say(`job: ${jobs.full.wall_s} s in ${jobs.full.ledger.invocations} invocations (floor ${seconds(full.ms_median)} s)`);
    const stored = storedTotals(file, view.id);
    checks.push(compare("experiment_results summed per variant equal the floor's", stored.answer, full.answer));
    const finalDays = stored.answer[0]?.final_days ?? 0;
    checks.push({ check: `every exposure day is final after the first run (${settings.days} days with units)`, ok: finalDays >= settings.days, detail: stored.answer });
    say("GET results: cold, then warm");
    const reads = await timeReads(worker, jwt);
    checks.push(compare("GET results' users_count and conversions equal the floor's", reads.answer, full.answer));
    jobs.rerun = await runJob(asOf + HOUR_MS);
    say(`job an hour later, nothing new: ${jobs.rerun.wall_s} s: ${jobs.rerun.first_response?.message}`);
    // Much faster: the open days are empty, so what is left is the request and the ledger (a fixed ~0.1 s, which is
    // more than a fifth of a small run's job).
    const [, computedAgain, skipped] = /(\d+) metric-days computed, (\d+) final ones skipped/.exec(jobs.rerun.first_response?.message ?? "") ?? [];
    checks.push({
      check: `the job an hour later skips the ${finalDays} final days, computes only the open ones, and takes at most a fifth of the full run (or 0.25 s)`,
      ok: Number(skipped) === finalDays && Number(computedAgain) === exposureDays.length - finalDays && jobs.rerun.wall_ms <= Math.max(jobs.full.wall_ms / 5, 250),
      detail: jobs.rerun.first_response,
    });
    let workerLog = worker.log(logOffset);
    await worker.stop();

    // 6. One more day of exposures, on the day the first run acted as of; the job a day later.
    const asOf2 = asOf + DAY_MS;
    const newDayStart = dayStartOf(asOf);
    say(`adding a day of exposures on ${isoDay(newDayStart)}`);
    const newDay = seed(file, { experiment, assign, columns, units: Math.round(settings.exposures / settings.days), from: newDayStart, days: 1, conversions: null, outside: 0, horizon: asOf2, seedValue: settings.seed + 7 });
    const afterNewDay = floor(file, view.id);
    const newDayOnly = floor(file, view.id, newDayStart, newDayStart + DAY_MS);
    worker = await bench.startWorker(vars);
    logOffset = worker.logSize();
    await worker.callOk("GET", `/v1/admin/projects/${PROJECT_ID}/experiments/${EXPERIMENT_KEY}`, { token: jwt });
    jobs.new_day = await runJob(asOf2);
    say(`job after one more day: ${jobs.new_day.wall_s} s: ${jobs.new_day.first_response?.message}`);
    checks.push(compare("after one more day: experiment_results summed per variant equal the floor's", storedTotals(file, view.id).answer, afterNewDay.answer));
    const readAfter = await timeReads(worker, jwt);
    checks.push(compare("after one more day: GET results equals the floor's", readAfter.answer, afterNewDay.answer));
    const log2 = worker.log(logOffset);
    await worker.stop();
    workerLog = { first_session: workerLog, new_day_session: log2, runtime_error_lines: (workerLog?.runtime_error_lines ?? 0) + (log2?.runtime_error_lines ?? 0), log_lines: { ...workerLog?.log_lines, ...log2?.log_lines } };

    for (const k of checks) if (!k.ok) problems.push(k.check);
    for (const [name, run] of Object.entries(jobs)) {
      if (!run.finished) problems.push(`job ${name} did not finish`);
      if (run.ledger.failed) problems.push(`job ${name}: ${run.ledger.failed} invocations failed`);
    }
    const { body: _body, ...readRecord } = reads;
    return {
      report: {
        experiment: view,
        as_of: new Date(asOf).toISOString(),
        as_of_after_new_day: new Date(asOf2).toISOString(),
        data: { main, new_day: newDay, probe: { unit: probe.unit, occurred_at: probe.occurred_at } },
        floors: { full, job_statements: statements, stored_read: { method: "node:sqlite: the stored days summed per variant", sql: STORED_SQL.trim(), ms_median: stored.ms_median }, after_new_day: afterNewDay, new_day_only: newDayOnly },
        plans_in_workerd: plansInWorkerd,
        jobs,
        ratios: {
          job_vs_floor: ratio(jobs.full.wall_ms, full.ms_median),
          job_statements_in_node_vs_floor: ratio(statements.ms, full.ms_median),
          job_vs_its_statements_in_node: ratio(jobs.full.wall_ms, statements.ms),
          rerun_vs_full_job: round(jobs.rerun.wall_ms / jobs.full.wall_ms, 3),
          new_day_job_vs_its_floor: ratio(jobs.new_day.wall_ms, newDayOnly.ms_median),
          read_cold_vs_floor: round(reads.cold.ms / full.ms_median, 4),
          read_warm_vs_floor: round(reads.warm_ms_median / full.ms_median, 4),
        },
        reads: readRecord,
        read_answer_sample: reads.body,
        checks,
        worker_log: workerLog,
      },
      problems,
    };
  },
  print: printReport,
});
