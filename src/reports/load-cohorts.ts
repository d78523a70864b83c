// loadCohorts: reads a project's cohort users and their activity from D1 and builds the weekly retention table.
import { RESOLVED_EVENTS_SQL } from "../compat/identities";
import { buildCohorts, type CohortReport } from "./cohorts";

// Every UTC offset in use is a multiple of 15 minutes, so activity bucketed to 15 minutes never crosses a local
// week boundary: DISTINCT on the bucket shrinks the rows without changing any answer.
const ACTIVITY_BUCKET_MS = 15 * 60_000;
const WEEK_MS = 7 * 86_400_000;

export type CohortQuery = {
  projectId: string;
  /** Users whose cohort instant is in [start, end] (epoch ms, both included). */
  start: number;
  end: number;
  weeks: number;
  timeZone: string;
  /** The sign-up event for registration cohorts; null for first_seen (a user's first event of any kind). */
  signupEvent: string | null;
  now: number;
};

export async function loadCohorts(d1: D1Database, q: CohortQuery): Promise<CohortReport> {
  // Users are people: an anonymous id that an identify/alias linked to a user counts as that user (src/compat).
  const resolved = `resolved AS (${RESOLVED_EVENTS_SQL} AND e.user_id IS NOT NULL)`;
  const cohortSql = `SELECT user_id, min(occurred_at) AS cohort_at FROM resolved
      WHERE (?4 IS NULL OR event_name = ?4) GROUP BY user_id HAVING cohort_at BETWEEN ?2 AND ?3`;
  const [users, activity] = await d1.batch<Record<string, unknown>>([
    d1.prepare(`WITH ${resolved} ${cohortSql}`).bind(q.projectId, q.start, q.end, q.signupEvent),
    d1
      .prepare(
        `WITH ${resolved}, cohort AS (${cohortSql})
         SELECT DISTINCT e.user_id, (e.occurred_at / ${ACTIVITY_BUCKET_MS}) * ${ACTIVITY_BUCKET_MS} AS active_at
           FROM resolved AS e JOIN cohort AS c ON c.user_id = e.user_id
          WHERE e.occurred_at >= c.cohort_at AND e.occurred_at < ?5`,
      )
      .bind(q.projectId, q.start, q.end, q.signupEvent, Math.min(q.now, q.end + (q.weeks + 2) * WEEK_MS)),
  ]);
  return buildCohorts(users!.results as Array<{ user_id: string; cohort_at: number }>, activity!.results as Array<{ user_id: string; active_at: number }>, {
    start: q.start,
    end: q.end,
    weeks: q.weeks,
    timeZone: q.timeZone,
    now: q.now,
  });
}
