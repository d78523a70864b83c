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

/**
 * `days` are the entity's insights from `historyFrom` to `to` in any order. A date with no insight row is unknown
 * (not yet reported, or no delivery reported): null, skipped like a CPL without leads, never read as 0.
 */
export function detectEntityAnomalies(entityId: string, days: readonly InsightDay[], historyFrom: string, from: string, to: string): EntityAnomaly[] {
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
      found.push({ entityId, metric, date: addDays(historyFrom, t), value: v.value, expected: v.expected, score: v.score, severity: v.severity!, direction: v.direction });
    }
  }
  return found;
}
