// The anomaly detector: a robust z-score of each point against its seasonal baseline, with severity and direction.
import { firstKnown, seasonalBaseline, type BaselineOptions, type Series } from "./seasonal-baseline";

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export type DetectorConfig = BaselineOptions & {
  /** |z| at or above each bound is that severity; below `low` is no anomaly. Increasing. */
  bands: Readonly<Record<Severity, number>>;
  /**
   * Floors on the scale, so a series that barely moves does not alarm on noise (a flat series has MAD 0): the scale
   * is at least `minScale`, at least `relativeMinScale`·|expected|, and for counts (`poisson`) at least √max(expected, 1).
   */
  minScale: number;
  relativeMinScale: number;
  poisson: boolean;
  /** A quantity that cannot go below 0 (spend, counts): the expectation is clamped at 0. */
  nonNegative: boolean;
};

/**
 * Defaults (docs/ads.md §3 has the NAB sweep): an alarm from |z| ≥ 4 (Iglewicz and Hoaglin use 3.5; 4 caught
 * the same windows with fewer alarms outside them, and is a false alarm on 0.006% of normal days rather than 0.05%);
 * two whole periods before a first verdict; the last four periods read (eight missed a window at every threshold
 * above 3: the baseline is slower to follow a change).
 */
export const DEFAULT_DETECTOR: DetectorConfig = {
  period: 7,
  maxPeriods: 4,
  minPeriods: 2,
  minFill: 0.5,
  bands: { low: 4, medium: 6, high: 10, critical: 20 },
  minScale: 0,
  relativeMinScale: 0.05,
  poisson: false,
  nonNegative: false,
};

export type Verdict =
  | { status: "missing" }
  | { status: "insufficient_history" }
  | {
      status: "scored";
      value: number;
      expected: number;
      /** After the floors. */
      scale: number;
      /** (value − expected) / scale. */
      score: number;
      anomaly: boolean;
      /** Set when anomaly. */
      severity: Severity | null;
      direction: "up" | "down";
    };

export function severityOf(absScore: number, bands: DetectorConfig["bands"]): Severity | null {
  let found: Severity | null = null;
  for (const s of SEVERITIES) if (absScore >= bands[s]) found = s;
  return found;
}

/** The verdict on point t, from the periods before it only (the point itself never shapes its own baseline). */
export function detectAt(series: Series, t: number, config: DetectorConfig, firstIndex = firstKnown(series)): Verdict {
  const value = series[t];
  if (value === null || value === undefined || !Number.isFinite(value)) return { status: "missing" };
  const baseline = seasonalBaseline(series, t, config, firstIndex);
  if (!baseline.ok) return { status: "insufficient_history" };
  const expected = config.nonNegative ? Math.max(0, baseline.expected) : baseline.expected;
  const scale = Math.max(baseline.scale, config.minScale, config.relativeMinScale * Math.abs(expected), config.poisson ? Math.sqrt(Math.max(expected, 1)) : 0);
  // scale is 0 only when every floor is 0 and the history is flat: then any change is infinitely surprising; say so
  // with a finite score (JSON has no Infinity) by treating a flat history as one unit of scale.
  const score = (value - expected) / (scale > 0 ? scale : 1);
  const severity = severityOf(Math.abs(score), config.bands);
  return { status: "scored", value, expected, scale, score, anomaly: severity !== null, severity, direction: score >= 0 ? "up" : "down" };
}

/** Verdicts on every point from `from` (inclusive) to the end. */
export function detectSeries(series: Series, config: DetectorConfig, from = 0): Verdict[] {
  const first = firstKnown(series);
  const out: Verdict[] = [];
  for (let t = from; t < series.length; t++) out.push(detectAt(series, t, config, first));
  return out;
}
