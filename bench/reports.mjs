// npm run bench:reports — the report routes through the local Worker on 1M events / 50k users, each beside the single
// hand-written SQL query that computes the same answer (the floor), in the same run, with the ratios and checks.
//
// 1. The harness (bench/lib/run.mjs): a snapshot of the sources, fresh D1 migrations, the bench build.
// 2. Seeds the local D1 file directly with node:sqlite: project `bench` (time zone UTC, the default event names),
//    BENCH_USERS users and exactly BENCH_EVENTS events over the BENCH_DAYS days before as_of, inserted in time order
//    as ingest would have written them. Users arrive on different days (more of them lately, fewer at weekends); each
//    returns with a probability that decays from the first day to a plateau (three kinds: casual, regular, power);
//    an active day has 1–3 sessions at daytime hours and page_view, button_click, search_query, … with properties.
// 3. Floors, before the Worker starts, in node:sqlite on the same file (median of BENCH_FLOOR_REPEATS):
//    DAU: one count(DISTINCT user_id) over the day. Cohorts: one statement, GROUP BY user then GROUP BY cohort week,
//    giving every cohort's size and its returning users per week (percentages and open weeks in JS). Exports: the one
//    SELECT of the range's rows in the export's order, materialised to CSV text in Node (the CSV floor) and to a
//    minimal XLSX (inline strings, one deflate-6 stream by node:zlib) in Node (the XLSX floor). Also the routes' own SQL run in
//    node:sqlite (what the Worker asks SQLite to do), to show where a ratio comes from.
// 4. Starts `wrangler dev` (127.0.0.1, random secrets, report/admin rate limits and EXPORT_DIRECT_MAX_ROWS lifted)
//    and times, with the ADMIN_TOKEN as Bearer and ?project=bench:
//    GET /v1/reports/dau?date=<as_of − 1 day> from raw events (first call, then repeats); POST
//    /v1/admin/jobs/rollup_daily_metrics for that day; the DAU again (now from the rollup);
//    POST /v1/reports/cohorts {first_seen, weeks: 12, the 12 ISO weeks before as_of} cold (X-Cache: MISS) and warm
//    (HIT); the 30 days before as_of as CSV and XLSX through GET /v1/reports/events (direct stream) and through
//    POST /v1/exports (build job in the background, polled until done, then the signed download), whichever routes
//    the snapshot registers (probed at run time; reported as unavailable otherwise).
// 5. Checks the answers against the floors: DAU equal; cohort sizes (and the whole matrix) equal; CSV rows equal (and
//    the bytes, which the floor writes by RFC 4180 with the same formula neutralising); XLSX rows and event order.
// 6. Prints the table and writes bench/results/reports-<timestamp>.json.
//
// as_of: 00:00 UTC on the Monday of the run's week (BENCH_AS_OF=YYYY-MM-DD to pin another day). The seed is relative
// to it and seeded, so every run holds the same data shifted by whole weeks, and the cohort matrix has its open weeks
// (null) where a live project would.
//
// Settings (environment): BENCH_USERS (50000), BENCH_EVENTS (1000000), BENCH_DAYS (120), BENCH_AS_OF, BENCH_COHORT_WEEKS
// (12), BENCH_EXPORT_DAYS (30), BENCH_FLOOR_REPEATS (3), BENCH_API_REPEATS (3), BENCH_EXPORTS (direct,job),
// BENCH_EXPORT_FORMATS (csv,xlsx), BENCH_REQUEST_TIMEOUT (s, 1200), BENCH_SEED (1), and the harness's BENCH_LATENCY
// (0), BENCH_REF, BENCH_KEEP_TMP. Every timed call records the remote calls its answer reports.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import zlib from "node:zlib";
import { tsImport } from "tsx/esm/api";
import { cpuCores } from "./lib/cpu.mjs";
import { loadSqlite, missingRequiredColumns } from "./lib/d1-file.mjs";
import { fmt, intSetting, listSetting, median, mulberry32, round, say, seconds, sleep, timeRepeated, uuidFrom } from "./lib/harness.mjs";
import { pad, printHeader } from "./lib/report.mjs";
import { runBenchmark } from "./lib/run.mjs";
import { problemLines, withoutBody } from "./lib/worker.mjs";
import { unzipEntries, zipOf } from "./lib/zip.mjs";

const DatabaseSync = await loadSqlite();
const PROJECT_ID = "bench";
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Every number in a flat object rounded to 0.1 (the layer probe's figures). */
const roundAll = (o) => (o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "number" ? round(v, 1) : v])) : null);

/** 00:00 UTC on the Monday of the week holding `ms`. */
function mondayUtc(ms) {
  const day = Math.floor(ms / DAY_MS);
  return (day - ((((day + 3) % 7) + 7) % 7)) * DAY_MS;
}

function asOfSetting() {
  const raw = process.env.BENCH_AS_OF;
  if (!raw) return mondayUtc(Date.now());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) throw new Error(`BENCH_AS_OF must be YYYY-MM-DD, got '${raw}'`);
  return Date.parse(`${raw}T00:00:00Z`);
}

const settings = {
  users: intSetting("BENCH_USERS", 50_000),
  events: intSetting("BENCH_EVENTS", 1_000_000),
  days: intSetting("BENCH_DAYS", 120, 14),
  as_of: new Date(asOfSetting()).toISOString(),
  cohort_weeks: intSetting("BENCH_COHORT_WEEKS", 12),
  export_days: intSetting("BENCH_EXPORT_DAYS", 30),
  floor_repeats: intSetting("BENCH_FLOOR_REPEATS", 3),
  api_repeats: intSetting("BENCH_API_REPEATS", 3),
  exports: listSetting("BENCH_EXPORTS", ["direct", "job"], ["direct", "job"]),
  export_formats: listSetting("BENCH_EXPORT_FORMATS", ["csv", "xlsx"], ["csv", "xlsx"]),
  request_timeout_s: intSetting("BENCH_REQUEST_TIMEOUT", 1200),
  layer_probe: process.env.BENCH_LAYER_PROBE !== "0",
  seed: intSetting("BENCH_SEED", 1, 0),
};
// Lifted so that the direct route streams the whole 30 days (its default, 100,000 rows, answers 413 above that).
const EXPORT_DIRECT_MAX_ROWS_LIFTED = 100_000_000;

const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);
const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/** Index into a cumulative weight array (binary search): a draw from the weights' distribution. */
function pick(cdf, x) {
  let lo = 0;
  let hi = cdf.length - 1;
  const target = x * cdf[hi];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulative(weights) {
  const cdf = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) cdf[i] = s += weights[i];
  return cdf;
}

const weighted = (entries) => ({ values: entries.map((e) => e[0]), cdf: cumulative(entries.map((e) => e[1])) });
const draw = (w, r) => w.values[pick(w.cdf, r())];

// ---------------------------------------------------------------------------------------------------------------------
// Seed: users arriving over the window, activity that decays to a plateau, sessions of generic product events.

const EVENT_COLUMNS = [
  "event_id", "project_id", "event_name", "occurred_at", "received_at", "user_id", "user_identified", "client_session_id",
  "request_id", "resource_type", "resource_id", "decision_id", "policy_id", "src", "context", "properties", "country",
  "browser", "os", "device_type",
];

// Three kinds of user: the chance of coming back d days after the first day is floor + (r0 − floor)·e^(−d/τ).
const RETURN_TAU_DAYS = 14;
// Tuned for a product-analytics shape: about 45 % of a cohort back in its first week, 15–20 % by week 11.
const USER_KINDS = [
  { kind: "casual", share: 0.5, r0: 0.06, floor: 0.003, intensity: 0.7 },
  { kind: "regular", share: 0.38, r0: 0.2, floor: 0.03, intensity: 1 },
  { kind: "power", share: 0.12, r0: 0.5, floor: 0.15, intensity: 1.8 },
];
const WEEKEND_FACTOR = 0.7;
// Session starts by UTC hour (the project's zone): quiet nights, a long busy day, an evening peak.
const HOUR_WEIGHTS = [1, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.5, 3, 3.2, 3.3, 3.3, 3.2, 3.1, 3.1, 3.2, 3.4, 3.6, 3.8, 3.6, 3, 2.2, 1.5];
const MEAN_EVENT_GAP_MS = 45_000;
// After a session's first page_view (names from the default registry, src/projects/default-event-names.ts).
const NEXT_EVENT = weighted([
  ["page_view", 45], ["button_click", 25], ["search_query", 8], ["video_play", 9], ["form_submit", 6], ["course_complete", 4], ["error_occurred", 3],
]);
const COUNTRIES = weighted([["BR", 35], ["US", 20], ["PT", 8], ["MX", 7], ["AR", 5], ["DE", 5], ["GB", 5], ["IN", 5], ["FR", 4], ["ES", 3], ["CO", 3]]);
const DEVICES = weighted([
  [{ device_type: "mobile", browser: "Chrome", os: "Android" }, 33],
  [{ device_type: "mobile", browser: "Mobile Safari", os: "iOS" }, 22],
  [{ device_type: "desktop", browser: "Chrome", os: "Windows" }, 18],
  [{ device_type: "desktop", browser: "Edge", os: "Windows" }, 6],
  [{ device_type: "desktop", browser: "Firefox", os: "Windows" }, 4],
  [{ device_type: "desktop", browser: "Chrome", os: "Mac OS" }, 6],
  [{ device_type: "desktop", browser: "Safari", os: "Mac OS" }, 4],
  [{ device_type: "desktop", browser: "Chrome", os: "Linux" }, 2],
  [{ device_type: "tablet", browser: "Mobile Safari", os: "iOS" }, 5],
]);
const PATHS = ["/", "/courses", "/courses/{id}", "/courses/{id}/lessons/{n}", "/search", "/pricing", "/account", "/checkout", "/blog/{n}", "/help"];
const TITLES = ["Home", "Courses, all levels", "Course overview", "Lesson", "Search results", "Pricing & plans", "My account", "Checkout", "Blog", "Help centre"];
const BUTTONS = ["enroll", "play", "next_lesson", "save", "share", "filter", "subscribe", "download_notes"];
const FORMS = ["signup", "contact", "checkout", "feedback", "profile"];
const ERRORS = [
  ["E_NETWORK", "Request failed, retrying"],
  ["E_TIMEOUT", "The server took too long to answer"],
  ["E_PAYMENT_DECLINED", "Card declined: \"insufficient funds\""],
  ["E_UPLOAD", "Upload failed (413)"],
];
const SCREENS = { page_view: "page", button_click: "page", search_query: "search", video_play: "player", form_submit: "form", course_complete: "player", error_occurred: "page" };

/** An event's properties (JSON) and, for course events, the course it is about. */
function propertiesFor(name, r) {
  const course = 1 + Math.floor(r() ** 2 * 400); // a few popular courses, a long tail
  switch (name) {
    case "page_view": {
      const i = Math.floor(r() * PATHS.length);
      return { json: JSON.stringify({ path: PATHS[i].replace("{id}", String(course)).replace("{n}", String(1 + Math.floor(r() * 30))), title: TITLES[i] }), course: null };
    }
    case "button_click":
      return { json: JSON.stringify({ button: BUTTONS[Math.floor(r() * BUTTONS.length)], path: `/courses/${course}` }), course: null };
    case "search_query":
      return { json: JSON.stringify({ query_length: 3 + Math.floor(r() * 28), results: Math.floor(r() * 200) }), course: null };
    case "video_play":
      return { json: JSON.stringify({ video_id: `v-${course}-${1 + Math.floor(r() * 30)}`, position_s: Math.floor(r() * 900), quality: r() < 0.7 ? "720p" : "1080p" }), course };
    case "form_submit":
      return { json: JSON.stringify({ form: FORMS[Math.floor(r() * FORMS.length)], fields: 2 + Math.floor(r() * 7) }), course: null };
    case "course_complete":
      return { json: JSON.stringify({ course_id: course, score: 50 + Math.floor(r() * 51), duration_min: 20 + Math.floor(r() * 400) }), course };
    case "error_occurred": {
      const [code, message] = ERRORS[Math.floor(r() * ERRORS.length)];
      return { json: JSON.stringify({ code, message }), course: null };
    }
    default:
      return { json: null, course: null };
  }
}

/**
 * Who is active when, and how many events each active day has: users, then (user, day) slots, then exactly
 * `settings.events` events spread over the slots by the users' intensity, placed in 1–3 daytime sessions.
 */
function generateActivity(r, asOf) {
  const { users: U, events: N, days: D } = settings;
  if (N < U) throw new Error(`BENCH_EVENTS (${N}) must be at least BENCH_USERS (${U}): every user has a first event`);
  const day0 = asOf - D * DAY_MS;
  const weekday = (d) => {
    const dow = new Date(day0 + d * DAY_MS).getUTCDay();
    return dow === 0 || dow === 6 ? WEEKEND_FACTOR : 1;
  };
  // First days: twice as many newcomers at the end of the window as at its start, fewer at weekends.
  const startCdf = cumulative(Array.from({ length: D }, (_, d) => (1 + d / (D - 1)) * weekday(d)));
  const kindCdf = cumulative(USER_KINDS.map((k) => k.share));
  const start = new Int32Array(U);
  const kind = new Uint8Array(U);
  const intensity = new Float64Array(U);
  let slotUser = [];
  let slotDay = [];
  for (let u = 0; u < U; u++) {
    start[u] = pick(startCdf, r());
    kind[u] = pick(kindCdf, r());
    const k = USER_KINDS[kind[u]];
    // Log-normal spread of how much a user does on an active day.
    const gauss = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    intensity[u] = k.intensity * Math.exp(0.6 * gauss);
    for (let d = start[u]; d < D; d++) {
      const age = d - start[u];
      const p = (k.floor + (k.r0 - k.floor) * Math.exp(-age / RETURN_TAU_DAYS)) * weekday(d);
      if (age === 0 || r() < p) {
        slotUser.push(u);
        slotDay.push(d);
      }
    }
  }
  // Keep at least ~1.6 events per active day on average: thin later days when the event budget is small.
  const maxSlots = Math.max(U, Math.floor(N * 0.6));
  let thinned = 0;
  if (slotUser.length > maxSlots) {
    const keep = (maxSlots - U) / (slotUser.length - U);
    const su = [];
    const sd = [];
    for (let i = 0; i < slotUser.length; i++) {
      if (slotDay[i] === start[slotUser[i]] || r() < keep) {
        su.push(slotUser[i]);
        sd.push(slotDay[i]);
      } else thinned++;
    }
    slotUser = su;
    slotDay = sd;
  }
  const A = slotUser.length;
  const counts = new Int32Array(A).fill(1);
  const slotCdf = cumulative(slotUser.map((u) => intensity[u]));
  for (let e = A; e < N; e++) counts[pick(slotCdf, r())]++;

  // Events: time, user, session; then the time order they are inserted in.
  const hourCdf = cumulative(HOUR_WEIGHTS);
  const evTime = new Float64Array(N);
  const evUser = new Int32Array(N);
  const evSession = new Int32Array(N);
  const evFirst = new Uint8Array(N);
  let n = 0;
  let sessions = 0;
  for (let s = 0; s < A; s++) {
    const c = counts[s];
    const dayStart = day0 + slotDay[s] * DAY_MS;
    const k = Math.min(c, c <= 2 ? 1 : r() < 0.7 ? 1 : r() < 0.8 ? 2 : 3);
    for (let j = 0; j < k; j++) {
      const inSession = Math.floor(((j + 1) * c) / k) - Math.floor((j * c) / k);
      let t = dayStart + pick(hourCdf, r()) * 3_600_000 + Math.floor(r() * 3_600_000);
      for (let i = 0; i < inSession; i++) {
        evTime[n] = Math.min(t, dayStart + DAY_MS - 1);
        evUser[n] = slotUser[s];
        evSession[n] = sessions;
        evFirst[n] = i === 0 ? 1 : 0;
        n++;
        t += Math.floor(-Math.log(1 - r()) * MEAN_EVENT_GAP_MS) + 1;
      }
      sessions++;
    }
  }
  const order = new Uint32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  order.sort((a, b) => evTime[a] - evTime[b] || a - b);
  return { day0, start, kind, slots: A, thinned, sessions, evTime, evUser, evSession, evFirst, order };
}

/** Seeds the project and the events straight into the D1 file (the Worker is not running yet). */
function seed(file, asOf, defaultEventNames) {
  const db = new DatabaseSync(file);
  // Only for this connection: the file is a throwaway copy, and a crash here fails the run anyway.
  db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;");
  const missing = [
    ...missingRequiredColumns(db, "projects", ["id", "name", "created_at", "time_zone"]).map((c) => `projects.${c}`),
    ...missingRequiredColumns(db, "event_names", ["project_id", "name", "created_at"]).map((c) => `event_names.${c}`),
    ...missingRequiredColumns(db, "events", EVENT_COLUMNS).map((c) => `events.${c}`),
  ];
  if (missing.length) throw new Error(`The schema has required columns this benchmark does not seed: ${missing.join(", ")}; update bench/reports.mjs`);
  const registered = new Set(defaultEventNames.map((e) => e.name));
  const unknown = NEXT_EVENT.values.filter((n) => !registered.has(n));
  if (unknown.length) throw new Error(`Event names not in the snapshot's DEFAULT_EVENT_NAMES: ${unknown.join(", ")}`);

  const r = mulberry32(settings.seed);
  const t0 = performance.now();
  const a = generateActivity(r, asOf);
  const generatedMs = performance.now() - t0;

  const created = a.day0 - 30 * DAY_MS;
  db.prepare("INSERT INTO projects (id, name, created_at, time_zone) VALUES (?, ?, ?, 'UTC')").run(PROJECT_ID, "Benchmark", created);
  const insertName = db.prepare("INSERT INTO event_names (project_id, name, description, created_at) VALUES (?, ?, ?, ?)");
  for (const e of defaultEventNames) insertName.run(PROJECT_ID, e.name, e.description, created);

  // Per user: id, identified or not, country and device (a user keeps one device here).
  const profiles = Array.from({ length: settings.users }, () => {
    const device = draw(DEVICES, r);
    const app = device.device_type === "mobile" && r() < 0.25;
    return {
      id: `usr_${uuidFrom(r).replace(/-/g, "").slice(0, 20)}`,
      identified: r() < 0.75 ? 1 : 0,
      country: draw(COUNTRIES, r),
      src: app ? (device.os === "iOS" ? "ios" : "android") : "web",
      appVersion: `3.${Math.floor(r() * 4)}.${Math.floor(r() * 10)}`,
      ...device,
    };
  });
  const sessionId = (s) => {
    const rs = mulberry32((settings.seed * 2_654_435_761 + s) >>> 0);
    return uuidFrom(rs);
  };

  const insertEvent = db.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(", ")}) VALUES (${EVENT_COLUMNS.map(() => "?").join(", ")})`);
  const TX_ROWS = 50_000;
  const eventNames = {};
  const perDay = new Int32Array(settings.days);
  const tInsert = performance.now();
  db.exec("BEGIN");
  for (let i = 0; i < a.order.length; i++) {
    const e = a.order[i];
    const p = profiles[a.evUser[e]];
    const occurredAt = a.evTime[e];
    const name = a.evFirst[e] ? "page_view" : draw(NEXT_EVENT, r);
    eventNames[name] = (eventNames[name] ?? 0) + 1;
    perDay[Math.floor((occurredAt - a.day0) / DAY_MS)]++;
    // Most arrive within seconds; 2 % late (offline clients), up to an hour.
    const receivedAt = occurredAt + (r() < 0.02 ? Math.floor(r() * 3_600_000) : 30 + Math.floor(r() * 1500));
    const props = propertiesFor(name, r);
    insertEvent.run(
      uuidFrom(r), PROJECT_ID, name, occurredAt, receivedAt, p.id, p.identified, sessionId(a.evSession[e]),
      null, props.course === null ? null : "course", props.course === null ? null : `course-${props.course}`, null, null, p.src,
      JSON.stringify({ screen: SCREENS[name], app_version: p.appVersion }), props.json, p.country, p.browser, p.os, p.device_type,
    );
    if ((i + 1) % TX_ROWS === 0) db.exec("COMMIT; BEGIN");
  }
  db.exec("COMMIT");
  const insertMs = performance.now() - tInsert;
  const journal = db.prepare("PRAGMA journal_mode").get();
  db.close(); // checkpoints the WAL, so the Worker opens a complete file
  const byKind = {};
  for (let u = 0; u < settings.users; u++) byKind[USER_KINDS[a.kind[u]].kind] = (byKind[USER_KINDS[a.kind[u]].kind] ?? 0) + 1;
  return {
    users: settings.users,
    events: a.order.length,
    days: settings.days,
    window: [new Date(a.day0).toISOString(), new Date(asOf).toISOString()],
    users_by_kind: byKind,
    return_model: { tau_days: RETURN_TAU_DAYS, kinds: USER_KINDS, weekend_factor: WEEKEND_FACTOR, arrivals: "first days weighted 1 → 2 over the window, × weekend factor" },
    active_user_days: a.slots,
    active_user_days_thinned: a.thinned,
    sessions: a.sessions,
    events_per_active_day: round(a.order.length / a.slots, 2),
    events_by_name: eventNames,
    events_per_day: { first: perDay[0], middle: perDay[Math.floor(settings.days / 2)], last: perDay[settings.days - 1], min: Math.min(...perDay), max: Math.max(...perDay) },
    generate_s: seconds(generatedMs),
    insert_s: seconds(insertMs),
    seconds: seconds(performance.now() - t0),
    rows_per_s: Math.round((a.order.length * 1000) / insertMs),
    journal_mode: Object.values(journal ?? {})[0] ?? null,
    file_mb: round(fs.statSync(file).size / 2 ** 20, 1),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Floors: hand-written SQL over the same file in node:sqlite (SQLite alone: no Worker, no D1 binding, no JSON round
// trips). Repeated; the median is the figure, the samples are kept.

const planOf = (db, sql, ...binds) => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...binds).map((r) => r.detail);

// INDEXED BY: left to itself (no ANALYZE statistics), SQLite answers count(DISTINCT user_id) by walking the project's
// whole (project_id, user_id, occurred_at) index, every event ever, in user order; the day's range of
// (project_id, occurred_at) is a few thousand rows. Hand-written SQL gets the index a person would pick.
const DAU_FLOOR_SQL = `SELECT count(DISTINCT user_id) AS dau FROM events INDEXED BY events_project_occurred
 WHERE project_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3 AND user_id IS NOT NULL`;

/** Monday (a day number) of an epoch-ms expression, in UTC: day 0, 1970-01-01, was a Thursday. */
const mondaySql = (ms) => `(${ms} / ${DAY_MS} - (${ms} / ${DAY_MS} + 3) % 7)`;

/**
 * One row per cohort week: its size and, for k = 1 … N, how many of its users were active in ISO week k after it,
 * and how many came back at all. first_seen = a user's first event ever; UTC weeks (the seeded project's zone).
 * CROSS JOIN keeps SQLite's join order (members first), so each member's events come from the covering
 * (project_id, user_id, occurred_at) index rather than from a scan of every event by time.
 */
const cohortFloorSql = (weeks) => `
WITH members AS (
  SELECT user_id, min(occurred_at) AS at, ${mondaySql("min(occurred_at)")} AS cohort_day FROM events
   WHERE project_id = ?1 AND user_id IS NOT NULL GROUP BY user_id HAVING at BETWEEN ?2 AND ?3),
activity AS (
  SELECT m.user_id, m.cohort_day, (${mondaySql("e.occurred_at")} - m.cohort_day) / 7 AS k
    FROM members AS m CROSS JOIN events AS e ON e.project_id = ?1 AND e.user_id = m.user_id AND e.occurred_at >= m.at AND e.occurred_at <= ?4),
per_user AS (
  SELECT user_id, cohort_day, ${Array.from({ length: weeks }, (_, i) => `max(k = ${i + 1}) AS w${i + 1}`).join(", ")}, max(k BETWEEN 1 AND ${weeks}) AS w_any
    FROM activity GROUP BY user_id)
SELECT cohort_day, count(*) AS cohort_size, ${Array.from({ length: weeks }, (_, i) => `sum(w${i + 1}) AS w${i + 1}`).join(", ")}, sum(w_any) AS returned
  FROM per_user GROUP BY cohort_day ORDER BY cohort_day`;

const EXPORT_COLUMNS = [
  "event_id", "event_name", "occurred_at", "received_at", "user_id", "user_identified", "client_session_id", "request_id",
  "resource_type", "resource_id", "decision_id", "policy_id", "src", "country", "browser", "os", "device_type", "context", "properties",
];
const EXPORT_FLOOR_SQL = `SELECT ${EXPORT_COLUMNS.join(", ")} FROM events
 WHERE project_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3 ORDER BY occurred_at, event_id`;

function dauFloor(db, day) {
  const stmt = db.prepare(DAU_FLOOR_SQL);
  const t = timeRepeated(settings.floor_repeats, () => Number(stmt.get(PROJECT_ID, day.start, day.end).dau));
  return { sql: DAU_FLOOR_SQL, plan: planOf(db, DAU_FLOOR_SQL, PROJECT_ID, day.start, day.end), dau: t.last, ms_median: t.ms_median, ms_min: t.ms_min, ms_samples: t.ms_samples };
}

const DOW_DATE = (day) => isoDate(day * DAY_MS);
/** ISO week "YYYY-Www" of a date: the week-year is the year of that week's Thursday. */
function isoWeekOf(dayNumber) {
  const monday = dayNumber - ((((dayNumber + 3) % 7) + 7) % 7);
  const thursday = new Date((monday + 3) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((monday + 3 - Date.UTC(year, 0, 1) / DAY_MS) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}
const percent = (part, whole) => Math.round((part * 1000) / whole) / 10;

/** The cohort report from the floor's rows: percentages, and null for weeks that had not ended by `now`. */
function cohortReportFrom(rows, weeks, now) {
  let eligible = 0;
  let returned = 0;
  let total = 0;
  const cohorts = rows.map((row) => {
    const size = Number(row.cohort_size);
    total += size;
    const weekOver = (k) => now >= (row.cohort_day + 7 * (k + 1)) * DAY_MS;
    const c = { cohort_period: isoWeekOf(row.cohort_day), cohort_start: DOW_DATE(row.cohort_day), cohort_size: size, retention_week_0: 100 };
    for (let k = 1; k <= weeks; k++) c[`retention_week_${k}`] = weekOver(k) ? percent(Number(row[`w${k}`]), size) : null;
    if (weekOver(1)) {
      eligible += size;
      returned += Number(row.returned);
    }
    return c;
  });
  return { time_zone: "UTC", weeks, cohorts, overall_retention_rate: eligible === 0 ? 0 : percent(returned, eligible), retention_eligible_users: eligible, total_users_analyzed: total };
}

function cohortFloor(db, q) {
  const sql = cohortFloorSql(q.weeks);
  const stmt = db.prepare(sql);
  const t = timeRepeated(settings.floor_repeats, () => {
    const now = Date.now();
    return { now, report: cohortReportFrom(stmt.all(PROJECT_ID, q.start, q.end, now), q.weeks, now) };
  });
  return { sql: sql.trim(), plan: planOf(db, sql, PROJECT_ID, q.start, q.end, Date.now()), ms_median: t.ms_median, ms_min: t.ms_min, ms_samples: t.ms_samples, now: t.last.now, report: t.last.report };
}

// CSV by RFC 4180 with the spreadsheet-formula neutralising the product documents (OWASP's list + full-width forms),
// so that the floor's bytes can be compared with the route's.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const NEEDS_QUOTES = /[",\r\n]/;
function csvField(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const text = FORMULA_START.test(v) ? `'${v}` : v;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
const TIME_INDEXES = ["occurred_at", "received_at"].map((c) => EXPORT_COLUMNS.indexOf(c));

/** The export's SELECT, prepared to hand rows over as arrays in column order (node:sqlite ≥ 22.16), else objects. */
function exportStatement(db) {
  const stmt = db.prepare(EXPORT_FLOOR_SQL);
  if (typeof stmt.setReturnArrays === "function") {
    stmt.setReturnArrays(true);
    return { stmt, values: (row) => row };
  }
  return { stmt, values: (row) => Object.values(row) };
}

/** A row's cells as the export writes them: times as ISO-8601 UTC, everything else as stored. */
function exportCells(values) {
  for (const i of TIME_INDEXES) values[i] = new Date(values[i]).toISOString();
  return values;
}

/** The SELECT alone: every row iterated into JS. */
function exportSelectOnly(db, range) {
  const { stmt } = exportStatement(db);
  const t = timeRepeated(settings.floor_repeats, () => {
    let rows = 0;
    for (const _ of stmt.iterate(PROJECT_ID, range.start, range.end)) rows++;
    return rows;
  });
  return { rows: t.last, ms_median: t.ms_median, ms_min: t.ms_min, ms_samples: t.ms_samples };
}

/** The SELECT, materialised to CSV text (header + CRLF records), as strings of ~1,000 rows. */
function csvFloor(db, range) {
  const { stmt, values } = exportStatement(db);
  const header = `${EXPORT_COLUMNS.join(",")}\r\n`;
  const t = timeRepeated(settings.floor_repeats, () => {
    const chunks = [header];
    let lines = [];
    let rows = 0;
    for (const row of stmt.iterate(PROJECT_ID, range.start, range.end)) {
      lines.push(exportCells(values(row)).map(csvField).join(","));
      if (++rows % 1000 === 0) {
        chunks.push(`${lines.join("\r\n")}\r\n`);
        lines = [];
      }
    }
    if (lines.length) chunks.push(`${lines.join("\r\n")}\r\n`);
    return { rows, chunks };
  });
  const hash = createHash("sha256");
  let bytes = 0;
  for (const c of t.last.chunks) {
    const b = Buffer.from(c, "utf8");
    hash.update(b);
    bytes += b.length;
  }
  return { rows: t.last.rows, bytes, sha256: hash.digest("hex"), chunks: t.last.chunks, ms_median: t.ms_median, ms_min: t.ms_min, ms_samples: t.ms_samples };
}

// A minimal XLSX: one sheet of inline strings (numbers as numbers, nulls left out), deflate level 6 — what the format
// needs and no more. The parts are the smallest set Excel and LibreOffice open.
const xmlEscape = (s) => s.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
const colLetter = (i) => (i < 26 ? String.fromCharCode(65 + i) : String.fromCharCode(64 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26)));
const XLSX_STATIC = {
  "[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
  "_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  "xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="events" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  "xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
};

function xlsxFloor(db, range) {
  const { stmt, values } = exportStatement(db);
  const letters = EXPORT_COLUMNS.map((_, i) => colLetter(i));
  const cell = (ref, v) => {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return `<c r="${ref}"><v>${v}</v></c>`;
    return `<c r="${ref}" t="inlineStr"><is><t>${xmlEscape(v)}</t></is></c>`;
  };
  const stored = Object.entries(XLSX_STATIC).map(([name, xml]) => {
    const data = Buffer.from(xml, "utf8");
    return { name, method: 0, data, size: data.length, crc: zlib.crc32(data) };
  });
  const t = timeRepeated(settings.floor_repeats, () => {
    const chunks = [];
    let crc = 0;
    let size = 0;
    const push = (text) => {
      const b = Buffer.from(text, "utf8");
      crc = zlib.crc32(b, crc);
      size += b.length;
      chunks.push(b);
    };
    push(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">${EXPORT_COLUMNS.map((c, i) => cell(`${letters[i]}1`, c)).join("")}</row>`);
    let parts = [];
    let n = 1;
    for (const row of stmt.iterate(PROJECT_ID, range.start, range.end)) {
      n++;
      const cells = exportCells(values(row));
      for (let i = 0; i < cells.length; i++) cells[i] = cell(`${letters[i]}${n}`, cells[i]);
      parts.push(`<row r="${n}">${cells.join("")}</row>`);
      if (n % 1000 === 0) {
        push(parts.join(""));
        parts = [];
      }
    }
    push(`${parts.join("")}</sheetData></worksheet>`);
    const sheet = zlib.deflateRawSync(Buffer.concat(chunks), { level: 6 });
    const file = zipOf([...stored, { name: "xl/worksheets/sheet1.xml", method: 8, data: sheet, size, crc }]);
    return { rows: n - 1, bytes: file.length, xml_bytes: size };
  });
  return { rows: t.last.rows, bytes: t.last.bytes, sheet_xml_bytes: t.last.xml_bytes, ms_median: t.ms_median, ms_min: t.ms_min, ms_samples: t.ms_samples };
}

/** The export's event ids in order, hashed: what the XLSX files are checked against. */
function exportIdsDigest(db, range) {
  const hash = createHash("sha256");
  let rows = 0;
  for (const row of db.prepare(`SELECT event_id FROM events WHERE project_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3 ORDER BY occurred_at, event_id`).iterate(PROJECT_ID, range.start, range.end)) {
    hash.update(`${row.event_id}\n`);
    rows++;
  }
  return { rows, sha256: hash.digest("hex") };
}

// ---------------------------------------------------------------------------------------------------------------------
// The routes' own SQL in node:sqlite: the statements the Worker sends to D1 (copied from the snapshot and checked
// against it), without the Worker, the D1 binding or the JSON round trip. Not a floor: where a ratio comes from.

const ROUTE_DAU_SQL = {
  // distinctUsers' count (DISTINCT_USERS_SQL in daily-metrics.ts, its ?3/?4 renumbered ?2/?3 here)
  dau: "SELECT count(DISTINCT user_id) AS n FROM events INDEXED BY events_project_occurred WHERE project_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3 AND user_id IS NOT NULL",
  new_users: `SELECT count(*) AS n FROM (SELECT user_id, min(occurred_at) AS first FROM events
          WHERE project_id = ?1 AND user_id IS NOT NULL AND occurred_at < ?3 GROUP BY user_id) WHERE first >= ?2`,
  events_by_name: "SELECT event_name, count(*) AS n FROM events WHERE project_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3 GROUP BY event_name",
};
const ROUTE_COHORT_USERS_SQL = `SELECT user_id, min(occurred_at) AS cohort_at FROM events
          WHERE project_id = ?1 AND user_id IS NOT NULL AND (?4 IS NULL OR event_name = ?4) GROUP BY user_id HAVING cohort_at BETWEEN ?2 AND ?3`;
const ROUTE_COHORT_ACTIVITY_SQL = `WITH cohort AS (${ROUTE_COHORT_USERS_SQL})
           SELECT DISTINCT e.user_id, (e.occurred_at / 900000) * 900000 AS active_at
             FROM events AS e JOIN cohort AS c ON c.user_id = e.user_id
            WHERE e.project_id = ?1 AND e.occurred_at >= c.cohort_at AND e.occurred_at < ?5`;
// After the first page the route binds ?2 = max(range start, cursor's occurred_at): the cursor is the index range's
// lower bound (sources.ts).
const ROUTE_EXPORT_PAGE_SQL = (after) =>
  `SELECT ${EXPORT_COLUMNS.join(", ")} FROM events WHERE project_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3${after ? " AND (occurred_at > ?4 OR event_id > ?5)" : ""} ORDER BY occurred_at, event_id LIMIT ?${after ? 6 : 4}`;

function routeSqlMatches(appDir) {
  const norm = (s) => s.replace(/\s+/g, " ").trim();
  const read = (rel) => norm(fs.readFileSync(path.join(appDir, "src", rel), "utf8"));
  const daily = read("reports/daily-metrics.ts");
  // The cohort statements live in load-cohorts.ts (shared with the cohorts export), earlier in cohort-routes.ts.
  const cohorts = ["reports/load-cohorts.ts", "reports/cohort-routes.ts"].filter((rel) => fs.existsSync(path.join(appDir, "src", rel))).map(read).join(" ");
  const sources = fs.existsSync(path.join(appDir, "src/reports/exports/sources.ts")) ? read("reports/exports/sources.ts") : "";
  // What dauOf runs on a day with no rollup: computeDailyMetrics (all five metrics, the first version) or only
  // distinctUsers (since 0036fe9). The replay times whichever the snapshot does.
  const activity = fs.existsSync(path.join(appDir, "src/reports/activity.ts")) ? read("reports/activity.ts") : "";
  const dauOf = activity.slice(activity.indexOf("export async function dauOf"), activity.indexOf("export function periodStart"));
  const dauRaw = /computeDailyMetrics\(/.test(dauOf) ? "computeDailyMetrics" : /distinctUsers\(|DISTINCT_USERS_SQL/.test(dauOf) ? "distinctUsers" : "unknown";
  return {
    dau_raw_runs: dauRaw,
    dau_queries:
      daily.includes(norm(ROUTE_DAU_SQL.dau).replace("AS n ", "").replace("?2 AND occurred_at < ?3", "?3 AND occurred_at < ?4")) &&
      [ROUTE_DAU_SQL.new_users, ROUTE_DAU_SQL.events_by_name].every((s) => daily.includes(norm(s))),
    // wau and mau are the dau query over 7 and 30 days: computeDailyMetrics runs distinctUsers three times.
    distinct_users_three_times: dauRaw !== "computeDailyMetrics" || (daily.match(/distinctUsers\(d1, projectId/g) ?? []).length === 3,
    cohort_users: cohorts.includes(norm(ROUTE_COHORT_USERS_SQL)),
    cohort_activity: cohorts.includes("SELECT DISTINCT e.user_id, (e.occurred_at / ${ACTIVITY_BUCKET_MS}) * ${ACTIVITY_BUCKET_MS} AS active_at") && /ACTIVITY_BUCKET_MS = 15 \* 60_000/.test(cohorts),
    export_page: sources.includes("ORDER BY occurred_at, event_id LIMIT") && sources.includes("binds[1] = Math.max(q.start, Number(after[0]));") && sources.includes("AND (occurred_at > ?${a} OR event_id > ?${a + 1})"),
  };
}

function routeSqlReplay(db, { day, cohort, range, pageRows, dauRaw }) {
  const out = {};
  // Each statement twice, the faster kept: like the API's repeated calls, a warm page cache.
  const time = (fn) => {
    let best = Infinity;
    let v;
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      v = fn();
      best = Math.min(best, performance.now() - t0);
    }
    return { ms: round(best, 1), v };
  };
  // DAU from raw events: distinctUsers over the day, or computeDailyMetrics's five statements (dau, wau, mau,
  // new_users, events by name), as the snapshot's dauOf does.
  const dauStmt = db.prepare(ROUTE_DAU_SQL.dau);
  const parts = { dau: time(() => dauStmt.get(PROJECT_ID, day.start, day.end)) };
  if (dauRaw === "computeDailyMetrics") {
    parts.wau = time(() => dauStmt.get(PROJECT_ID, day.start - 6 * DAY_MS, day.end));
    parts.mau = time(() => dauStmt.get(PROJECT_ID, day.start - 29 * DAY_MS, day.end));
    parts.new_users = time(() => db.prepare(ROUTE_DAU_SQL.new_users).get(PROJECT_ID, day.start, day.end));
    parts.events_by_name = time(() => db.prepare(ROUTE_DAU_SQL.events_by_name).all(PROJECT_ID, day.start, day.end));
  }
  out.dau_raw = {
    route_runs: dauRaw,
    total_ms: round(Object.values(parts).reduce((s, p) => s + p.ms, 0), 1),
    ms_by_statement: Object.fromEntries(Object.entries(parts).map(([k, p]) => [k, p.ms])),
    plans: { dau: planOf(db, ROUTE_DAU_SQL.dau, PROJECT_ID, 0, 0), new_users: planOf(db, ROUTE_DAU_SQL.new_users, PROJECT_ID, 0, 0) },
  };
  out.dau_rollup = (() => {
    const t = time(() => db.prepare("SELECT date, dimensions, value FROM metrics WHERE project_id = ?1 AND metric_name = ?2 AND date >= ?3 AND date <= ?4").all(PROJECT_ID, "dau", day.date, day.date));
    return { total_ms: t.ms, rows: t.v.length, note: "the metrics lookup; empty until the Worker's rollup has run, so timed on the empty table here" };
  })();
  // Cohorts: the batch's two statements, every row to JS.
  const now = Date.now();
  const cap = Math.min(now, cohort.end + (cohort.weeks + 2) * WEEK_MS);
  const users = time(() => db.prepare(ROUTE_COHORT_USERS_SQL).all(PROJECT_ID, cohort.start, cohort.end, null));
  const activity = time(() => db.prepare(ROUTE_COHORT_ACTIVITY_SQL).all(PROJECT_ID, cohort.start, cohort.end, null, cap));
  out.cohorts = {
    total_ms: round(users.ms + activity.ms, 1),
    ms_by_statement: { users: users.ms, activity: activity.ms },
    rows: { users: users.v.length, activity: activity.v.length },
    plans: { activity: planOf(db, ROUTE_COHORT_ACTIVITY_SQL, PROJECT_ID, 0, 0, null, 0) },
  };
  // Exports: the count, then the keyset pages of pageRows rows each (the encoders are not run here).
  const count = time(() => db.prepare("SELECT count(*) AS n FROM events WHERE project_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3").get(PROJECT_ID, range.start, range.end));
  const first = db.prepare(ROUTE_EXPORT_PAGE_SQL(false));
  const next = db.prepare(ROUTE_EXPORT_PAGE_SQL(true));
  const t0 = performance.now();
  let pages = 0;
  let rows = 0;
  let after = null;
  const pageMs = [];
  for (;;) {
    const tp = performance.now();
    const page = after ? next.all(PROJECT_ID, Math.max(range.start, after[0]), range.end, after[0], after[1], pageRows) : first.all(PROJECT_ID, range.start, range.end, pageRows);
    pageMs.push(performance.now() - tp);
    pages++;
    rows += page.length;
    if (page.length < pageRows) break;
    const last = page[page.length - 1];
    after = [last.occurred_at, last.event_id];
  }
  const totalMs = count.ms + performance.now() - t0;
  // A keyset page should cost the same wherever it starts; if the cursor is not the index range's lower bound,
  // page k re-reads the k − 1 pages before it and the pages grow slower along the range.
  const tenth = Math.max(1, Math.floor(pageMs.length / 10));
  const meanOf = (xs) => round(xs.reduce((a, b) => a + b, 0) / xs.length, 2);
  // The same pages the way the route read them before the cursor became the lower bound (bound ?2 = the range start).
  const cursorBound = db.prepare(ROUTE_EXPORT_PAGE_SQL(true).replace("AND (occurred_at > ?4", "AND occurred_at >= ?4 AND (occurred_at > ?4"));
  const t1 = performance.now();
  let altRows = 0;
  after = null;
  for (;;) {
    const page = after ? cursorBound.all(PROJECT_ID, range.start, range.end, after[0], after[1], pageRows) : first.all(PROJECT_ID, range.start, range.end, pageRows);
    altRows += page.length;
    if (page.length < pageRows) break;
    const last = page[page.length - 1];
    after = [last.occurred_at, last.event_id];
  }
  const altMs = performance.now() - t1;
  out.export_pages = {
    total_ms: round(totalMs, 1),
    count_ms: count.ms,
    page_rows: pageRows,
    pages,
    rows,
    first_tenth_page_ms_mean: meanOf(pageMs.slice(0, tenth)),
    last_tenth_page_ms_mean: meanOf(pageMs.slice(-tenth)),
    plan: planOf(db, ROUTE_EXPORT_PAGE_SQL(true), PROJECT_ID, 0, 0, 0, "", 1),
    with_range_start_as_lower_bound: { note: "the route's pages before the cursor became the index range's lower bound: ?2 bound to the range start", ms: round(altMs, 1), rows: altRows, plan: planOf(db, cursorBound.sourceSQL, PROJECT_ID, 0, 0, 0, "", 1) },
  };
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Timed calls

/** Is a route there? A 404 that says "No route" is the app's notFound; any other answer is the route's. */
async function routeExists(worker, method, pathname, token) {
  const r = await worker.call(method, pathname, { token });
  let body = null;
  try {
    body = r.json();
  } catch {
    // not JSON: the route answered with a file
  }
  const missing = r.status === 404 && body?.error?.code === "not_found" && /No route/.test(body?.error?.message ?? "");
  return { exists: !missing, probe: `${method} ${pathname}`, status: r.status, body: body ?? `${r.bytes} bytes` };
}

// ---------------------------------------------------------------------------------------------------------------------
// Checks on the exported files

/** Records in RFC 4180 text (quotes respected), the header included. */
function csvRecords(buf) {
  let n = 0;
  let quoted = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x22) quoted = !quoted;
    else if (c === 0x0a && !quoted) n++;
  }
  return n;
}

function firstDifferentLine(buf, floorChunks) {
  const api = buf.toString("utf8").split("\r\n");
  const floor = floorChunks.join("").split("\r\n");
  for (let i = 0; i < Math.max(api.length, floor.length); i++) {
    if (api[i] !== floor[i]) return { line: i + 1, api: api[i]?.slice(0, 400) ?? null, floor: floor[i]?.slice(0, 400) ?? null };
  }
  return null;
}

function checkCsv(buf, floor) {
  const records = csvRecords(buf);
  const digest = sha256(buf);
  const bytesEqual = digest === floor.sha256;
  return {
    rows: records - 1,
    floor_rows: floor.rows,
    rows_equal: records - 1 === floor.rows,
    bytes: buf.length,
    floor_bytes: floor.bytes,
    bytes_equal: bytesEqual,
    first_difference: bytesEqual ? null : firstDifferentLine(buf, floor.chunks),
  };
}

/** Rows of an XLSX (every sheet), and their event ids (column A) in order, hashed like exportIdsDigest. */
function checkXlsx(buf, ids) {
  let files;
  try {
    files = unzipEntries(buf, (name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name));
  } catch (err) {
    return { readable: false, error: String(err), rows: null, floor_rows: ids.rows, rows_equal: false, order_equal: false };
  }
  const sheets = Object.keys(files).sort((a, b) => Number(/(\d+)\.xml$/.exec(a)[1]) - Number(/(\d+)\.xml$/.exec(b)[1]));
  const hash = createHash("sha256");
  let rows = 0;
  const CELL_A = /<c r="A(\d+)" t="inlineStr"><is><t>([^<]*)<\/t>/g;
  for (const name of sheets) {
    const data = files[name];
    const decoder = new TextDecoder();
    let carry = "";
    const STEP = 8 * 2 ** 20;
    for (let off = 0; off < data.length; off += STEP) {
      const text = carry + decoder.decode(data.subarray(off, Math.min(data.length, off + STEP)), { stream: off + STEP < data.length });
      let lastEnd = 0;
      CELL_A.lastIndex = 0;
      for (let m; (m = CELL_A.exec(text)); ) {
        if (m[1] === "1") continue; // a header row written without a style
        hash.update(`${m[2]}\n`);
        rows++;
        lastEnd = CELL_A.lastIndex;
      }
      carry = text.slice(Math.max(lastEnd, text.length - 400));
    }
  }
  const digest = hash.digest("hex");
  return { readable: true, sheets: sheets.length, rows, floor_rows: ids.rows, rows_equal: rows === ids.rows, order_equal: digest === ids.sha256, bytes: buf.length };
}

// ---------------------------------------------------------------------------------------------------------------------
// The measurements

async function timeExportDirect(worker, token, format, range) {
  const q = `/v1/reports/events?format=${format}&from=${range.from}&to=${range.to}&project=${PROJECT_ID}`;
  say(`GET ${q}`);
  const r = await worker.callOk("GET", q, { token, timeoutMs: settings.request_timeout_s * 1000 });
  return { route: `GET ${q}`, ...withoutBody(r), buf: r.buf };
}

async function timeExportJob(worker, token, format, range) {
  const body = { report_type: "events", format, from: range.from, to: range.to };
  say(`POST /v1/exports?project=${PROJECT_ID} ${JSON.stringify(body)}`);
  const cpuBefore = worker.cpu();
  const t0 = performance.now();
  const created = await worker.callOk("POST", `/v1/exports?project=${PROJECT_ID}`, { token, body });
  const { export_id: id } = created.json();
  let view = null;
  let polls = 0;
  const progress = [];
  let lastSay = Date.now();
  for (;;) {
    const r = await worker.callOk("GET", `/v1/exports/${encodeURIComponent(id)}?project=${PROJECT_ID}`, { token });
    polls++;
    view = r.json();
    if (progress.at(-1)?.rows !== view.rows) progress.push({ s: seconds(performance.now() - t0), status: view.status, rows: view.rows });
    if (view.status === "done" || view.status === "failed" || view.status === "expired") break;
    if (performance.now() - t0 > settings.request_timeout_s * 1000) throw new Error(`export ${id} not done after ${settings.request_timeout_s} s: ${JSON.stringify(view)}`);
    if (Date.now() - lastSay > 15_000) {
      say(`  ${seconds(performance.now() - t0)} s: ${view.status}, ${fmt(view.rows)} rows`);
      lastSay = Date.now();
    }
    await sleep(200);
  }
  const builtMs = performance.now() - t0;
  if (view.status !== "done") throw new Error(`export ${id} ended ${view.status}: ${view.error}`);
  // The signed link is absolute (from the request URL); only its path and query are used, against 127.0.0.1.
  const link = new URL(view.download_url);
  const download = await worker.callOk("GET", `${link.pathname}${link.search}`, { timeoutMs: settings.request_timeout_s * 1000 });
  const totalMs = performance.now() - t0;
  const cpu = cpuCores(cpuBefore, worker.cpu());
  let ledger = null;
  try {
    const { runs } = await worker.api("GET", "/v1/admin/jobs/runs?job=build_export&limit=500", token);
    const mine = runs.filter((x) => x.params?.export_id === id).reverse();
    ledger = {
      invocations: mine.length,
      failed: mine.filter((x) => x.status === "failed").length,
      busy_s: seconds(mine.reduce((s, x) => s + (x.duration_ms ?? 0), 0)),
      per_invocation: mine.map((x) => ({ trigger: x.trigger, status: x.status, duration_s: x.duration_ms === null ? null : seconds(x.duration_ms), rows_read: x.rows_read, message: x.message })),
    };
  } catch (err) {
    ledger = { error: String(err.message ?? err) };
  }
  return {
    route: `POST /v1/exports ${JSON.stringify(body)} → poll GET /v1/exports/:id → GET /v1/downloads/:id`,
    ms: round(totalMs, 1),
    build_ms: round(builtMs, 1),
    download_ms: download.ms,
    remote_calls: { create: created.remote_calls, download: download.remote_calls },
    polls,
    status: view.status,
    rows_reported: view.rows,
    file_size_bytes: view.file_size_bytes,
    bytes: download.bytes,
    content_type: download.content_type,
    progress,
    ledger,
    cpu_cores_used: cpu,
    buf: download.buf,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Report

function printReport(r) {
  const d = r.data;
  printHeader(r, `data: ${fmt(d.users)} users, ${fmt(d.events)} events over ${d.days} days before as_of ${r.as_of}; seeded in ${d.seconds} s (${fmt(d.rows_per_s)} rows/s inserted), file ${d.file_mb} MB`);
  const calls = (c) => (c ? `${c.sequential} (${c.breakdown || "none"})` : "—");
  const row = (label, a, f, ratio, remote, check) => console.log(`  ${label.padEnd(46)}${pad(a, 12)}${pad(f, 12)}${pad(ratio, 10)}  ${String(remote).padEnd(26)}${check ?? ""}`);
  row("", "API (ms)", "floor (ms)", "API/floor", "remote calls (by kind)", "answer vs floor");
  for (const m of r.measurements) row(m.label, m.api_ms, m.floor_ms, m.ratio, calls(m.remote_calls), m.check);
  console.log("  (remote calls: sequential, counted until the response headers; a streamed body's later D1 pages are not in it)");
  console.log("");
  const rs = r.route_sql_in_node_sqlite;
  if (rs) {
    console.log(`  the routes' own SQL in node:sqlite (no Worker): DAU raw (${rs.dau_raw.route_runs}) ${rs.dau_raw.total_ms} ms (${Object.entries(rs.dau_raw.ms_by_statement).map(([k, v]) => `${k} ${v}`).join(", ")}); ` +
      `cohorts ${rs.cohorts.total_ms} ms (users ${rs.cohorts.ms_by_statement.users}, activity ${rs.cohorts.ms_by_statement.activity}; ${fmt(rs.cohorts.rows.activity)} activity rows); ` +
      `export pages ${rs.export_pages.total_ms} ms (${rs.export_pages.pages} pages of ${rs.export_pages.page_rows}: first tenth ${rs.export_pages.first_tenth_page_ms_mean} ms a page, last tenth ${rs.export_pages.last_tenth_page_ms_mean} ms; ` +
      `${rs.export_pages.with_range_start_as_lower_bound.ms} ms with the range start as the index's lower bound, as before)`);
  }
  for (const note of r.notes) console.log(`  note: ${note}`);
  console.log(`  Worker warnings/errors: ${problemLines(r.worker_log) || "none"}; runtime error lines: ${r.worker_log?.runtime_error_lines ?? 0}`);
  if (r.checks.details.length) {
    console.log("");
    for (const m of r.checks.details) console.log(`  MISMATCH ${m}`);
  }
  console.log("");
}

// ---------------------------------------------------------------------------------------------------------------------

await runBenchmark({
  name: "reports",
  settings,
  async run(bench) {
    const asOf = Date.parse(settings.as_of);
    // What is asked: the last day before as_of; the 12 ISO weeks before as_of's week; the 30 days before as_of.
    const dauDate = isoDate(asOf - DAY_MS);
    const day = { date: dauDate, start: asOf - DAY_MS, end: asOf };
    const cohortStartMs = mondayUtc(asOf) - settings.cohort_weeks * WEEK_MS;
    const cohortEndMs = mondayUtc(asOf) - DAY_MS;
    const cohortBody = { start_date: isoDate(cohortStartMs), end_date: isoDate(cohortEndMs), cohort_type: "first_seen", weeks: settings.cohort_weeks };
    const cohortQ = { start: cohortStartMs, end: cohortEndMs + DAY_MS - 1, weeks: settings.cohort_weeks };
    const exportRange = { from: isoDate(asOf - settings.export_days * DAY_MS), to: dauDate, start: asOf - settings.export_days * DAY_MS, end: asOf };
    if (cohortStartMs < asOf - settings.days * DAY_MS) say(`note: the cohort range starts before the seeded window (BENCH_DAYS=${settings.days})`);

    const mismatches = [];
    const notes = [];
    const appTs = fs.readFileSync(path.join(bench.appDir, "src/app.ts"), "utf8");
    const exportsRegisteredInAppTs = /exports-routes/.test(appTs);
    const { DEFAULT_EVENT_NAMES } = await tsImport(pathToFileURL(path.join(bench.appDir, "src/projects/default-event-names.ts")).href, import.meta.url);
    const sqlMatches = routeSqlMatches(bench.appDir);
    if (Object.values(sqlMatches).includes(false) || sqlMatches.dau_raw_runs === "unknown") say(`note: the routes' SQL copied here no longer matches the snapshot's: ${JSON.stringify(sqlMatches)}`);

    await bench.migrate();
    const file = await bench.d1File("events");
    say(`seeding ${fmt(settings.users)} users and ${fmt(settings.events)} events over ${settings.days} days before ${settings.as_of} into ${path.relative(bench.tmp, file)}`);
    const data = seed(file, asOf, DEFAULT_EVENT_NAMES);
    say(`seeded in ${data.seconds} s (generate ${data.generate_s} s, insert ${data.insert_s} s: ${fmt(data.rows_per_s)} rows/s); file ${data.file_mb} MB; ${fmt(data.active_user_days)} active user-days, ${data.events_per_active_day} events each`);

    say(`floors in node:sqlite (median of ${settings.floor_repeats})`);
    const db = new DatabaseSync(file, { readOnly: true });
    const floors = {};
    floors.dau = dauFloor(db, day);
    say(`floor DAU ${dauDate}: ${fmt(floors.dau.dau)} users in ${floors.dau.ms_median} ms`);
    floors.cohorts = cohortFloor(db, cohortQ);
    say(`floor cohorts: ${floors.cohorts.report.cohorts.length} cohorts, ${fmt(floors.cohorts.report.total_users_analyzed)} users in ${floors.cohorts.ms_median} ms`);
    floors.export_select = exportSelectOnly(db, exportRange);
    floors.csv = settings.export_formats.includes("csv") ? csvFloor(db, exportRange) : null;
    floors.xlsx = settings.export_formats.includes("xlsx") ? xlsxFloor(db, exportRange) : null;
    const ids = exportIdsDigest(db, exportRange);
    say(`floor export ${exportRange.from} … ${exportRange.to}: ${fmt(floors.export_select.rows)} rows; SELECT ${floors.export_select.ms_median} ms` +
      `${floors.csv ? `, + CSV ${floors.csv.ms_median} ms (${round(floors.csv.bytes / 2 ** 20, 1)} MB)` : ""}${floors.xlsx ? `, + XLSX ${floors.xlsx.ms_median} ms (${round(floors.xlsx.bytes / 2 ** 20, 1)} MB)` : ""}`);
    const plans = {
      dau: floors.dau.plan,
      cohorts: floors.cohorts.plan,
      export: planOf(db, EXPORT_FLOOR_SQL, PROJECT_ID, exportRange.start, exportRange.end),
    };
    const routeSql = routeSqlReplay(db, { day, cohort: cohortQ, range: exportRange, pageRows: 500, dauRaw: sqlMatches.dau_raw_runs });
    routeSql.sql_matches_snapshot = sqlMatches;
    db.close();

    const worker = await bench.startWorker({
      REPORT_RATE_LIMIT_PER_MINUTE: "100000",
      ADMIN_RATE_LIMIT_PER_MINUTE: "100000",
      EXPORT_DIRECT_MAX_ROWS: String(EXPORT_DIRECT_MAX_ROWS_LIFTED),
      // /__bench/noop and the layer probe (bench build only)
      ENABLE_BENCH_ROUTES: "true",
    });
    const token = bench.secrets.adminToken;
    const logOffset = worker.logSize();
    // Warm the isolate, the auth path and the rate limiter without touching events.
    await worker.callOk("GET", `/v1/admin/projects/${PROJECT_ID}`, { token });
    const cpuApiStart = worker.cpu();

    const api = {};
    const measurements = [];
    const measure = (label, apiMs, floorMs, check, extra = {}) => measurements.push({ label, api_ms: apiMs, floor_ms: floorMs, ratio: apiMs && floorMs ? round(apiMs / floorMs, 1) : null, check, ...extra });

    // DAU, from raw events, then from the rollup.
    const dauPath = `/v1/reports/dau?date=${dauDate}&project=${PROJECT_ID}`;
    say(`GET ${dauPath} ×${settings.api_repeats} (no rollup yet)`);
    const raw = [];
    for (let i = 0; i < settings.api_repeats; i++) raw.push(await worker.callOk("GET", dauPath, { token }));
    const rawBody = raw.map((x) => x.json());
    say(`POST /v1/admin/jobs/rollup_daily_metrics {"params":{"project":"${PROJECT_ID}","date":"${dauDate}","days":1}}`);
    const rollup = await worker.callOk("POST", "/v1/admin/jobs/rollup_daily_metrics", { token, body: { params: { project: PROJECT_ID, date: dauDate, days: 1 } } });
    say(`GET ${dauPath} ×${settings.api_repeats} (after the rollup)`);
    const rolled = [];
    for (let i = 0; i < settings.api_repeats; i++) rolled.push(await worker.callOk("GET", dauPath, { token }));
    const rolledBody = rolled.map((x) => x.json());
    api.dau = {
      route: `GET ${dauPath}`,
      raw: { calls: raw.map(withoutBody), bodies: rawBody, first_ms: raw[0].ms, median_ms: round(median(raw.map((x) => x.ms)), 1) },
      rollup_job: { ...withoutBody(rollup), response: rollup.json() },
      rollup: { calls: rolled.map(withoutBody), bodies: rolledBody, first_ms: rolled[0].ms, median_ms: round(median(rolled.map((x) => x.ms)), 1) },
    };
    const dauCheck = (bodies, source) => {
      const bad = bodies.filter((b) => b.dau !== floors.dau.dau || b.source !== source);
      if (bad.length) mismatches.push(`DAU (${source}): API said ${JSON.stringify(bad.map((b) => ({ dau: b.dau, source: b.source })))}, floor ${floors.dau.dau}`);
      return bad.length ? `✗ ${bodies[0].dau} (${bodies[0].source}) vs ${floors.dau.dau}` : `✓ ${fmt(floors.dau.dau)} (source ${source})`;
    };
    const rawCheck = dauCheck(rawBody, "raw");
    measure("DAU, raw events: first call", api.dau.raw.first_ms, floors.dau.ms_median, rawCheck, { remote_calls: raw[0].remote_calls });
    measure(`DAU, raw events: median of ${settings.api_repeats}`, api.dau.raw.median_ms, floors.dau.ms_median, "");
    measure("  rollup_daily_metrics job (1 day)", rollup.ms, null, `${rollup.json().status}: ${rollup.json().message}`, { remote_calls: rollup.remote_calls });
    const rolledCheck = dauCheck(rolledBody, "rollup");
    measure("DAU, after the rollup: first call", api.dau.rollup.first_ms, floors.dau.ms_median, rolledCheck, { remote_calls: rolled[0].remote_calls });
    measure(`DAU, after the rollup: median of ${settings.api_repeats}`, api.dau.rollup.median_ms, floors.dau.ms_median, "");

    // Cohorts: cold (computed, stored in the Cache API), then warm.
    const cohortPath = `/v1/reports/cohorts?project=${PROJECT_ID}`;
    say(`POST ${cohortPath} ${JSON.stringify(cohortBody)} (cold, then warm)`);
    const cold = await worker.callOk("POST", cohortPath, { token, body: cohortBody });
    const warm = [];
    for (let i = 0; i < Math.max(1, settings.api_repeats - 1); i++) warm.push(await worker.callOk("POST", cohortPath, { token, body: cohortBody }));
    const coldBody = cold.json();
    api.cohorts = { route: `POST ${cohortPath}`, body: cohortBody, cold: withoutBody(cold), warm: warm.map(withoutBody), response: coldBody, warm_same_body: warm.every((w) => w.buf.equals(cold.buf)) };
    const floorReport = floors.cohorts.report;
    const sizes = (rep) => rep.cohorts.map((c) => [c.cohort_start, c.cohort_size]);
    const sizesEqual = JSON.stringify(sizes(coldBody)) === JSON.stringify(sizes(floorReport));
    const { cohort_type: _t, start_date: _s, end_date: _e, ...apiReport } = coldBody;
    const matrixEqual = JSON.stringify(apiReport) === JSON.stringify(floorReport);
    const nowCrossed = mondayUtc(floors.cohorts.now) !== mondayUtc(Date.now());
    if (!sizesEqual) mismatches.push(`cohort sizes: API ${JSON.stringify(sizes(coldBody))}, floor ${JSON.stringify(sizes(floorReport))}`);
    if (!matrixEqual) {
      const diffs = [];
      for (let i = 0; i < Math.max(coldBody.cohorts.length, floorReport.cohorts.length); i++) {
        if (JSON.stringify(coldBody.cohorts[i]) !== JSON.stringify(floorReport.cohorts[i])) diffs.push({ api: coldBody.cohorts[i] ?? null, floor: floorReport.cohorts[i] ?? null });
      }
      for (const k of ["overall_retention_rate", "retention_eligible_users", "total_users_analyzed", "time_zone", "weeks"]) {
        if (apiReport[k] !== floorReport[k]) diffs.push({ field: k, api: apiReport[k], floor: floorReport[k] });
      }
      api.cohorts.differences_from_floor = diffs.slice(0, 20);
      mismatches.push(`cohort matrix differs from the floor's in ${diffs.length} places${nowCrossed ? " (a week ended between the floor and the API call)" : ""}: ${JSON.stringify(diffs.slice(0, 3))}`);
    }
    if (warm[0].x_cache !== "HIT") notes.push(`the second cohorts call said X-Cache: ${warm[0].x_cache} (expected HIT)`);
    if (!api.cohorts.warm_same_body) mismatches.push("cohorts: a warm (cached) answer differs from the cold one");
    const cohortCheck = `${sizesEqual ? "✓" : "✗"} sizes (${coldBody.cohorts.length} cohorts, ${fmt(coldBody.total_users_analyzed)} users); matrix ${matrixEqual ? "✓" : "✗"}`;
    measure(`cohorts, ${settings.cohort_weeks} weeks: cold (X-Cache ${cold.x_cache})`, cold.ms, floors.cohorts.ms_median, cohortCheck, { remote_calls: cold.remote_calls });
    measure(`cohorts, ${settings.cohort_weeks} weeks: warm (X-Cache ${warm[0].x_cache})`, warm[0].ms, floors.cohorts.ms_median, "", { remote_calls: warm[0].remote_calls });

    // Exports: whichever routes the snapshot registers.
    const probeDay = isoDate(asOf + 7 * DAY_MS); // no events: a cheap answer when the route is there
    const probes = {
      direct: await routeExists(worker, "GET", `/v1/reports/events?format=csv&from=${probeDay}&to=${probeDay}&project=${PROJECT_ID}`, token),
      job: await routeExists(worker, "GET", `/v1/exports/bench-probe-no-such-export?project=${PROJECT_ID}`, token),
    };
    api.exports = { registered_in_app_ts: exportsRegisteredInAppTs, probes, runs: [] };
    say(`export routes: direct ${probes.direct.exists ? "present" : "absent"}, job ${probes.job.exists ? "present" : "absent"} (src/app.ts ${exportsRegisteredInAppTs ? "imports" : "does not import"} exports-routes)`);
    const exportRows = floors.export_select.rows;
    if (!probes.direct.exists && !probes.job.exists) {
      notes.push(`exports are not available in this snapshot: GET /v1/reports/events and /v1/exports answer 404 No route (src/app.ts ${exportsRegisteredInAppTs ? "imports" : "does not register"} src/reports/exports-routes.ts); floors measured only`);
    }
    for (const format of settings.export_formats) {
      const floor = format === "csv" ? floors.csv : floors.xlsx;
      for (const kind of settings.exports) {
        const label = `${settings.export_days}-day ${format.toUpperCase()} export, ${kind === "direct" ? "direct GET" : "POST /v1/exports job"}`;
        if (!probes[kind].exists) {
          measure(label, null, floor.ms_median, "route not available");
          continue;
        }
        let run;
        try {
          run = kind === "direct" ? await timeExportDirect(worker, token, format, exportRange) : await timeExportJob(worker, token, format, exportRange);
        } catch (err) {
          mismatches.push(`${label}: failed: ${String(err.message ?? err).slice(0, 500)}`);
          measure(label, null, floor.ms_median, "✗ failed");
          continue;
        }
        const check = format === "csv" ? checkCsv(run.buf, floors.csv) : checkXlsx(run.buf, ids);
        delete run.buf;
        api.exports.runs.push({ format, kind, ...run, check });
        let checkText;
        if (format === "csv") {
          checkText = `${check.rows_equal ? "✓" : "✗"} ${fmt(check.rows)} rows; bytes ${check.bytes_equal ? "identical" : "differ"}`;
          if (!check.rows_equal) mismatches.push(`${label}: ${check.rows} rows, floor ${check.floor_rows}`);
          if (!check.bytes_equal) mismatches.push(`${label}: bytes differ from the floor's CSV (${check.bytes} vs ${check.floor_bytes}); first different line ${JSON.stringify(check.first_difference)}`);
        } else {
          checkText = `${check.rows_equal ? "✓" : "✗"} ${fmt(check.rows)} rows; order ${check.order_equal ? "✓" : "✗"}`;
          if (!check.rows_equal || !check.order_equal) mismatches.push(`${label}: ${check.rows} rows (floor ${check.floor_rows}), event order ${check.order_equal ? "equal" : "different"}${check.error ? `; ${check.error}` : ""}`);
        }
        measure(label, run.ms, floor.ms_median, checkText, kind === "job" ? { build_ms: run.build_ms, download_ms: run.download_ms, invocations: run.ledger?.invocations, remote_calls: run.remote_calls.create } : { headers_ms: run.headers_ms, remote_calls: run.remote_calls });
        say(`${label}: ${seconds(run.ms)} s, ${round(run.bytes / 2 ** 20, 1)} MB; ${checkText}`);
      }
    }
    if (exportRows > 100_000 && settings.exports.includes("direct")) {
      notes.push(`the direct export streamed ${fmt(exportRows)} rows with EXPORT_DIRECT_MAX_ROWS lifted; at the default (100,000) this range answers 413 and must go through POST /v1/exports`);
    }
    notes.push("floors ran first on the same file, so the OS page cache was warm for the Worker too; node:sqlite's SQLite is not workerd's build");

    // The layer, measured apart (bench/worker/layer-probe.ts, in the bench build only): what a request through the
    // app costs with no work behind it, what one D1 round trip costs the Worker, and the export's pages split into
    // D1 time (SQL + rows across the binding) and encoding, with no HTTP body at all.
    let layer = null;
    if (settings.layer_probe) {
      say("the layer: /__bench/noop, D1 round trips, and the export's pages inside the Worker (D1 vs encoding)");
      const noop = [];
      for (let i = 0; i < 5; i++) noop.push((await worker.call("POST", "/__bench/noop", { body: {} })).ms);
      const roundtrip = (await worker.callOk("POST", "/__bench/layer-probe", { body: { kind: "roundtrip", calls: 1000 } })).json();
      const { PAGE_ROWS } = await tsImport(pathToFileURL(path.join(bench.appDir, "src/reports/exports/write-rows.ts")).href, import.meta.url);
      const query = { projectId: PROJECT_ID, from: exportRange.from, to: exportRange.to, start: exportRange.start, end: exportRange.end };
      const probe = (format, pageRows, rawVariant) => worker.callOk("POST", "/__bench/layer-probe", { body: { kind: "export", query, page_rows: pageRows, format, raw_variant: rawVariant } }).then((r) => r.json());
      const csv = await probe("csv", PAGE_ROWS, true);
      const csvPages500 = PAGE_ROWS === 500 ? null : await probe("csv", 500, false);
      const r2 = (await worker.callOk("POST", "/__bench/layer-probe", { body: { kind: "r2", bytes: csv.export.bytes } })).json();
      layer = {
        noop_request_ms: { samples: noop.map((x) => round(x, 1)), median: round(median(noop), 1) },
        d1_roundtrip: { calls: roundtrip.calls, ms_per_call: round(roundtrip.ms_per_call, 3) },
        export_csv_in_worker: { page_rows: PAGE_ROWS, ...roundAll(csv.export), rows_all: roundAll(csv.rows_all), rows_raw: roundAll(csv.rows_raw) },
        export_csv_in_worker_500_rows_a_page: csvPages500 && roundAll(csvPages500.export),
        r2_csv_sized_object: roundAll(r2),
      };
      say(`  noop request ${layer.noop_request_ms.median} ms; D1 round trip ${layer.d1_roundtrip.ms_per_call} ms; CSV pages in the Worker ${JSON.stringify(layer.export_csv_in_worker)}; R2 ${JSON.stringify(layer.r2_csv_sized_object)}`);
    }

    const cpuApi = cpuCores(cpuApiStart, worker.cpu());
    if (cpuApi && cpuApi.other_processes >= 0.25) notes.push(`other processes used ${cpuApi.other_processes} CPU cores on average while the API was timed: the machine was shared, the API figures are inflated`);
    const workerLog = worker.log(logOffset);
    await worker.stop();

    const report = {
      as_of: settings.as_of,
      asked: {
        dau_date: dauDate,
        cohorts: cohortBody,
        export: { from: exportRange.from, to: exportRange.to, rows: exportRows },
        auth: "ADMIN_TOKEN as Bearer (operator) with ?project=bench",
        vars: { REPORT_RATE_LIMIT_PER_MINUTE: 100000, ADMIN_RATE_LIMIT_PER_MINUTE: 100000, EXPORT_DIRECT_MAX_ROWS: EXPORT_DIRECT_MAX_ROWS_LIFTED },
      },
      data,
      measurements,
      floors: {
        dau: floors.dau,
        cohorts: { ...floors.cohorts, report: undefined, cohorts: floors.cohorts.report.cohorts.length },
        export_select: { sql: EXPORT_FLOOR_SQL, ...floors.export_select },
        csv: floors.csv && { method: "the SELECT, every row to an RFC 4180 record (CRLF, quoted, formula-neutralised) in Node, as ~1,000-row strings", rows: floors.csv.rows, bytes: floors.csv.bytes, sha256: floors.csv.sha256, ms_median: floors.csv.ms_median, ms_min: floors.csv.ms_min, ms_samples: floors.csv.ms_samples },
        xlsx: floors.xlsx && { method: "the SELECT, every row to inline-string sheet XML, deflated (level 6, node:zlib, one stream) into a ZIP with the four static parts stored", ...floors.xlsx },
        export_event_ids: ids,
        plans,
      },
      api,
      cpu_cores_used_while_timing_the_api: cpuApi,
      route_sql_in_node_sqlite: routeSql,
      layer,
      checks: { mismatches: mismatches.length, details: mismatches },
      notes,
      worker_log: workerLog,
    };
    return { report, problems: mismatches };
  },
  print: printReport,
});
