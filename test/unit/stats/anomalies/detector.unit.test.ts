// The seasonal median detector on series small enough to check by hand, and its edge cases.
import { describe, expect, it } from "vitest";
import { DEFAULT_DETECTOR, detectAt, detectSeries, mad, median, seasonalBaseline, severityOf, type DetectorConfig, type Verdict } from "../../../../src/stats/anomalies";

const NO_FLOORS: DetectorConfig = { ...DEFAULT_DETECTOR, minScale: 0, relativeMinScale: 0, poisson: false };
const WEEK = [100, 110, 120, 130, 140, 80, 70];
/** `weeks` weeks of WEEK with a small deterministic wobble (±3), so the MAD is not 0. */
const weekly = (weeks: number) => Array.from({ length: weeks * 7 }, (_, i) => WEEK[i % 7]! + ((i * 5) % 7) - 3);

const scored = (v: Verdict) => {
  if (v.status !== "scored") throw new Error(`expected a score, got ${v.status}`);
  return v;
};

describe("median and MAD", () => {
  it("take the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    // |x − 3| of [1, 2, 3, 4, 100] is [2, 1, 0, 1, 97]: median 1, whatever the outlier.
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
  });
});

describe("the seasonal baseline, by hand", () => {
  // Period 2, three periods of history before t = 6:
  //   block 0 = x[4..5] = 14, 25 → level 19.5, residuals −5.5, +5.5
  //   block 1 = x[2..3] = 13, 22 → level 17.5, residuals −4.5, +4.5
  //   block 2 = x[0..1] = 10, 20 → level 15,   residuals −5,   +5
  // t's phase (first of each block): residuals −5.5, −4.5, −5 → offset −5; the other phase: 5.5, 4.5, 5 → +5.
  // De-seasonalised residuals: −0.5, 0.5, 0, 0.5, −0.5, 0 → median 0, |·| sorted 0, 0, .5, .5, .5, .5 → MAD 0.5.
  // Three samples per offset: inflation √((3+1)/(3−1)) = √2. Scale = 1.4826 · 0.5 · √2 = 1.04836.
  // expected = 19.5 − 5 = 14.5; x = 20 → z = 5.5 / 1.04836 = 5.2463: at or above 4 and below 6, "low", up.
  const series = [10, 20, 13, 22, 14, 25, 20];
  const config: DetectorConfig = { ...NO_FLOORS, period: 2, maxPeriods: 3 };

  it("gives the level, offset, scale and expectation", () => {
    const b = seasonalBaseline(series, 6, config);
    expect(b).toMatchObject({ ok: true, level: 19.5, offset: -5, expected: 14.5, periods: 3, samePhase: 3 });
    expect(b.ok && b.scale).toBeCloseTo(1.4826 * 0.5 * Math.SQRT2, 12);
  });

  it("gives the robust z-score, severity and direction", () => {
    const v = scored(detectAt(series, 6, config));
    expect(v.score).toBeCloseTo(5.5 / (1.4826 * 0.5 * Math.SQRT2), 10);
    expect(v.score).toBeCloseTo(5.2463, 4);
    expect(v).toMatchObject({ value: 20, expected: 14.5, anomaly: true, severity: "low", direction: "up" });
    // The same point at 15: 0.5 above the expectation, nothing to say.
    expect(scored(detectAt([...series.slice(0, 6), 15], 6, config))).toMatchObject({ anomaly: false, severity: null });
  });

  it("reads only whole periods before the point (maxPeriods = 2 drops block 2)", () => {
    // Blocks 0 and 1 only: offset = median(−5.5, −4.5) = −5, still; residuals ±0.5 four times → MAD 0 … except that
    // the two phases are mirror images: e = −0.5, 0.5, 0.5, −0.5 → MAD 0.5, inflation √3.
    const b = seasonalBaseline(series, 6, { ...config, maxPeriods: 2 });
    expect(b).toMatchObject({ ok: true, expected: 14.5, periods: 2, samePhase: 2 });
    expect(b.ok && b.scale).toBeCloseTo(1.4826 * 0.5 * Math.sqrt(3), 12);
  });
});

describe("the detector", () => {
  it("says nothing on a flat series that stays flat, and uses the floor when it moves a little", () => {
    const flat = Array<number>(28).fill(100);
    expect(scored(detectAt([...flat, 100], 28, DEFAULT_DETECTOR))).toMatchObject({ score: 0, anomaly: false, direction: "up" });
    // MAD 0: the scale is the 5% floor (5), so +3 is z = 0.6, not an alarm.
    const small = scored(detectAt([...flat, 103], 28, DEFAULT_DETECTOR));
    expect(small.scale).toBe(5);
    expect(small.score).toBeCloseTo(0.6, 12);
    expect(small.anomaly).toBe(false);
    // +50 on a flat 100 is z = 10: "high".
    expect(scored(detectAt([...flat, 150], 28, DEFAULT_DETECTOR))).toMatchObject({ score: 10, severity: "high", direction: "up" });
    // Without floors a flat history has no scale: a change still scores (per unit), never Infinity.
    expect(scored(detectAt([...flat, 101], 28, NO_FLOORS)).score).toBe(1);
  });

  it("expects each weekday's own level, so a weekly pattern raises no alarm", () => {
    const verdicts = detectSeries(weekly(8), DEFAULT_DETECTOR, 14);
    expect(verdicts.every((v) => v.status === "scored" && !v.anomaly)).toBe(true);
    // Saturday (index 5 of the week, 80) is expected near 80, not near the weekly median (~110).
    const sat = scored(detectAt(weekly(6), 7 * 5 + 5, DEFAULT_DETECTOR));
    expect(Math.abs(sat.expected - 80)).toBeLessThan(6);
  });

  it("finds a spike up and a drop, with direction and severity", () => {
    const series = weekly(6);
    const t = 7 * 5 + 2; // a Wednesday, normally ~120
    const up = scored(detectAt(series.map((v, i) => (i === t ? 400 : v)), t, DEFAULT_DETECTOR));
    expect(up).toMatchObject({ anomaly: true, direction: "up", severity: "critical" });
    const down = scored(detectAt(series.map((v, i) => (i === t ? 10 : v)), t, DEFAULT_DETECTOR));
    expect(down).toMatchObject({ anomaly: true, direction: "down" });
    expect(down.score).toBeLessThan(-4);
    // The day after the spike is judged on a baseline the spike did not move (medians).
    const after = scored(detectAt(series.map((v, i) => (i === t ? 400 : v)), t + 1, DEFAULT_DETECTOR));
    expect(after.anomaly).toBe(false);
  });

  it("skips missing values: never read as 0, no verdict on a missing point", () => {
    const series: Array<number | null> = weekly(6);
    expect(detectAt([...series.slice(0, 40), null], 40, DEFAULT_DETECTOR)).toEqual({ status: "missing" });
    // Three unknown days in the latest week (4 of 7 known ≥ minFill 0.5): still a verdict. They are that week's high
    // days (Wed–Fri), so the plain median of the four known ones (89) is low; the level, taken with the weekday
    // offsets removed, stays within 5 of the complete week's. Read as 0, they would drag it far down.
    const t = 7 * 5 + 2;
    const holed = series.map((v, i) => (i >= t - 7 && i < t - 4 ? null : v));
    const b = seasonalBaseline(holed, t, DEFAULT_DETECTOR);
    const full = seasonalBaseline(series, t, DEFAULT_DETECTOR);
    expect(median(holed.slice(t - 4, t) as number[])).toBe(89);
    expect(b.ok && full.ok && Math.abs(b.level - full.level)).toBeLessThan(5);
    expect(b.ok && full.ok && Math.abs(b.expected - full.expected)).toBeLessThan(5);
    expect(scored(detectAt(holed, t, DEFAULT_DETECTOR)).anomaly).toBe(false);
    // Four unknown days in the latest week: its level is unknown, so no verdict. Four zeros instead would be a
    // verdict from a level near 0.
    const sparse = series.map((v, i) => (i >= t - 7 && i < t - 3 ? null : v));
    expect(detectAt(sparse, t, DEFAULT_DETECTOR)).toEqual({ status: "insufficient_history" });
    const zeroed = series.map((v, i) => (i >= t - 7 && i < t - 3 ? 0 : v));
    expect(scored(detectAt(zeroed, t, DEFAULT_DETECTOR)).expected).toBeLessThan(full.ok ? full.expected - 50 : 0);
  });

  it("waits for two whole periods of history, counted from the first known value", () => {
    const series = weekly(3);
    expect(detectAt(series, 13, DEFAULT_DETECTOR)).toEqual({ status: "insufficient_history" });
    expect(detectAt(series, 14, DEFAULT_DETECTOR).status).toBe("scored");
    // Leading unknowns are not history: an entity that started on day 7 speaks on day 21.
    const late = [...Array<null>(7).fill(null), ...weekly(3)];
    expect(detectAt(late, 20, DEFAULT_DETECTOR)).toEqual({ status: "insufficient_history" });
    expect(detectAt(late, 21, DEFAULT_DETECTOR).status).toBe("scored");
    expect(detectSeries(series, DEFAULT_DETECTOR).slice(0, 14).every((v) => v.status === "insufficient_history")).toBe(true);
  });

  it("counts: the Poisson floor keeps one extra lead on a quiet entity from alarming", () => {
    const leads = Array.from({ length: 28 }, (_, i) => [0, 1, 0, 2, 1, 0, 1][i % 7]!);
    const counts: DetectorConfig = { ...DEFAULT_DETECTOR, poisson: true, nonNegative: true };
    expect(scored(detectAt([...leads, 3], 28, counts)).anomaly).toBe(false);
    expect(scored(detectAt([...leads, 12], 28, counts))).toMatchObject({ anomaly: true, direction: "up" });
  });

  it("bands severities at 4, 6, 10 and 20", () => {
    const b = DEFAULT_DETECTOR.bands;
    expect([3.99, 4, 5.99, 6, 9.99, 10, 19.99, 20, 1e9].map((z) => severityOf(z, b))).toEqual([null, "low", "low", "medium", "medium", "high", "high", "critical", "critical"]);
  });
});
