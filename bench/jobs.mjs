// npm run bench:jobs — build_bandit_dataset and rebuild_bandit_stats through the local Worker on 100k decisions and 1M
// events, against hand-written SQL over the same data in the same run (the floor), with rows/s and the ratios.
//
// 1. The harness (bench/lib/run.mjs): a snapshot of the sources, fresh D1 migrations, the bench build.
// 2. Seeds the local D1 file directly with node:sqlite (big transactions; far faster than `wrangler d1 execute`):
//    project `bench`, BENCH_DECISIONS image_pregen decisions (policy image_pregen_bandit_v0, 4 post types × 3
//    objectives = 12 buckets, pre_generate/on_demand) created over the 7 days that end 24 h before as_of, so every one
//    has both passes' windows closed; BENCH_EVENTS events of the image_pregen flow attributed to them (≈10 a decision,
//    5 % with none), each within 24 h after its decision, most in the first hour.
// 3. Floor for build, before the Worker starts: one GROUP BY over events ⋈ decisions ⋈ the two passes that computes
//    what the job computes per decision and pass (event counts by name inside the window), in node:sqlite on the
//    same file; and the same query written into a temp table as one JSON object per decision and pass.
// 4. Starts `wrangler dev` (127.0.0.1, random ADMIN_TOKEN, admin rate limit lifted) and times
//    POST /v1/admin/jobs/build_bandit_dataset {"params":{"project":"bench","as_of":…}}: the first page answers the
//    request; when it says continued, the rest runs through the jobs queue, followed in the job ledger and the
//    decision_outcomes count until every outcome (decisions × 2 passes) is written. Then times
//    POST /v1/admin/jobs/rebuild_bandit_stats {"params":{"project":"bench","policy_id":"image_pregen_bandit_v1",…}}
//    (its as_of is the time of the call: outcomes are stamped with the wall clock when written).
// 5. Floor for rebuild: the GROUP BY over decision_outcomes (bucket, action: count, sum(learn_value),
//    sum(normalized_reward)) in node:sqlite. Checks both jobs' output against the floors' answers.
// 6. Where the build's time goes: runs the snapshot's buildBanditDataset itself in this process against node:sqlite
//    on a copy of the seeded file (a minimal D1 adapter), timing each kind of statement (page query with its anti-join,
//    events by json_each, the UPSERT batches) and the JavaScript between them; prints the query plans, in node:sqlite
//    and in the Worker's own SQLite (`wrangler d1 execute --local`).
// 7. Prints the table and writes bench/results/jobs-<timestamp>.json.
//
// Settings (environment): BENCH_DECISIONS (100000), BENCH_EVENTS (1000000), BENCH_PAGE_SIZE (the job's default when
// unset), BENCH_BUILD_TIMEOUT (s, 1800), BENCH_FLOOR_REPEATS (3), BENCH_REPLAY (1; 0 skips step 6),
// BENCH_REPLAY_SAMPLE_EVERY (the job's events query on every Nth page of the replay; default 1, or 20 above 200k
// events), BENCH_SEED (1), and the harness's BENCH_LATENCY (0), BENCH_REF, BENCH_KEEP_TMP.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { cpuCores } from "./lib/cpu.mjs";
import { loadSqlite, missingRequiredColumns, retrying } from "./lib/d1-file.mjs";
import { fmt, intSetting, median, mulberry32, round, say, seconds, sleep, timeRepeated, uuidFrom } from "./lib/harness.mjs";
import { ledgerDone, ledgerReader, ledgerRuns, summariseRuns } from "./lib/job-ledger.mjs";
import { pad, printHeader } from "./lib/report.mjs";
import { runBenchmark } from "./lib/run.mjs";
import { problemLines } from "./lib/worker.mjs";

const DatabaseSync = await loadSqlite();
const PROJECT_ID = "bench";
const DECISION_TYPE = "image_pregen";
const SEED_POLICY = "image_pregen_bandit_v0";
const LEARN_POLICY = "image_pregen_bandit_v1";
const POST_TYPES = ["carousel", "reel", "single", "story"];
const OBJECTIVES = ["sales", "reach", "engagement"];
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// The passes of image_pregen's reward spec (DEFAULT_WINDOWS in src/learning/reward-spec.ts); read from the snapshot
// at run time and checked against these, so the floor's windows cannot silently drift from the job's.
const EXPECTED_WINDOWS = [
  { pass: 1, afterMs: HOUR_MS },
  { pass: 2, afterMs: DAY_MS },
];


const settings = {
  decisions: intSetting("BENCH_DECISIONS", 100_000),
  events: intSetting("BENCH_EVENTS", 1_000_000, 0),
  page_size: process.env.BENCH_PAGE_SIZE ? intSetting("BENCH_PAGE_SIZE", 500) : null,
  build_timeout_s: intSetting("BENCH_BUILD_TIMEOUT", 1800),
  floor_repeats: intSetting("BENCH_FLOOR_REPEATS", 3),
  replay: process.env.BENCH_REPLAY !== "0",
  replay_sample_every: process.env.BENCH_REPLAY_SAMPLE_EVERY ? intSetting("BENCH_REPLAY_SAMPLE_EVERY", 1) : null,
  seed: intSetting("BENCH_SEED", 1, 0),
};

const perSecond = (rows, ms) => (ms > 0 ? Math.round((rows * 1000) / ms) : null);

// ---------------------------------------------------------------------------------------------------------------------
// Seed: decisions and the image_pregen flow's events, straight into the local D1 file (before the Worker starts).

const DECISION_COLUMNS = [
  "id", "project_id", "decision_type", "unit_id", "bucket", "action", "policy_id", "policy_version", "propensity",
  "explored", "context", "resource_type", "resource_id", "request_id", "simulated", "created_at",
];
const EVENT_COLUMNS = [
  "event_id", "project_id", "event_name", "occurred_at", "received_at", "user_id", "user_identified", "client_session_id",
  "request_id", "resource_type", "resource_id", "decision_id", "policy_id", "src", "context", "properties", "country",
  "browser", "os", "device_type",
];

// The image_pregen flow (seed 000's events): after the first view, what a user does next, by action.
const FLOW = [
  { name: "idea_view_opened", pre_generate: 3, on_demand: 3 },
  { name: "idea_copy_clicked", pre_generate: 1.5, on_demand: 1.5 },
  { name: "idea_regenerate_clicked", pre_generate: 0.7, on_demand: 0.7 },
  { name: "image_generate_clicked", pre_generate: 0.3, on_demand: 1.6 },
  { name: "image_regenerate_clicked", pre_generate: 0.5, on_demand: 0.4 },
  { name: "image_download_clicked", pre_generate: 1.3, on_demand: 1.0 },
  { name: "image_download_succeeded", pre_generate: 1.1, on_demand: 0.85 },
  { name: "image_download_failed", pre_generate: 0.15, on_demand: 0.12 },
];

function pickFlow(r, action) {
  const total = FLOW.reduce((s, f) => s + f[action], 0);
  let x = r() * total;
  for (const f of FLOW) {
    x -= f[action];
    if (x < 0) return f.name;
  }
  return FLOW[FLOW.length - 1].name;
}

function propertiesFor(name, r) {
  switch (name) {
    case "idea_view_opened":
      return JSON.stringify({ position: 1 + Math.floor(r() * 30), source: "feed" });
    case "image_generate_clicked":
      return JSON.stringify({ credits: 1 });
    case "image_download_succeeded":
      return JSON.stringify({ bytes: 80_000 + Math.floor(r() * 900_000), ms: 200 + Math.floor(r() * 3000), format: "png" });
    case "image_download_failed":
      return JSON.stringify({ status: r() < 0.5 ? 500 : 504 });
    default:
      return null;
  }
}

/** Events per decision: 5 % none, the rest 1…2m−1 (mean m), then nudged until the total is exactly `total`. */
function eventCounts(r, decisions, total) {
  const counts = new Int32Array(decisions);
  if (total === 0) return counts;
  const withEvents = [];
  for (let i = 0; i < decisions; i++) if (r() >= 0.05 || total > decisions * 20) withEvents.push(i);
  if (withEvents.length === 0) withEvents.push(0);
  const mean = total / withEvents.length;
  let sum = 0;
  for (const i of withEvents) {
    counts[i] = Math.max(1, 1 + Math.floor(r() * Math.max(1, Math.round(2 * mean - 1))));
    sum += counts[i];
  }
  while (sum !== total) {
    const i = withEvents[Math.floor(r() * withEvents.length)];
    if (sum < total) {
      counts[i]++;
      sum++;
    } else if (counts[i] > 1) {
      counts[i]--;
      sum--;
    }
  }
  return counts;
}

/** Seeds project, decisions and events straight into the D1 file (the Worker is not running yet). */
function seed(file, asOf) {
  const db = new DatabaseSync(file);
  // Only for this connection: the file is a throwaway copy, and a crash here fails the run anyway.
  db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;");
  const missing = [
    ...missingRequiredColumns(db, "projects", ["id", "name", "created_at"]).map((c) => `projects.${c}`),
    ...missingRequiredColumns(db, "decisions", DECISION_COLUMNS).map((c) => `decisions.${c}`),
    ...missingRequiredColumns(db, "events", EVENT_COLUMNS).map((c) => `events.${c}`),
  ];
  if (missing.length) throw new Error(`The schema has required columns this benchmark does not seed: ${missing.join(", ")}; update bench/jobs.mjs`);

  const r = mulberry32(settings.seed);
  const t0 = performance.now();
  db.prepare("INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)").run(PROJECT_ID, "Benchmark", asOf - 30 * DAY_MS);

  const insertDecision = db.prepare(`INSERT INTO decisions (${DECISION_COLUMNS.join(", ")}) VALUES (${DECISION_COLUMNS.map(() => "?").join(", ")})`);
  const insertEvent = db.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(", ")}) VALUES (${EVENT_COLUMNS.map(() => "?").join(", ")})`);
  const counts = eventCounts(r, settings.decisions, settings.events);
  // Decisions over the 7 days that end 24 h before as_of: every window of both passes has closed.
  const spanStart = asOf - 8 * DAY_MS;
  const span = 7 * DAY_MS;
  const step = span / settings.decisions;
  const TX_ROWS = 50_000;
  let inTx = 0;
  let events = 0;
  const perBucketAction = {};
  const eventNames = {};
  db.exec("BEGIN");
  for (let i = 0; i < settings.decisions; i++) {
    const createdAt = Math.floor(spanStart + i * step + r() * step);
    const postType = POST_TYPES[Math.floor(r() * POST_TYPES.length)];
    const objective = OBJECTIVES[Math.floor(r() * OBJECTIVES.length)];
    const bucket = `post_type=${postType}|objective=${objective}`;
    const action = r() < 0.5 ? "pre_generate" : "on_demand";
    const id = uuidFrom(r);
    const ideaId = `idea-${i}`;
    perBucketAction[`${bucket} ${action}`] = (perBucketAction[`${bucket} ${action}`] ?? 0) + 1;
    insertDecision.run(
      id, PROJECT_ID, DECISION_TYPE, ideaId, bucket, action, SEED_POLICY, 0, 0.5,
      0, JSON.stringify({ post_type: postType, objective }), "idea", ideaId, null, 0, createdAt,
    );
    const k = counts[i];
    if (k > 0) {
      // Offsets within 24 h after the decision (inclusive), most in the first hour; sorted, the first is the view.
      const offsets = Array.from({ length: k }, () => (r() < 0.6 ? Math.floor(r() * HOUR_MS) : HOUR_MS + Math.floor(r() * (DAY_MS - HOUR_MS))));
      offsets.sort((a, b) => a - b);
      const userId = `user-${Math.floor(r() * 20_000)}`;
      const session = uuidFrom(r);
      for (let j = 0; j < k; j++) {
        const name = j === 0 ? "idea_view_opened" : pickFlow(r, action);
        eventNames[name] = (eventNames[name] ?? 0) + 1;
        const occurredAt = createdAt + offsets[j];
        insertEvent.run(
          uuidFrom(r), PROJECT_ID, name, occurredAt, occurredAt + 50 + Math.floor(r() * 2000), userId, 1, session,
          null, "idea", ideaId, id, SEED_POLICY, "web", JSON.stringify({ screen: "idea_detail" }), propertiesFor(name, r), "BR",
          "Chrome", "Android", "mobile",
        );
        events++;
        if (++inTx >= TX_ROWS) {
          db.exec("COMMIT; BEGIN");
          inTx = 0;
        }
      }
    }
    if (++inTx >= TX_ROWS) {
      db.exec("COMMIT; BEGIN");
      inTx = 0;
    }
  }
  db.exec("COMMIT");
  const seededMs = performance.now() - t0;
  const journal = db.prepare("PRAGMA journal_mode").get();
  db.close(); // checkpoints the WAL, so the Worker opens a complete file
  return {
    decisions: settings.decisions,
    events,
    buckets: new Set(Object.keys(perBucketAction).map((k) => k.split(" ")[0])).size,
    decisions_by_bucket_action: perBucketAction,
    events_by_name: eventNames,
    decisions_without_events: counts.filter((c) => c === 0).length,
    created_at_range: [new Date(spanStart).toISOString(), new Date(spanStart + span).toISOString()],
    seconds: seconds(seededMs),
    rows_per_s: perSecond(settings.decisions + events, seededMs),
    journal_mode: Object.values(journal ?? {})[0] ?? null,
    file_mb: round(fs.statSync(file).size / 2 ** 20, 1),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Floors: hand-written SQL over the same file, in node:sqlite (SQLite alone: no Worker, no D1 binding, no JSON
// round trips). Repeated; the median is the figure, the minimum is kept too.

const PASSES_CTE = (windows) => `passes(pass, after_ms) AS (VALUES ${windows.map((w) => `(${w.pass}, ${w.afterMs})`).join(", ")})`;

/*
 * Per decision and pass, event counts by name inside the window; decisions with no event in it get one row with NULL.
 * The unary + keeps SQLite off events_project_occurred: without ANALYZE statistics the planner takes
 * (project_id = ? AND occurred_at < ?) over (decision_id = ?), which rescans the project's earlier events for every
 * decision. Hand-written SQL gets the index a person would pick; the plan is printed and checked.
 */
const buildFloorSql = (windows) => `
WITH ${PASSES_CTE(windows)}
SELECT d.id AS decision_id, p.pass, e.event_name, count(e.event_name) AS n
  FROM passes AS p
  JOIN decisions AS d ON d.project_id = ?1 AND d.decision_type = ?2 AND d.created_at <= ?3 - p.after_ms
  LEFT JOIN events AS e ON +e.project_id = d.project_id AND e.decision_id = d.id AND e.occurred_at <= d.created_at + p.after_ms
 GROUP BY d.id, p.pass, e.event_name`;

/** The same answer written: one row per decision and pass with its counts as a JSON object, as the job's metrics hold them. */
const buildFloorWriteSql = (windows) => `
CREATE TEMP TABLE floor_outcomes AS
WITH ${PASSES_CTE(windows)},
counts AS (
  SELECT d.id AS decision_id, p.pass, e.event_name, count(e.event_name) AS n
    FROM passes AS p
    JOIN decisions AS d ON d.project_id = ?1 AND d.decision_type = ?2 AND d.created_at <= ?3 - p.after_ms
    LEFT JOIN events AS e ON +e.project_id = d.project_id AND e.decision_id = d.id AND e.occurred_at <= d.created_at + p.after_ms
   GROUP BY d.id, p.pass, e.event_name)
SELECT decision_id, pass, json_group_object(event_name, n) FILTER (WHERE event_name IS NOT NULL) AS counts, sum(n) AS event_count
  FROM counts GROUP BY decision_id, pass`;

const rebuildFloorSql = `
SELECT bucket, action, count(*) AS n, sum(learn_value) AS successes, sum(normalized_reward) AS reward_sum
  FROM decision_outcomes
 WHERE project_id = ?1 AND decision_type = ?2 AND pass = ?3 AND simulated = 0 AND computed_at <= ?4
 GROUP BY bucket, action`;

function buildFloor(file, windows, asOf) {
  const db = new DatabaseSync(file, { readOnly: true });
  const sql = buildFloorSql(windows);
  const stmt = db.prepare(sql);
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(PROJECT_ID, DECISION_TYPE, asOf).map((r) => r.detail);
  if (!plan.some((d) => /events_decision/.test(d))) say(`warning: the floor's plan does not use events_decision: ${plan.join(" | ")}`);
  // Every row to JS, as the job gets its rows; counting them keeps the iteration honest. The answer for the checks
  // is collected in one more, untimed pass.
  const read = timeRepeated(settings.floor_repeats, () => {
    let rows = 0;
    for (const row of stmt.iterate(PROJECT_ID, DECISION_TYPE, asOf)) if (row.decision_id) rows++;
    return rows;
  });
  const answer = new Map();
  for (const row of stmt.iterate(PROJECT_ID, DECISION_TYPE, asOf)) {
    const key = `${row.decision_id}:${row.pass}`;
    let counts = answer.get(key);
    if (!counts) answer.set(key, (counts = {}));
    if (row.event_name !== null) counts[row.event_name] = row.n;
  }
  db.close();
  // The write variant needs a writable connection; TEMP keeps the file itself untouched.
  const wdb = new DatabaseSync(file);
  wdb.exec("PRAGMA temp_store = FILE");
  const wsql = buildFloorWriteSql(windows);
  const write = timeRepeated(settings.floor_repeats, () => {
    wdb.exec("DROP TABLE IF EXISTS temp.floor_outcomes");
    wdb.prepare(wsql).run(PROJECT_ID, DECISION_TYPE, asOf);
    return Number(wdb.prepare("SELECT count(*) AS n FROM temp.floor_outcomes").get().n);
  });
  wdb.close();
  return {
    method: "node:sqlite on the seeded D1 file, before the Worker starts: one statement, every result row iterated into JS",
    sql: sql.trim(),
    plan,
    result_rows: read.last,
    decision_passes: answer.size,
    ms_median: read.ms_median,
    ms_min: read.ms_min,
    ms_samples: read.ms_samples,
    answer,
    with_write: {
      method: "the same GROUP BY folded to one row per decision and pass (counts as a JSON object) and written with CREATE TEMP TABLE … AS",
      sql: wsql.trim(),
      rows_written: write.last,
      ms_median: write.ms_median,
      ms_min: write.ms_min,
      ms_samples: write.ms_samples,
    },
  };
}

function rebuildFloor(file, finalPass, asOf) {
  const db = new DatabaseSync(file, { readOnly: true });
  const stmt = db.prepare(rebuildFloorSql);
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${rebuildFloorSql}`).all(PROJECT_ID, DECISION_TYPE, finalPass, asOf).map((r) => r.detail);
  const outcomes = Number(db.prepare("SELECT count(*) AS n FROM decision_outcomes WHERE project_id = ?1 AND decision_type = ?2 AND pass = ?3 AND simulated = 0 AND computed_at <= ?4").get(PROJECT_ID, DECISION_TYPE, finalPass, asOf).n);
  const t = timeRepeated(settings.floor_repeats, () => stmt.all(PROJECT_ID, DECISION_TYPE, finalPass, asOf));
  const stats = db
    .prepare("SELECT bucket, action, n, successes, reward_sum, version FROM bandit_arm_stats WHERE project_id = ?1 AND decision_type = ?2 AND policy_id = ?3")
    .all(PROJECT_ID, DECISION_TYPE, LEARN_POLICY);
  db.close();
  // The job's rows must equal the floor's sums (no half-life: every weight is 1).
  let mismatches = 0;
  const samples = [];
  const byKey = new Map(stats.map((s) => [`${s.bucket} ${s.action}`, s]));
  for (const f of t.last) {
    const s = byKey.get(`${f.bucket} ${f.action}`);
    const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
    if (!s || !close(s.n, Number(f.n)) || !close(s.successes, f.successes) || !close(s.reward_sum, f.reward_sum)) {
      mismatches++;
      if (samples.length < 5) samples.push({ floor: f, job: s ?? null });
    }
  }
  return {
    method: "node:sqlite on the same file after the rebuild: one GROUP BY, all rows to JS",
    sql: rebuildFloorSql.trim(),
    plan,
    outcomes_read: outcomes,
    result_rows: t.last.length,
    ms_median: t.ms_median,
    ms_min: t.ms_min,
    ms_samples: t.ms_samples,
    check_against_bandit_arm_stats: { rows_in_bandit_arm_stats: stats.length, mismatches: mismatches + Math.max(0, stats.length - t.last.length), samples },
  };
}

/** Every outcome the job wrote must carry the floor's counts for its decision and pass. */
function checkOutcomes(file, answer) {
  const db = new DatabaseSync(file, { readOnly: true });
  let checked = 0;
  let mismatches = 0;
  const samples = [];
  for (const row of db.prepare("SELECT decision_id, pass, metrics FROM decision_outcomes WHERE project_id = ?1").iterate(PROJECT_ID)) {
    checked++;
    const floor = answer.get(`${row.decision_id}:${row.pass}`) ?? null;
    const counts = JSON.parse(row.metrics).counts;
    const a = JSON.stringify(Object.entries(counts).sort());
    const b = JSON.stringify(Object.entries(floor ?? {}).sort());
    if (floor === null || a !== b) {
      mismatches++;
      if (samples.length < 5) samples.push({ decision_id: row.decision_id, pass: row.pass, job: counts, floor });
    }
  }
  db.close();
  return { outcomes_checked: checked, floor_decision_passes: answer.size, missing_from_job: Math.max(0, answer.size - checked), mismatches, samples };
}

// ---------------------------------------------------------------------------------------------------------------------
// Replay: the snapshot's own build job (buildBanditDataset.run, imported through tsx) against node:sqlite on a copy of
// the seeded file, through a minimal D1 adapter that times every statement. Its SQL is whatever the job sends, so the
// replay cannot drift from the job; only the Worker, the D1 binding and its RPC are gone.

/** What a statement is, for the breakdown (anything unrecognised is "other"). */
function statementKind(sql) {
  if (/NOT EXISTS/i.test(sql) && /FROM decisions/i.test(sql)) return "page_query";
  if (/FROM events/i.test(sql)) return "events_query";
  if (/^\s*INSERT INTO decision_outcomes/i.test(sql)) return "upsert";
  return "other";
}

/*
 * The job's events query with a unary + on project_id: SQLite then cannot use the (project_id, …) indexes for it and
 * walks events_decision (see buildFloorSql). Same rows; a rewrite of the job's text, or null if the text changed.
 */
function byDecisionVariant(sql) {
  const rewritten = sql.replace(/WHERE(\s+)project_id = \?1 AND decision_id IN/, "WHERE$1+project_id = ?1 AND decision_id IN");
  return rewritten === sql ? null : rewritten;
}

/** A D1Database over node:sqlite, enough for the jobs: prepare/bind/all/raw/first/run and batch (one transaction). */
function sqliteD1(db, onStatement) {
  const prepared = new Map();
  const prep = (sql, arrays = false) => {
    const key = `${arrays ? "raw" : "obj"}:${sql}`;
    if (!prepared.has(key)) {
      const stmt = db.prepare(sql);
      if (arrays) stmt.setReturnArrays(true); // rows as arrays, as D1's .raw() returns them
      prepared.set(key, stmt);
    }
    return prepared.get(key);
  };
  const execute = (sql, args, how) =>
    onStatement(sql, args, (text = sql) => {
      const stmt = prep(text, how === "raw");
      if (how === "all" || how === "raw") return stmt.all(...args);
      if (how === "first") return stmt.get(...args) ?? null;
      return stmt.run(...args);
    });
  class Statement {
    constructor(sql, args = []) {
      this.sql = sql;
      this.args = args;
    }
    bind(...args) {
      return new Statement(this.sql, args);
    }
    async all() {
      return { success: true, results: execute(this.sql, this.args, "all"), meta: {} };
    }
    async raw() {
      return execute(this.sql, this.args, "raw");
    }
    async first(column) {
      const row = execute(this.sql, this.args, "first");
      return column ? (row?.[column] ?? null) : row;
    }
    async run() {
      const r = execute(this.sql, this.args, "run");
      return { success: true, results: [], meta: { changes: Number(r.changes), last_row_id: Number(r.lastInsertRowid) } };
    }
  }
  return {
    prepare: (sql) => new Statement(sql),
    async batch(statements) {
      db.exec("BEGIN");
      try {
        const out = [];
        for (const s of statements) out.push(await s.run());
        db.exec("COMMIT");
        return out;
      } catch (err) {
        db.exec("ROLLBACK");
        throw err;
      }
    },
    async exec(sql) {
      db.exec(sql);
      return { count: 1, duration: 0 };
    },
  };
}

/*
 * The job's events query is slow when SQLite scans the project's events, so on large data it runs on every
 * `sampleEvery`-th call only; the other calls get the same rows from byDecisionVariant, and the job's total is the
 * sampled mean × calls. Both run on the sampled calls, so their ratio compares like with like.
 */
async function replayBuild(file, appDir, asOf, sampleEvery) {
  const { buildBanditDataset } = await tsImport(pathToFileURL(path.join(appDir, "src/learning/build-bandit-dataset.ts")).href, import.meta.url);
  const db = new DatabaseSync(file);
  const ms = { page_query: 0, events_query: 0, upsert: 0, other: 0 };
  const calls = { page_query: 0, events_query: 0, upsert: 0, other: 0 };
  const sql = {};
  const pageTimes = [];
  const ev = { calls: 0, sampled: 0, job_ms_sampled: 0, variant_ms_sampled: 0, variant_ms_all: 0, row_count_mismatches: 0, variant: null };
  const onStatement = (text, args, run) => {
    const kind = statementKind(text);
    sql[kind] ??= text.replace(/\s+/g, " ").trim().slice(0, 2000);
    calls[kind]++;
    if (kind === "events_query") {
      const variant = byDecisionVariant(text);
      ev.variant = variant && variant.replace(/\s+/g, " ").trim();
      // Every call counts, sampled or not: the total is the sampled mean × calls.
      const sampled = !variant || ev.calls % sampleEvery === 0;
      ev.calls++;
      let rows = null;
      let t;
      if (sampled) {
        t = performance.now();
        rows = run();
        const jobMs = performance.now() - t;
        ev.job_ms_sampled += jobMs;
        ev.sampled++;
        ms.events_query += jobMs;
      }
      if (variant) {
        t = performance.now();
        const alt = run(variant);
        const altMs = performance.now() - t;
        ev.variant_ms_all += altMs;
        if (sampled) {
          ev.variant_ms_sampled += altMs;
          if (alt.length !== rows.length) ev.row_count_mismatches++;
        }
        rows ??= alt;
      }
      return rows;
    }
    const t = performance.now();
    const out = run();
    const took = performance.now() - t;
    ms[kind] += took;
    // Up to 2a1c4a2 the page query bound its pass as ?4 (the anti-join's), one pass at a time; since then one page
    // serves every due pass (?4 is the cursor's id). Kept per pass, or as one series, to show the cursor's cost growing.
    if (kind === "page_query") pageTimes.push({ pass: typeof args[3] === "number" ? args[3] : "es", ms: took });
    return out;
  };
  const d1 = sqliteD1(db, onStatement);
  // batch() runs its statements through run(); their COMMIT is timed here, with the upserts it belongs to.
  const batch = d1.batch.bind(d1);
  d1.batch = async (statements) => {
    const before = ms.upsert;
    const t = performance.now();
    const out = await batch(statements);
    ms.upsert = before + (performance.now() - t);
    return out;
  };
  const params = buildBanditDataset.params.parse({ project: PROJECT_ID, as_of: asOf, ...(settings.page_size ? { page_size: settings.page_size } : {}) });
  const log = console.log;
  console.log = () => {}; // the job's one log line
  const t0 = performance.now();
  let result;
  try {
    result = await buildBanditDataset.run({ env: { DB: d1 }, asOf, runId: "bench-replay", deadline: Number.POSITIVE_INFINITY }, params);
  } finally {
    console.log = log;
  }
  const wallMs = performance.now() - t0;

  const estimated = ev.variant !== null && sampleEvery > 1;
  const eventsJobMs = ev.sampled ? (ev.job_ms_sampled / ev.sampled) * ev.calls : 0;
  // The job as written: the wall time without the comparison runs, with the events query at its (estimated) total.
  const jobMs = wallMs - ev.variant_ms_all - ev.job_ms_sampled + eventsJobMs;
  const sqlMs = ms.page_query + eventsJobMs + ms.upsert + ms.other;
  const byKind = { page_query: ms.page_query, events_query: eventsJobMs, upsert: ms.upsert, other_sql: ms.other, js: jobMs - sqlMs };
  const tenth = (xs) => Math.max(1, Math.floor(xs.length / 10));
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const growth = Object.fromEntries(
    [...new Set(pageTimes.map((p) => p.pass))].map((pass) => {
      const xs = pageTimes.filter((p) => p.pass === pass).map((p) => p.ms);
      return [`pass${pass}`, { page_queries: xs.length, ms_total: round(xs.reduce((a, b) => a + b, 0), 1), first_tenth_ms_mean: round(mean(xs.slice(0, tenth(xs))), 2), last_tenth_ms_mean: round(mean(xs.slice(-tenth(xs))), 2) }];
    }),
  );
  return {
    method:
      "the snapshot's buildBanditDataset.run in this Node process (tsx), its D1 binding replaced by node:sqlite on a copy of the seeded file taken before the Worker ran; every statement timed; one invocation (no deadline). " +
      (estimated ? `The job's events query ran on every ${sampleEvery}th call (${ev.sampled} of ${ev.calls}); its total is the sampled mean × calls.` : "Every events query ran as the job wrote it."),
    page_size: params.page_size,
    result: { status: result.status, rows_read: result.rowsRead, rows_written: result.rowsWritten, continued: !!result.continueWith },
    total_ms: round(jobMs, 1),
    events_query_estimated: estimated,
    ms_by_kind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, round(v, 1)])),
    share_by_kind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, round(v / jobMs, 3)])),
    statements: calls,
    page_query_growth: growth,
    events_query_by_decision: ev.variant && {
      sql: ev.variant,
      sampled_calls: ev.sampled,
      job_query_ms_per_sampled_call: round(ev.job_ms_sampled / Math.max(1, ev.sampled), 2),
      variant_ms_per_sampled_call: round(ev.variant_ms_sampled / Math.max(1, ev.sampled), 2),
      speedup: round(ev.job_ms_sampled / Math.max(0.001, ev.variant_ms_sampled), 1),
      sampled_calls_with_a_different_row_count: ev.row_count_mismatches,
      replay_total_ms_with_it: round(jobMs - eventsJobMs + ev.variant_ms_all, 1),
    },
    sql,
    plans: explainAll(db, { ...sql, ...(ev.variant ? { events_query_by_decision: ev.variant } : {}) }),
  };
}

function explainAll(db, statements) {
  const plans = {};
  for (const [k, text] of Object.entries(statements)) {
    if (k === "other") continue;
    try {
      const n = (text.match(/\?(\d+)/g) ?? []).reduce((m, x) => Math.max(m, Number(x.slice(1))), 0);
      const args = Array.from({ length: n }, (_, i) => (k.startsWith("events") && i === 1 ? "[]" : null));
      plans[k] = db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...args).map((r) => r.detail);
    } catch (err) {
      plans[k] = `failed: ${err.message}`;
    }
  }
  db.close();
  return plans;
}

/** The events query's plan in the Worker's own SQLite (miniflare's D1 in workerd), next to the +project_id variant. */
async function workerdPlans(bench, statements) {
  const ids = JSON.stringify(["x"]);
  const out = {};
  for (const [name, text] of Object.entries(statements)) {
    if (!text) continue;
    const literal = text.replace(/\?1\b/g, `'${PROJECT_ID}'`).replace(/\?2\b/g, `'${ids}'`);
    try {
      out[name] = (await bench.d1Execute(`EXPLAIN QUERY PLAN ${literal}`)).map((r) => r.detail);
    } catch (err) {
      out[name] = `failed: ${err.message.split("\n")[0]}`;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// The jobs through the admin API

/** This benchmark's runs: its project and as_of (the pages of a build carry the same). */
const ofThisRun = (asOf) => (p) => p.project === PROJECT_ID && p.as_of === asOf;

/*
 * The request answers when its first invocation ends; the rest runs as jobs-queue pages. Under `wrangler dev` the
 * answer can arrive late (workerd is one thread, and the next page starts at once), so the benchmark does not wait on
 * it: it follows the job ledger (job_runs) and the outcome count in the D1 file directly, read-only, and asks
 * GET /v1/admin/jobs/runs once at the end for the record. The wall time runs from sending the request to the end
 * of the last page as the ledger has it.
 */
async function timeBuild(worker, token, file, asOf, expectedOutcomes) {
  const ledger = ledgerReader(file, "build_bandit_dataset", ofThisRun(asOf));
  const countStmt = ledger.reader.prepare("SELECT count(*) AS n FROM decision_outcomes WHERE project_id = ?1");
  const outcomes = () => retrying(() => Number(countStmt.get(PROJECT_ID).n));
  const fileRuns = ledger.runs;
  const params = { project: PROJECT_ID, as_of: asOf, ...(settings.page_size ? { page_size: settings.page_size } : {}) };
  const cpuBefore = worker.cpu();
  const t0 = Date.now();
  say(`POST /v1/admin/jobs/build_bandit_dataset ${JSON.stringify({ params })}`);
  let first = null;
  let firstMs = null;
  let firstError = null;
  let firstRemoteCalls = null;
  const request = worker.callOk("POST", "/v1/admin/jobs/build_bandit_dataset", { token, body: { params }, timeoutMs: settings.build_timeout_s * 1000 }).then(
    (res) => {
      const r = res.json();
      first = r;
      firstRemoteCalls = res.remote_calls;
      firstMs = Date.now() - t0;
      say(`the request answered after ${seconds(firstMs)} s: ${fmt(r.rows_written)} outcomes, continued: ${r.continued}`);
    },
    (err) => {
      firstError = err;
    },
  );
  const progress = [];
  let runs = [];
  let done = false;
  let lastSay = Date.now();
  const failures = new Set();
  while (!done && !firstError) {
    if (Date.now() - t0 > settings.build_timeout_s * 1000) break;
    const n = outcomes();
    if (progress.at(-1)?.outcomes !== n) progress.push({ s: seconds(Date.now() - t0), outcomes: n });
    runs = fileRuns();
    for (const r of runs) if (r.status === "failed" && !failures.has(r.run_id)) {
      failures.add(r.run_id);
      say(`  a page failed (the queue retries it): ${r.message}`);
    }
    if (Date.now() - lastSay > 30_000) {
      say(`  ${seconds(Date.now() - t0)} s: ${fmt(n)} of ${fmt(expectedOutcomes)} outcomes, ${runs.length} invocations`);
      lastSay = Date.now();
    }
    done = ledgerDone(runs);
    if (!done) await sleep(1000);
  }
  const cpu = cpuCores(cpuBefore, worker.cpu());
  const finalCount = outcomes();
  runs = fileRuns();
  ledger.close();
  if (firstError) throw firstError;
  await Promise.race([request, sleep(60_000)]);
  let ledgerFromApi = null;
  try {
    ledgerFromApi = await ledgerRuns(worker, token, "build_bandit_dataset", ofThisRun(asOf));
  } catch (err) {
    say(`GET /v1/admin/jobs/runs failed (the file's ledger stands): ${err.message}`);
  }
  const lastFinished = runs.filter((r) => r.finished_at).map((r) => Date.parse(r.finished_at));
  const endMs = lastFinished.length ? Math.max(...lastFinished) : Date.now();
  return {
    request: { params, first_response: first, first_response_s: firstMs === null ? null : seconds(firstMs), remote_calls: firstRemoteCalls },
    finished: done,
    wall_s: seconds(endMs - t0),
    wall_ms: endMs - t0,
    outcomes_in_d1: finalCount,
    expected_outcomes: expectedOutcomes,
    ledger: summariseRuns(runs, t0),
    ledger_api_agrees: ledgerFromApi === null ? null : JSON.stringify(ledgerFromApi.map((r) => [r.run_id, r.status, r.rows_written])) === JSON.stringify(runs.map((r) => [r.run_id, r.status, r.rows_written])),
    progress,
    cpu_cores_used: cpu,
  };
}

/*
 * The rebuild's as_of is the wall clock at the call, not the build's as_of: outcomes carry computed_at = the time they
 * were written (the freshness watermark), and the rebuild counts only those with computed_at ≤ as_of, so with the
 * build's (earlier) as_of it would find nothing fresh and skip.
 */
async function timeRebuild(worker, token) {
  const asOf = Date.now();
  const params = { project: PROJECT_ID, policy_id: LEARN_POLICY, as_of: asOf };
  const cpuBefore = worker.cpu();
  const t0 = Date.now();
  say(`POST /v1/admin/jobs/rebuild_bandit_stats ${JSON.stringify({ params })}`);
  const res = await worker.callOk("POST", "/v1/admin/jobs/rebuild_bandit_stats", { token, body: { params } });
  const result = res.json();
  const ms = Date.now() - t0;
  const cpu = cpuCores(cpuBefore, worker.cpu());
  const runs = await ledgerRuns(worker, token, "rebuild_bandit_stats", ofThisRun(asOf));
  const run = runs.find((r) => r.run_id === result.run_id);
  // The same request again at once: nothing is fresh, so it skips after its lookups. What the request, the admin
  // path, the ledger and the job's small statements cost with no outcome read, written or loaded (the layer's part).
  const again = [];
  for (let i = 0; i < 3; i++) {
    const t1 = Date.now();
    const r = await worker.callOk("POST", "/v1/admin/jobs/rebuild_bandit_stats", { token, body: { params: { ...params, as_of: Date.now() } } });
    again.push({ ms: Date.now() - t1, status: r.json().status, remote_calls: r.remote_calls });
  }
  const skipped = { note: "the same request right after, nothing fresh: it skips (median of 3)", ms_median: round(median(again.map((a) => a.ms)), 1), calls: again };
  return { as_of: asOf, request: { params }, response: result, remote_calls: res.remote_calls, wall_s: seconds(ms), wall_ms: ms, ledger_duration_ms: run?.duration_ms ?? null, cpu_cores_used: cpu, skipped_rerun: skipped };
}

// ---------------------------------------------------------------------------------------------------------------------
// Report

function printReport(r) {
  const b = r.build;
  const rb = r.rebuild;
  if (!rb) return;
  printHeader(r, `data: ${fmt(r.data.decisions)} decisions (${r.data.buckets} buckets), ${fmt(r.data.events)} events, as_of ${r.as_of_iso}; seeded in ${r.data.seconds} s (${fmt(r.data.rows_per_s)} rows/s), file ${r.data.file_mb} MB`);
  const row = (label, a, f, ratio) => console.log(`  ${label.padEnd(44)}${pad(a, 16)}${pad(f, 16)}${pad(ratio, 12)}`);
  row("", "job (Worker)", "floor (SQL)", "job/floor");
  row("build: seconds", b.job.wall_s, seconds(b.floor.ms_median), b.ratios.time);
  row("build: input rows/s (decisions + events, ×2 passes)", fmt(b.figures.job_input_rows_per_s), fmt(b.figures.floor_input_rows_per_s), "");
  row("build: outcomes written/s", fmt(b.figures.job_outcomes_per_s), fmt(b.figures.floor_write_outcomes_per_s), "");
  row("build: floor with the write (temp table), seconds", "", seconds(b.floor.with_write.ms_median), b.ratios.time_vs_floor_with_write);
  row("rebuild: seconds (request round trip)", rb.job.wall_s, seconds(rb.floor.ms_median), rb.ratios.time);
  row("rebuild: outcomes read/s", fmt(rb.figures.job_outcomes_per_s), fmt(rb.figures.floor_outcomes_per_s), "");
  console.log("");
  const l = b.job.ledger;
  console.log(
    `  build: ${l.invocations} invocations (${l.per_invocation.filter((x) => x.trigger === "queue").length} through the jobs queue), ${l.failed} failed; busy ${l.busy_s} s, queue gaps ${l.queue_gaps_s} s; ` +
      `rows read ${fmt(l.rows_read)}, written ${fmt(l.rows_written)}; outcomes in D1 ${fmt(b.job.outcomes_in_d1)} of ${fmt(b.job.expected_outcomes)}${b.job.finished ? "" : "  ✗ NOT FINISHED"}`,
  );
  const firstRun = l.per_invocation[0];
  console.log(`  build: the request answered after ${b.job.request.first_response_s ?? "—"} s; its invocation took ${firstRun?.duration_s ?? "—"} s (the rest: jobs-queue pages)`);
  const calls = (x) => (x ? `${x.sequential} sequential remote calls (${x.breakdown}; the model would add ${x.model_ms} ms)` : "—");
  console.log(`  remote calls: the build's first invocation ${calls(b.job.request.remote_calls)}; the rebuild ${calls(rb.job.remote_calls)}`);
  const c = b.job.cpu_cores_used;
  if (c) console.log(`  build CPU cores: Worker stack ${c.worker_stack} (${Object.entries(c.worker_stack_by_program).map(([k, v]) => `${k} ${v}`).join(", ")}), bench ${c.bench_process}, other ${c.other_processes}`);
  console.log(`  build check: ${fmt(b.check.outcomes_checked)} outcomes vs the floor's counts: ${b.check.mismatches} mismatches, ${b.check.missing_from_job} missing`);
  if (rb.job.skipped_rerun) console.log(`  rebuild again at once (nothing fresh, skips): ${rb.job.skipped_rerun.ms_median} ms median: the request, ledger and lookups alone`);
  console.log(`  rebuild: ${rb.job.response.status} ${rb.job.response.message}; ledger ${rb.job.ledger_duration_ms} ms; check vs floor: ${rb.floor.check_against_bandit_arm_stats.mismatches} mismatches in ${rb.floor.result_rows} (bucket, action) rows`);
  if (r.replay) {
    const p = r.replay;
    console.log("");
    console.log(`  where the build's time goes: the snapshot's job run in node:sqlite (page size ${p.page_size}, ${p.statements.page_query} page queries): ${seconds(p.total_ms)} s`);
    for (const [k, v] of Object.entries(p.ms_by_kind)) console.log(`    ${k.padEnd(14)}${pad(seconds(v), 9)} s  ${pad(round(p.share_by_kind[k] * 100, 1), 5)} %`);
    for (const [k, v] of Object.entries(p.page_query_growth)) console.log(`    page query ${k}: first tenth of its pages ${v.first_tenth_ms_mean} ms each, last tenth ${v.last_tenth_ms_mean} ms each`);
    const alt = p.events_query_by_decision;
    if (alt) {
      if (p.events_query_estimated) console.log(`    (events_query: the job's SQL timed on ${alt.sampled_calls} of ${p.statements.events_query} calls, × calls)`);
      console.log(`    events query with +project_id (events_decision index): ${alt.variant_ms_per_sampled_call} ms a page instead of ${alt.job_query_ms_per_sampled_call} ms (${alt.speedup}× faster); the replay would take ${seconds(alt.replay_total_ms_with_it)} s with it`);
    }
    console.log(`    events query plan (node:sqlite): ${[].concat(p.plans.events_query).join(" | ")}`);
    if (r.plans_in_workerd) console.log(`    events query plan (workerd):     ${[].concat(r.plans_in_workerd.events_query).join(" | ")}`);
    console.log(`    replay/floor ${round(p.total_ms / b.floor.ms_median, 1)}×; Worker/replay ${round(b.job.wall_ms / p.total_ms, 1)}×`);
  }
  console.log(`  Worker warnings/errors: ${problemLines(r.worker_log) || "none"}; runtime error lines: ${r.worker_log?.runtime_error_lines ?? 0}`);
  console.log("");
}


await runBenchmark({
  name: "jobs",
  settings,
  async run(bench) {
    // A whole minute, so the ledger's as_of (epoch ms) matches what was sent.
    const asOf = Math.floor(Date.now() / 60_000) * 60_000;
    // The snapshot's own reward spec: its windows are the floor's.
    const src = (rel) => pathToFileURL(path.join(bench.appDir, "src", rel)).href;
    const { rewardSpecFor } = await tsImport(src("learning/reward-specs/index.ts"), import.meta.url);
    const { FINAL_PASS } = await tsImport(src("learning/reward-spec.ts"), import.meta.url);
    const spec = rewardSpecFor(DECISION_TYPE);
    const windows = spec.windows.map((w) => ({ pass: w.pass, afterMs: w.afterMs }));
    if (JSON.stringify(windows) !== JSON.stringify(EXPECTED_WINDOWS)) {
      say(`note: image_pregen's windows are ${JSON.stringify(windows)} (this benchmark was written for ${JSON.stringify(EXPECTED_WINDOWS)}); the floor uses the snapshot's`);
    }
    if (windows.some((w) => w.afterMs > DAY_MS)) throw new Error("a window longer than 24 h: the seeded decisions (≥ 24 h before as_of) would not all be closed");

    await bench.migrate();
    const file = await bench.d1File("decision_outcomes");
    say(`seeding ${fmt(settings.decisions)} decisions and ${fmt(settings.events)} events into ${path.relative(bench.tmp, file)}`);
    const data = seed(file, asOf);
    say(`seeded in ${data.seconds} s (${fmt(data.rows_per_s)} rows/s); file ${data.file_mb} MB, journal ${data.journal_mode}`);

    let replayCopy = null;
    if (settings.replay) {
      replayCopy = path.join(bench.tmp, "replay.sqlite");
      await fsp.copyFile(file, replayCopy);
    }

    say(`floor (build): the GROUP BY over events ⋈ decisions, ${settings.floor_repeats}×`);
    const floorBuild = buildFloor(file, windows, asOf);
    say(`floor (build): ${seconds(floorBuild.ms_median)} s median (${fmt(floorBuild.result_rows)} rows); with the write ${seconds(floorBuild.with_write.ms_median)} s`);

    const worker = await bench.startWorker({ ADMIN_RATE_LIMIT_PER_MINUTE: "100000" });
    const token = bench.secrets.adminToken;
    const logOffset = worker.logSize();

    const expectedOutcomes = settings.decisions * windows.length;
    const buildJob = await timeBuild(worker, token, file, asOf, expectedOutcomes);
    say(`build: ${buildJob.wall_s} s for ${fmt(buildJob.outcomes_in_d1)} outcomes (${buildJob.ledger.invocations} invocations)`);
    let rebuildJob = null;
    if (buildJob.finished) {
      rebuildJob = await timeRebuild(worker, token);
      say(`rebuild: ${rebuildJob.wall_s} s: ${rebuildJob.response.status} ${rebuildJob.response.message}`);
    } else {
      say(`build did not finish within BENCH_BUILD_TIMEOUT=${settings.build_timeout_s} s; rebuild skipped`);
    }
    const workerLog = worker.log(logOffset);
    await worker.stop();

    say("floor (rebuild) and checks against the floors' answers");
    const floorRebuild = rebuildJob ? rebuildFloor(file, FINAL_PASS, rebuildJob.as_of) : null;
    const check = checkOutcomes(file, floorBuild.answer);
    delete floorBuild.answer;

    let replay = null;
    let plansInWorkerd = null;
    if (replayCopy) {
      const sampleEvery = settings.replay_sample_every ?? (settings.events > 200_000 ? 20 : 1);
      say(`replaying the snapshot's build job against node:sqlite${sampleEvery > 1 ? ` (its events query on every ${sampleEvery}th page)` : ""}`);
      replay = await replayBuild(replayCopy, bench.appDir, asOf, sampleEvery);
      await fsp.rm(replayCopy, { force: true });
      say(`replay: ${seconds(replay.total_ms)} s; ${JSON.stringify(replay.share_by_kind)}`);
      say("the events query's plan in the Worker's SQLite (wrangler d1 execute --local)");
      plansInWorkerd = await workerdPlans(bench, { events_query: replay.sql.events_query, events_query_by_decision: replay.events_query_by_decision?.sql });
      say(`  ${JSON.stringify(plansInWorkerd)}`);
    }

    const inputRows = (settings.decisions + data.events) * windows.length;
    const build = {
      job: buildJob,
      floor: floorBuild,
      check,
      figures: {
        input_rows_definition: "(decisions + events) × passes: each pass reads every decision and its events once",
        input_rows: inputRows,
        job_input_rows_per_s: perSecond(inputRows, buildJob.wall_ms),
        job_ledger_rows_read_per_s: perSecond(buildJob.ledger.rows_read, buildJob.wall_ms),
        job_outcomes_per_s: perSecond(buildJob.outcomes_in_d1, buildJob.wall_ms),
        floor_input_rows_per_s: perSecond(inputRows, floorBuild.ms_median),
        floor_write_outcomes_per_s: perSecond(floorBuild.with_write.rows_written, floorBuild.with_write.ms_median),
      },
      ratios: {
        time: round(buildJob.wall_ms / floorBuild.ms_median, 1),
        time_vs_floor_with_write: round(buildJob.wall_ms / floorBuild.with_write.ms_median, 1),
        time_busy_only: round((buildJob.ledger.busy_s * 1000) / floorBuild.ms_median, 1),
      },
    };
    const rebuild = rebuildJob && {
      job: rebuildJob,
      floor: floorRebuild,
      figures: {
        job_outcomes_per_s: perSecond(floorRebuild.outcomes_read, rebuildJob.wall_ms),
        floor_outcomes_per_s: perSecond(floorRebuild.outcomes_read, floorRebuild.ms_median),
      },
      ratios: { time: round(rebuildJob.wall_ms / floorRebuild.ms_median, 1) },
    };

    const report = {
      as_of: asOf,
      as_of_iso: new Date(asOf).toISOString(),
      data: { ...data, windows },
      build,
      rebuild,
      replay,
      plans_in_workerd: plansInWorkerd,
      worker_log: workerLog,
    };
    const problems = [];
    if (!buildJob.finished) problems.push(`build did not finish (${buildJob.outcomes_in_d1} of ${expectedOutcomes} outcomes)`);
    if (buildJob.outcomes_in_d1 !== expectedOutcomes) problems.push(`${buildJob.outcomes_in_d1} outcomes in D1, expected ${expectedOutcomes}`);
    if (buildJob.ledger.failed) problems.push(`${buildJob.ledger.failed} build invocations failed`);
    if (check.mismatches || check.missing_from_job) problems.push(`build outcomes disagree with the floor: ${check.mismatches} mismatches, ${check.missing_from_job} missing`);
    if (rebuild && rebuild.job.response.status !== "ok") problems.push(`rebuild answered ${rebuild.job.response.status}: ${rebuild.job.response.message}`);
    if (rebuild && rebuild.floor.check_against_bandit_arm_stats.mismatches) problems.push(`bandit_arm_stats disagree with the floor in ${rebuild.floor.check_against_bandit_arm_stats.mismatches} rows`);
    if (replay && replay.result.rows_written !== expectedOutcomes) problems.push(`the replay wrote ${replay.result.rows_written} outcomes, expected ${expectedOutcomes}`);
    return { report, problems };
  },
  print: printReport,
});
