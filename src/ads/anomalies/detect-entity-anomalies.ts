// One entity's anomalies on the examined days (pure): each metric as a daily series, judged day by day.
import { detectAt, firstKnown, type Severity } from "../../stats/anomalies";
import { addDays, daysBetween } from "../../reports/time-zones";
import type { InsightDay } from "../insight-day";
import { ANOMALY_METRICS, METRIC_DETECTORS, metricValue, type AnomalyMetric } from "./anomaly-metrics";

export type EntityAnomaly = {
  entityId: string;
  metric: AnomalyMetric;
  date: string;
  value: number;
  expected: number;
  score: number;
  severity: Severity;
  direction: "up" | "down";
};

/** Totals that only grow while a day is delivered: on a day still under way, only their rise above a whole day's expectation means anything. */
const GROWING_METRICS: ReadonlySet<AnomalyMetric> = new Set(["spend", "leads"]);

/**
 * `days` are the entity's insights from `historyFrom` to `to` in any order. A date with no insight row is unknown
 * (not yet reported, or no delivery reported): null, skipped like a CPL without leads, never read as 0. When `partialTo`
 * says `to` is still under way, that day is judged only for spend or leads already above a whole day's expected value
 * (a runaway budget is worth an alarm by noon); a falling total or a ratio on a partial day says nothing yet.
 */
export function detectEntityAnomalies(entityId: string, days: readonly InsightDay[], historyFrom: string, from: string, to: string, partialTo = false): EntityAnomaly[] {
  const length = daysBetween(historyFrom, to) + 1;
  const byIndex: Array<InsightDay | null> = Array(length).fill(null);
  for (const d of days) {
    const i = daysBetween(historyFrom, d.date);
    if (i >= 0 && i < length) byIndex[i] = d;
  }
  const firstExamined = daysBetween(historyFrom, from);
  const found: EntityAnomaly[] = [];
  for (const metric of ANOMALY_METRICS) {
    const series = byIndex.map((d) => (d === null ? null : metricValue(d, metric)));
    const first = firstKnown(series);
    for (let t = Math.max(0, firstExamined); t < length; t++) {
      const v = detectAt(series, t, METRIC_DETECTORS[metric], first);
      if (v.status !== "scored" || !v.anomaly) continue;
      if (partialTo && t === length - 1 && !(GROWING_METRICS.has(metric) && v.direction === "up")) continue;
      found.push({ entityId, metric, date: addDays(historyFrom, t), value: v.value, expected: v.expected, score: v.score, severity: v.severity!, direction: v.direction });
    }
  }
  return found;
}
