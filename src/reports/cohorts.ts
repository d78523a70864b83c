// buildCohorts: weekly retention cohorts from users' cohort instants and their activity, in the project's time zone.
import { dateOfDayNumber, isoWeek, localDayNumber, startOfLocalDay } from "./time-zones";

/** One user and the instant that puts them in a cohort: sign-up for "registration", first event for "first_seen". */
export type CohortUser = { user_id: string; cohort_at: number };
/** One instant at which a user did something (an event's occurred_at); one row per event or per active day both work. */
export type UserActivity = { user_id: string; active_at: number };

export type CohortOptions = {
  /** Users whose cohort_at lies in [start, end] (epoch ms, both ends included) are analysed. */
  start: number;
  end: number;
  /** N: the report has retention_week_0 … retention_week_N. */
  weeks?: number;
  timeZone: string;
  now: number;
};

export type RetentionKey = `retention_week_${number}`;
export type Cohort = {
  /** The ISO week, "YYYY-Www" (ISO week-year), of the cohort's users' cohort_at in the project's time zone. */
  cohort_period: string;
  /** The Monday that begins that week, "YYYY-MM-DD". */
  cohort_start: string;
  cohort_size: number;
} & { [key: RetentionKey]: number | null };

export type CohortReport = {
  time_zone: string;
  weeks: number;
  cohorts: Cohort[];
  overall_retention_rate: number;
  /** The denominator of overall_retention_rate: analysed users whose week 1 is over. */
  retention_eligible_users: number;
  total_users_analyzed: number;
};

// Four weeks after the cohort week, as in the seed's response; a year is plenty for a weekly table.
export const DEFAULT_COHORT_WEEKS = 4;
export const MAX_COHORT_WEEKS = 52;

/**
 * Definitions (every "week" is an ISO week, Monday to Sunday, in opts.timeZone):
 * - A user's cohort is the week holding their cohort_at. A user listed twice counts once, at their earliest
 *   cohort_at (so it is a first sign-up or a first event), and only if that instant lies in [start, end].
 * - Week k is the k-th calendar week after the cohort week: a user who signs up on Sunday and returns on Monday is
 *   in week 1, one who returns on the next Sunday is still in week 0. Calendar weeks, not 7-day windows from each
 *   user's own instant, so that every member of a cohort is measured over the same dates.
 * - retention_week_0 is 100: the cohort instant is itself activity (a sign-up or a first event), so everyone is
 *   active in week 0 by definition. retention_week_k (k ≥ 1) is the percentage of the cohort with activity in week
 *   k, rounded half-up to one decimal. Activity before cohort_at or after now is ignored.
 * - A week that has not ended by opts.now is null, never 0: 0 would claim that nobody came back, while the truth is
 *   that the week is still open. A week ends at the first instant of the next Monday, local time, DST included.
 * - overall_retention_rate is the percentage of users who came back at all, in any week 1 … N, among the users whose
 *   week 1 is over (retention_eligible_users). Users who signed up this week cannot have come back yet, so counting
 *   them would lower the rate for no reason but the calendar. It is 0 when no user is eligible (including no users).
 * - Cohorts with no members are left out; cohorts come in time order.
 */
export function buildCohorts(users: readonly CohortUser[], activity: readonly UserActivity[], opts: CohortOptions): CohortReport {
  const weeks = opts.weeks ?? DEFAULT_COHORT_WEEKS;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_COHORT_WEEKS) {
    throw new RangeError(`weeks must be an integer from 1 to ${MAX_COHORT_WEEKS}, got ${weeks}`);
  }
  const tz = opts.timeZone;
  // Weeks are handled as the day number of their Monday: the activity loop runs once per event, so no strings there.
  const weekOf = (epochMs: number) => mondayOf(localDayNumber(epochMs, tz));

  const cohortAt = new Map<string, number>();
  for (const u of users) {
    if (!Number.isFinite(u.cohort_at)) continue;
    const seen = cohortAt.get(u.user_id);
    if (seen === undefined || u.cohort_at < seen) cohortAt.set(u.user_id, u.cohort_at);
  }
  const members = new Map<string, { at: number; cohortWeek: number; returnedIn: Set<number> }>();
  for (const [userId, at] of cohortAt) {
    if (at >= opts.start && at <= opts.end) members.set(userId, { at, cohortWeek: weekOf(at), returnedIn: new Set() });
  }

  for (const a of activity) {
    const m = members.get(a.user_id);
    if (m === undefined || !(a.active_at >= m.at && a.active_at <= opts.now)) continue;
    const k = (weekOf(a.active_at) - m.cohortWeek) / 7;
    if (k >= 1 && k <= weeks) m.returnedIn.add(k);
  }

  // The week after week k begins on cohort week + 7(k + 1) days; week k is over once that local midnight has come.
  const weekOver = (cohortWeek: number, k: number) => opts.now >= startOfLocalDay(dateOfDayNumber(cohortWeek + 7 * (k + 1)), tz);

  const byWeek = new Map<number, Array<Set<number>>>();
  for (const m of members.values()) {
    const list = byWeek.get(m.cohortWeek) ?? [];
    list.push(m.returnedIn);
    byWeek.set(m.cohortWeek, list);
  }

  let eligible = 0;
  let returned = 0;
  const cohorts = [...byWeek.keys()].sort((a, b) => a - b).map((cohortWeek): Cohort => {
    const returns = byWeek.get(cohortWeek)!;
    const start = dateOfDayNumber(cohortWeek);
    const cohort: Cohort = { cohort_period: isoWeek(start), cohort_start: start, cohort_size: returns.length, retention_week_0: 100 };
    for (let k = 1; k <= weeks; k++) {
      cohort[`retention_week_${k}`] = weekOver(cohortWeek, k) ? percent(returns.filter((r) => r.has(k)).length, returns.length) : null;
    }
    if (weekOver(cohortWeek, 1)) {
      eligible += returns.length;
      returned += returns.filter((r) => r.size > 0).length;
    }
    return cohort;
  });

  return {
    time_zone: tz,
    weeks,
    cohorts,
    overall_retention_rate: eligible === 0 ? 0 : percent(returned, eligible),
    retention_eligible_users: eligible,
    total_users_analyzed: members.size,
  };
}

/** part/whole as a percentage with one decimal, from one division so that 1/16 is 6.3 and not 6.2. */
function percent(part: number, whole: number): number {
  return Math.round((part * 1000) / whole) / 10;
}

/** The day number of the Monday on or before a day number; day 0, 1970-01-01, was a Thursday. */
function mondayOf(day: number): number {
  return day - ((((day + 3) % 7) + 7) % 7);
}
