// analyzeUser: one user's activity summary, engagement score and heuristic churn risk, from their events.
import { localDayNumber, localHour } from "./time-zones";

/** One of the user's events as the route reads it from D1 (properties is the stored JSON text). */
export type UserEvent = { event_name: string; occurred_at: number; resource_type: string | null; properties: string | null };

export type UserAnalyticsOptions = { now: number; timeZone: string; includePredictions: boolean };

export type ResourceTypeShare = { resource_type: string; events: number; percentage: number };
export type CategoryShare = { category: string; events: number; percentage: number };
export type ChurnLevel = "low" | "medium" | "high";
export type ChurnRisk = { level: ChurnLevel; probability: number; model: typeof CHURN_MODEL };

export type UserAnalytics = {
  time_zone: string;
  total_events: number;
  active_days: number;
  /** 24 values, index = local hour; events in that hour divided by the busiest hour's, so the busiest is 1. */
  activity_by_hour: number[];
  top_resource_types: ResourceTypeShare[];
  top_categories: CategoryShare[];
  first_seen_at: string | null;
  last_seen_at: string | null;
  days_since_first_activity: number | null;
  days_since_last_activity: number | null;
  engagement_score: number;
  /** Present only when predictions were asked for; null when the user has no events to predict from. */
  churn_risk?: ChurnRisk | null;
};

/*
 * The model. There is no labelled churn data to fit anything to, so every constant below is set by hand and the
 * model is a heuristic, named as such in responses ("churn_heuristic_v1"). It is meant to rank users sensibly and
 * to be explainable, not to be a calibrated probability; replace it with a fitted one once churn labels exist.
 *
 * All "days" are calendar days in the project's time zone. Four components, each in [0, 1]:
 * - frequency  = active days among the last 28 (today included) / 28.
 * - recency    = exp(−days_since_last_activity / 7): 1 today, 0.37 after a week, 0.14 after two.
 * - regularity = 1 − coefficient of variation (population sd / mean) of the gaps between consecutive active days,
 *                clamped to [0, 1]: 1 for a steady rhythm (daily or weekly alike), 0 for bursts. With fewer than
 *                three active days there are fewer than two gaps and no rhythm to see, so regularity is 0.
 * - breadth    = distinct event names / 10, capped at 1.
 */
export const FREQUENCY_WINDOW_DAYS = 28;
export const RECENCY_SCALE_DAYS = 7;
export const BREADTH_FULL_AT_EVENT_NAMES = 10;

/**
 * engagement_score = weighted mean of the components. Frequency and recency carry most of the weight because they
 * are the two signals RFM-style scoring has long found most predictive of a user's return; regularity tells a habit
 * from a one-off burst of the same size; breadth weighs least because how many event names exist depends on how a
 * project is instrumented, not only on the user.
 */
export const ENGAGEMENT_WEIGHTS = { frequency: 0.35, recency: 0.3, regularity: 0.2, breadth: 0.15 } as const;

/**
 * churn probability = logistic(β0 + β1·days_since_last_activity + β2·frequency + β3·regularity). Anchors the
 * coefficients were chosen to meet: a user first seen today, with no rhythm yet, is medium (0.36), since one visit
 * says little; a daily user seen today is low (0.03) and still low after three idle days (0.07); a steady weekly
 * user last seen a week ago is a coin flip (0.51); anyone silent for two weeks is high, even a former daily user
 * (0.73). Each idle day multiplies the odds of churn by e^0.25 ≈ 1.28.
 */
export const CHURN_MODEL = "churn_heuristic_v1";
export const CHURN_COEFFICIENTS = { intercept: -0.5, daysSinceLast: 0.25, frequency: -2, regularity: -1 } as const;
export const CHURN_HIGH_AT = 0.6;
export const CHURN_MEDIUM_AT = 0.3;

const TOP_N = 5;

export function analyzeUser(events: readonly UserEvent[], opts: UserAnalyticsOptions): UserAnalytics {
  const tz = opts.timeZone;
  const valid = events.filter((e) => Number.isFinite(e.occurred_at));
  const today = localDayNumber(opts.now, tz);

  const byHour = new Array<number>(24).fill(0);
  const days = new Set<number>(); // local day numbers
  const names = new Set<string>();
  const resourceTypes = new Map<string, number>();
  const categories = new Map<string, number>();
  let first = Infinity;
  let last = -Infinity;
  for (const e of valid) {
    byHour[localHour(e.occurred_at, tz)]!++;
    days.add(localDayNumber(e.occurred_at, tz));
    names.add(e.event_name);
    if (e.resource_type !== null && e.resource_type !== "") increment(resourceTypes, e.resource_type);
    const category = categoryOf(e.properties);
    if (category !== null) increment(categories, category);
    first = Math.min(first, e.occurred_at);
    last = Math.max(last, e.occurred_at);
  }

  const total = valid.length;
  const peak = Math.max(...byHour);
  const base = {
    time_zone: tz,
    total_events: total,
    active_days: days.size,
    activity_by_hour: byHour.map((n) => (peak === 0 ? 0 : round(n / peak, 3))),
    top_resource_types: top(resourceTypes, total).map(([resource_type, events, percentage]) => ({ resource_type, events, percentage })),
    top_categories: top(categories, total).map(([category, events, percentage]) => ({ category, events, percentage })),
  };
  if (total === 0) {
    return {
      ...base, first_seen_at: null, last_seen_at: null, days_since_first_activity: null, days_since_last_activity: null,
      engagement_score: 0, ...(opts.includePredictions ? { churn_risk: null } : {}),
    };
  }

  // Clamped at 0: ingest accepts occurred_at up to a day ahead of the server's clock.
  const sinceFirst = Math.max(0, today - localDayNumber(first, tz));
  const sinceLast = Math.max(0, today - localDayNumber(last, tz));
  const c = components([...days].sort((a, b) => a - b), today, sinceLast, names.size);
  const w = ENGAGEMENT_WEIGHTS;
  const engagement = w.frequency * c.frequency + w.recency * c.recency + w.regularity * c.regularity + w.breadth * c.breadth;

  return {
    ...base,
    first_seen_at: new Date(first).toISOString(),
    last_seen_at: new Date(last).toISOString(),
    days_since_first_activity: sinceFirst,
    days_since_last_activity: sinceLast,
    engagement_score: round(engagement, 3),
    ...(opts.includePredictions ? { churn_risk: churnRisk(sinceLast, c.frequency, c.regularity) } : {}),
  };
}

/** The model's components, from the user's active days as ascending local day numbers (see localDayNumber). */
export function components(sortedDays: readonly number[], today: number, daysSinceLast: number, distinctEventNames: number) {
  const windowStart = today - (FREQUENCY_WINDOW_DAYS - 1);
  const recentDays = sortedDays.filter((d) => d >= windowStart && d <= today).length;
  const gaps = sortedDays.slice(1).map((d, i) => d - sortedDays[i]!);
  return {
    frequency: recentDays / FREQUENCY_WINDOW_DAYS,
    recency: Math.exp(-daysSinceLast / RECENCY_SCALE_DAYS),
    regularity: gaps.length < 2 ? 0 : clamp01(1 - coefficientOfVariation(gaps)),
    breadth: Math.min(1, distinctEventNames / BREADTH_FULL_AT_EVENT_NAMES),
  };
}

/** The level is read from the rounded probability, so a response never shows 0.6 next to "medium". */
export function churnRisk(daysSinceLast: number, frequency: number, regularity: number): ChurnRisk {
  const b = CHURN_COEFFICIENTS;
  const z = b.intercept + b.daysSinceLast * daysSinceLast + b.frequency * frequency + b.regularity * regularity;
  const probability = round(1 / (1 + Math.exp(-z)), 3);
  const level: ChurnLevel = probability >= CHURN_HIGH_AT ? "high" : probability >= CHURN_MEDIUM_AT ? "medium" : "low";
  return { level, probability, model: CHURN_MODEL };
}

function coefficientOfVariation(xs: readonly number[]): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
  return Math.sqrt(variance) / mean;
}

/** properties.category when it is a non-empty string; anything else (no JSON, not an object, a number) has none. */
function categoryOf(properties: string | null): string | null {
  if (properties === null) return null;
  try {
    const parsed: unknown = JSON.parse(properties);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
    const category = (parsed as Record<string, unknown>).category;
    return typeof category === "string" && category !== "" ? category : null;
  } catch {
    return null;
  }
}

/** The TOP_N most frequent keys, ties by name; percentage is of all the user's events, as in the seed's genres. */
function top(counts: Map<string, number>, total: number): Array<[string, number, number]> {
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, TOP_N)
    .map(([key, n]) => [key, n, Math.round((n * 1000) / total) / 10]);
}

// A Map, not an object literal: a resource type or category named "__proto__" must stay data.
function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
