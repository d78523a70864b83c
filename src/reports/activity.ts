// Activity reports from rollups (closed days) and raw events (today, and distinct users over weeks and months).
import { dayBounds, datesBetween, today } from "./day-range";
import { isoWeekStart } from "./time-zones";
import { DISTINCT_USERS_SQL, distinctUsers } from "./daily-metrics";

export type Granularity = "day" | "week" | "month";

async function rolledUp(d1: D1Database, projectId: string, metric: string, from: string, to: string) {
  const { results } = await d1
    .prepare("SELECT date, dimensions, value FROM metrics WHERE project_id = ?1 AND metric_name = ?2 AND date >= ?3 AND date <= ?4")
    .bind(projectId, metric, from, to)
    .all<{ date: string; dimensions: string; value: number }>();
  return results;
}

/**
 * DAU of one day: the rollup when the day is closed and rolled up, else counted from raw events (today, or a gap).
 * One statement either way, so a day without a rollup costs one D1 round trip, not a lookup and then a count: CASE
 * runs the count only when there is no rollup row to return. Only the distinct count: the day's other metrics
 * (new_users scans the project's whole history) are the rollup's job.
 */
export async function dauOf(d1: D1Database, projectId: string, date: string, timeZone: string, now: number) {
  const { start, end } = dayBounds(date, timeZone);
  const row = await d1
    .prepare(
      `WITH rolled AS (SELECT value FROM metrics WHERE ?5 AND project_id = ?1 AND metric_name = 'dau' AND date = ?2 AND dimensions = '{}')
       SELECT (SELECT value FROM rolled) AS rolled,
              CASE WHEN EXISTS (SELECT 1 FROM rolled) THEN NULL ELSE (${DISTINCT_USERS_SQL}) END AS raw`,
    )
    .bind(projectId, date, start, end, date < today(now, timeZone) ? 1 : 0)
    .first<{ rolled: number | null; raw: number | null }>();
  if (row?.rolled !== null && row?.rolled !== undefined) return { dau: row.rolled, source: "rollup" as const };
  return { dau: row?.raw ?? 0, source: "raw" as const };
}

/** The Monday of a date's ISO week, and the first of its month: the periods weeks and months start on. */
export function periodStart(date: string, granularity: Granularity): string {
  if (granularity === "day") return date;
  if (granularity === "month") return `${date.slice(0, 8)}01`;
  return isoWeekStart(date);
}

/**
 * Active users per period. Days use the dau rollup where it exists. Weeks and months count distinct users over the
 * whole period from raw events, because distinct counts cannot be summed from days. Periods are clipped to [from, to].
 */
export async function activeSeries(d1: D1Database, projectId: string, from: string, to: string, granularity: Granularity, timeZone: string, now: number) {
  const periods = new Map<string, { start: string; end: string }>();
  for (const date of datesBetween(from, to)) {
    const key = periodStart(date, granularity);
    const p = periods.get(key);
    periods.set(key, { start: p?.start ?? date, end: date });
  }
  const daily = granularity === "day" ? new Map((await rolledUp(d1, projectId, "dau", from, to)).map((r) => [r.date, r.value])) : new Map<string, number>();
  const todayLocal = today(now, timeZone);
  const series = [];
  for (const [period, span] of periods) {
    let value = granularity === "day" && span.start < todayLocal ? daily.get(span.start) : undefined;
    value ??= await distinctUsers(d1, projectId, dayBounds(span.start, timeZone).start, dayBounds(span.end, timeZone).end);
    series.push({ period, from: span.start, to: span.end, active_users: value });
  }
  return series;
}

/** Events by name over [from, to]: rollups for closed days, raw events for today and for closed days not rolled up. */
export async function eventsSummary(d1: D1Database, projectId: string, from: string, to: string, timeZone: string, now: number) {
  const counts = new Map<string, number>();
  const add = (name: string, n: number) => counts.set(name, (counts.get(name) ?? 0) + n);
  const todayLocal = today(now, timeZone);
  const rolled = await rolledUp(d1, projectId, "events", from, to);
  const rolledDays = new Set((await rolledUp(d1, projectId, "dau", from, to)).map((r) => r.date));
  for (const r of rolled) if (r.date < todayLocal) add((JSON.parse(r.dimensions) as { event_name: string }).event_name, r.value);
  const rawDays = datesBetween(from, to).filter((d) => d >= todayLocal || !rolledDays.has(d));
  for (const date of rawDays) {
    const { start, end } = dayBounds(date, timeZone);
    const { results } = await d1
      .prepare("SELECT event_name, count(*) AS n FROM events WHERE project_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3 GROUP BY event_name")
      .bind(projectId, start, end)
      .all<{ event_name: string; n: number }>();
    for (const r of results) add(r.event_name, r.n);
  }
  return {
    total: [...counts.values()].reduce((a, b) => a + b, 0),
    events: [...counts].map(([event_name, count]) => ({ event_name, count })).sort((a, b) => b.count - a.count || a.event_name.localeCompare(b.event_name)),
    days_from_rollups: datesBetween(from, to).length - rawDays.length,
    days_from_raw_events: rawDays.length,
  };
}
