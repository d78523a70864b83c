// The four metrics watched per entity and day, how each is read from an insight, and the detector settings for each.
import { DEFAULT_DETECTOR, type DetectorConfig } from "../../stats/anomalies";
import type { InsightDay } from "../insight-day";

export const ANOMALY_METRICS = ["spend", "cpl", "ctr", "leads"] as const;
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

/** A day's value; null where it is undefined (CPL without leads, CTR without impressions), which the detector skips. */
export function metricValue(day: InsightDay, metric: AnomalyMetric): number | null {
  switch (metric) {
    case "spend":
      return day.spend;
    case "leads":
      return day.leads;
    case "cpl":
      return day.leads > 0 ? day.spend / day.leads : null;
    case "ctr":
      return day.impressions > 0 ? day.clicks / day.impressions : null;
  }
}

/** Daily values with a weekly cycle. Every metric is ≥ 0, so the expectation never goes below 0. */
const DAILY: DetectorConfig = { ...DEFAULT_DETECTOR, period: 7, nonNegative: true };

/**
 * The floors differ by metric (docs/ads.md §3): spend moves at least one currency unit or 5%; leads are counts
 * (Poisson: one extra lead on an entity that gets one a day is not news); CPL is a ratio of two noisy numbers, so
 * its floor is 10%; CTR at least 0.1 percentage point or 5%.
 */
export const METRIC_DETECTORS: Readonly<Record<AnomalyMetric, DetectorConfig>> = {
  spend: { ...DAILY, minScale: 1, relativeMinScale: 0.05 },
  leads: { ...DAILY, minScale: 1, relativeMinScale: 0, poisson: true },
  cpl: { ...DAILY, minScale: 0, relativeMinScale: 0.1 },
  ctr: { ...DAILY, minScale: 0.001, relativeMinScale: 0.05 },
};

/** Days of history read before the first examined day: as many whole weeks as any metric's detector reads. */
export const HISTORY_DAYS = Math.max(...ANOMALY_METRICS.map((m) => METRIC_DETECTORS[m].maxPeriods * METRIC_DETECTORS[m].period));
