// What each report type exports: its columns and a keyset-paged read from D1 (memory stays one page, whatever the range).
import { DEFAULT_COHORT_WEEKS } from "../cohorts";
import { loadCohorts } from "../load-cohorts";
import type { Column, Row } from "./columns";

/** A page of rows and where the next begins (null: the range is exhausted). */
export type Page = { rows: Row[]; next: Cursor | null };
/** The last row's sort key; JSON, so it travels in a continuation. */
export type Cursor = Array<string | number>;

export type SourceQuery = {
  projectId: string;
  /** Local dates, both included; `start`/`end` are their UTC instants in the project's time zone: [start, end). */
  from: string;
  to: string;
  start: number;
  end: number;
  eventName?: string;
};

export type ExportSource = {
  columns: Column[];
  page(db: D1Database, q: SourceQuery, after: Cursor | null, limit: number): Promise<Page>;
  count(db: D1Database, q: SourceQuery): Promise<number>;
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const EVENT_COLUMNS: Column[] = [
  { name: "event_id", type: "text" },
  { name: "event_name", type: "text" },
  { name: "occurred_at", type: "text" },
  { name: "received_at", type: "text" },
  { name: "user_id", type: "text" },
  { name: "user_identified", type: "number" },
  { name: "client_session_id", type: "text" },
  { name: "request_id", type: "text" },
  { name: "resource_type", type: "text" },
  { name: "resource_id", type: "text" },
  { name: "decision_id", type: "text" },
  { name: "policy_id", type: "text" },
  { name: "src", type: "text" },
  { name: "country", type: "text" },
  { name: "browser", type: "text" },
  { name: "os", type: "text" },
  { name: "device_type", type: "text" },
  { name: "context", type: "text" },
  { name: "properties", type: "text" },
];

// Positions in a raw (array) row of the page query, which selects EVENT_COLUMNS in order.
const OCCURRED_AT = EVENT_COLUMNS.findIndex((c) => c.name === "occurred_at");
const RECEIVED_AT = EVENT_COLUMNS.findIndex((c) => c.name === "received_at");

/**
 * An event as a row, in EVENT_COLUMNS' order, from the array D1 returns (`.raw()`), in place: times become ISO-8601
 * UTC (the instant, whatever the reader's zone).
 */
function eventRowFromRaw(r: Row): Row {
  r[OCCURRED_AT] = iso(r[OCCURRED_AT] as number | null);
  r[RECEIVED_AT] = iso(r[RECEIVED_AT] as number | null);
  return r;
}

// (project_id, occurred_at) or, filtered by name, (project_id, event_name, occurred_at) serve the range; ties on
// occurred_at are ordered by event_id, so the cursor (occurred_at, event_id) is strict and no row is read twice.
const eventsWhere = (q: SourceQuery) => `project_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3${q.eventName === undefined ? "" : " AND event_name = ?4"}`;
const eventsBinds = (q: SourceQuery) => (q.eventName === undefined ? [q.projectId, q.start, q.end] : [q.projectId, q.start, q.end, q.eventName]);

const events: ExportSource = {
  columns: EVENT_COLUMNS,
  async page(db, q, after, limit) {
    const binds: unknown[] = eventsBinds(q);
    let keyset = "";
    if (after) {
      // The range's lower bound moves up to the cursor: with two lower bounds SQLite seeks the index by the first
      // (the range start), so every page would re-read the pages before it (bench:reports: 11.4 s against 1.4 s).
      binds[1] = Math.max(q.start, Number(after[0]));
      binds.push(after[0], after[1]);
      const a = binds.length - 1;
      keyset = ` AND (occurred_at > ?${a} OR event_id > ?${a + 1})`;
    }
    binds.push(limit);
    // .raw(): arrays in the columns' order, not an object per row (bench:reports: 391k rows in 783 pages).
    const rows = await db
      .prepare(`SELECT ${EVENT_COLUMNS.map((c) => c.name).join(", ")} FROM events WHERE ${eventsWhere(q)}${keyset} ORDER BY occurred_at, event_id LIMIT ?${binds.length}`)
      .bind(...binds)
      .raw<Row>();
    const last = rows[rows.length - 1];
    const next: Cursor | null = rows.length === limit && last ? [last[OCCURRED_AT] as number, last[0] as string] : null;
    return { rows: rows.map(eventRowFromRaw), next };
  },
  async count(db, q) {
    const row = await db.prepare(`SELECT count(*) AS n FROM events WHERE ${eventsWhere(q)}`).bind(...eventsBinds(q)).first<{ n: number }>();
    return row?.n ?? 0;
  },
};

type MetricRow = { date: string; metric_name: string; dimensions: string; value: number; time_zone: string; computed_at: number };

const METRIC_COLUMNS: Column[] = [
  { name: "date", type: "text" },
  { name: "metric_name", type: "text" },
  { name: "dimensions", type: "text" },
  { name: "value", type: "number" },
  { name: "time_zone", type: "text" },
  { name: "computed_at", type: "text" },
];

/** Rollups (the metrics table) over local dates [from, to], in its primary key's order. */
const metrics: ExportSource = {
  columns: METRIC_COLUMNS,
  async page(db, q, after, limit) {
    const binds: unknown[] = [q.projectId, q.from, q.to];
    let keyset = "";
    if (after) {
      binds.push(after[0], after[1], after[2]);
      keyset = " AND (date, metric_name, dimensions) > (?4, ?5, ?6)";
    }
    binds.push(limit);
    const { results } = await db
      .prepare(`SELECT date, metric_name, dimensions, value, time_zone, computed_at FROM metrics WHERE project_id = ?1 AND date >= ?2 AND date <= ?3${keyset} ORDER BY date, metric_name, dimensions LIMIT ?${binds.length}`)
      .bind(...binds)
      .all<MetricRow>();
    const last = results[results.length - 1];
    return {
      rows: results.map((m) => [m.date, m.metric_name, m.dimensions, m.value, m.time_zone, iso(m.computed_at)]),
      next: results.length === limit && last ? [last.date, last.metric_name, last.dimensions] : null,
    };
  },
  async count(db, q) {
    const row = await db.prepare("SELECT count(*) AS n FROM metrics WHERE project_id = ?1 AND date >= ?2 AND date <= ?3").bind(q.projectId, q.from, q.to).first<{ n: number }>();
    return row?.n ?? 0;
  },
};

export const REPORT_TYPES = ["events", "metrics", "cohorts"] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/**
 * Cohorts of users first seen in [from, to] (cohort_type first_seen, DEFAULT_COHORT_WEEKS weeks): one row per weekly
 * cohort. The table is small (a row per week), so it is one page.
 */
const cohorts: ExportSource = {
  columns: [
    { name: "cohort_period", type: "text" },
    { name: "cohort_start", type: "text" },
    { name: "cohort_size", type: "number" },
    ...Array.from({ length: DEFAULT_COHORT_WEEKS + 1 }, (_, k) => ({ name: `retention_week_${k}`, type: "number" as const })),
  ],
  async page(db, q) {
    const report = await cohortReport(db, q);
    return {
      rows: report.cohorts.map((c) => [c.cohort_period, c.cohort_start, c.cohort_size, ...Array.from({ length: DEFAULT_COHORT_WEEKS + 1 }, (_, k) => c[`retention_week_${k}`] ?? null)]),
      next: null,
    };
  },
  async count(db, q) {
    return (await cohortReport(db, q)).cohorts.length;
  },
};

async function cohortReport(db: D1Database, q: SourceQuery) {
  const zone = await db.prepare("SELECT time_zone FROM projects WHERE id = ?1").bind(q.projectId).first<{ time_zone: string }>();
  return loadCohorts(db, { projectId: q.projectId, start: q.start, end: q.end - 1, weeks: DEFAULT_COHORT_WEEKS, timeZone: zone?.time_zone ?? "UTC", signupEvent: null, now: Date.now() });
}

export const EXPORT_SOURCES: Partial<Record<ReportType, ExportSource>> = { events, metrics, cohorts };
