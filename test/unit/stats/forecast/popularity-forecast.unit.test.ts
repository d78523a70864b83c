import { describe, expect, it } from "vitest";
import {
  backtestDailySeries,
  classifyTrend,
  forecastDailySeries,
  MIN_DAYS_FOR_WEEKLY_SEASONALITY,
  TREND_THRESHOLD_PER_DAY,
} from "../../../../src/stats/forecast/popularity-forecast";
import { Z_95 } from "../../../../src/stats/forecast/prediction-intervals";

const WEEK = [10, 12, 14, 16, 18, 30, 25];
/** A fixed, irregular ±4 wobble, so the noisy cases need no Rng. */
const WOBBLE = [3, -2, 4, -4, 1, -1, 2, -3, 0, 4, -2, 1, -4, 3, 2, -1, -3, 0, 1, -2];
const noisy = (n: number, at: (t: number) => number) => Array.from({ length: n }, (_, t) => at(t) + WOBBLE[t % WOBBLE.length]!);
const widths = (f: ReturnType<typeof forecastDailySeries>) => f.predictions.map((p) => p.upper - p.lower);

describe("forecastDailySeries: model choice", () => {
  it("uses naive below 2 days, Holt from 2 to 13 and weekly Holt–Winters from 14", () => {
    expect(MIN_DAYS_FOR_WEEKLY_SEASONALITY).toBe(14);
    const days = noisy(14, (t) => 100 + t);
    expect(forecastDailySeries([], 3).model).toBe("naive");
    expect(forecastDailySeries(days.slice(0, 1), 3).model).toBe("naive");
    expect(forecastDailySeries(days.slice(0, 2), 3).model).toBe("holt_linear");
    const holt = forecastDailySeries(days.slice(0, 13), 3);
    expect([holt.model, holt.model_version]).toEqual(["holt_linear", "holt_v1"]);
    expect(holt.params.gamma).toBeNull();
    const hw = forecastDailySeries(days, 3);
    expect([hw.model, hw.model_version]).toEqual(["holt_winters_additive_weekly", "holt_winters_weekly_v1"]);
    expect(hw.params.period).toBe(7);
    for (const weight of [hw.params.alpha, hw.params.beta, hw.params.gamma]) {
      expect(weight).toBeGreaterThan(0);
      expect(weight).toBeLessThan(1);
    }
  });

  it("returns one prediction per step, numbered from 1", () => {
    const f = forecastDailySeries(noisy(20, () => 50), 90);
    expect(f.predictions.map((p) => p.step)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
  });
});

describe("forecastDailySeries: point forecasts and intervals", () => {
  it("continues a noiseless line with zero-width intervals", () => {
    for (const n of [10, 21]) {
      const f = forecastDailySeries(Array.from({ length: n }, (_, t) => 5 + 2 * t), 5);
      expect(f.residual_sd).toBeLessThan(1e-9);
      f.predictions.forEach((p, i) => {
        expect(p.value).toBeCloseTo(5 + 2 * (n + i), 8);
        expect(p.upper - p.lower).toBeLessThan(1e-8);
      });
      expect(f.trend).toBe("growing");
    }
  });

  it("repeats a pure weekly pattern", () => {
    const f = forecastDailySeries([...WEEK, ...WEEK, ...WEEK], 14);
    f.predictions.forEach((p, i) => expect(p.value).toBeCloseTo(WEEK[i % 7]!, 8));
    expect(f.trend).toBe("stable");
  });

  it("widens the interval with h, from ± z·σ at one step", () => {
    for (const n of [12, 30]) {
      const f = forecastDailySeries(noisy(n, (t) => 200 + t), 20);
      expect(f.residual_sd).toBeGreaterThan(0);
      const w = widths(f);
      expect(w[0]).toBeCloseTo(2 * Z_95 * f.residual_sd, 9);
      for (let h = 1; h < w.length; h++) expect(w[h]!).toBeGreaterThan(w[h - 1]!);
      f.predictions.forEach((p) => expect(p.value - p.lower).toBeCloseTo(p.upper - p.value, 9));
    }
  });

  it("takes the interval's z from the options", () => {
    const f = forecastDailySeries(noisy(30, (t) => 200 + t), 3, { z: 1 });
    expect(widths(f)[0]).toBeCloseTo(2 * f.residual_sd, 9);
  });

  it("clamps values and bounds at 0", () => {
    const f = forecastDailySeries([50, 41, 29, 22, 9, 1], 10);
    expect(f.trend).toBe("declining");
    for (const p of f.predictions) {
      expect(p.value).toBeGreaterThanOrEqual(0);
      expect(p.lower).toBeGreaterThanOrEqual(0);
      expect(p.upper).toBeGreaterThanOrEqual(p.value);
    }
    expect(f.predictions.at(-1)!.value).toBe(0);
    expect(f.predictions.at(-1)!.lower).toBe(0);
  });

  it("naive: carries the last count forward with Poisson random-walk intervals; no history gives 0 and [0, 0]", () => {
    const one = forecastDailySeries([100], 2);
    expect(one.predictions).toEqual([
      { step: 1, value: 100, lower: 100 - Z_95 * 10, upper: 100 + Z_95 * 10 },
      { step: 2, value: 100, lower: 100 - Z_95 * Math.sqrt(200), upper: 100 + Z_95 * Math.sqrt(200) },
    ]);
    expect([one.trend, one.backtest, one.params.alpha]).toEqual(["stable", null, null]);
    expect(forecastDailySeries([], 2).predictions).toEqual([
      { step: 1, value: 0, lower: 0, upper: 0 },
      { step: 2, value: 0, lower: 0, upper: 0 },
    ]);
  });

  it("gives two days an interval from their difference rather than none", () => {
    // Holt uses up both points, so σ² falls back to the squared difference: (14 − 10)² = 16.
    const f = forecastDailySeries([10, 14], 1);
    expect(f.predictions[0]!.value).toBeCloseTo(18, 12);
    expect(f.residual_sd).toBe(4);
  });

  it("rejects a bad horizon and counts that are negative or not finite", () => {
    expect(() => forecastDailySeries([1, 2], 0)).toThrow(RangeError);
    expect(() => forecastDailySeries([1, 2], 1.5)).toThrow(RangeError);
    expect(() => forecastDailySeries([1, -2], 1)).toThrow(RangeError);
    expect(() => forecastDailySeries([1, Number.NaN], 1)).toThrow(RangeError);
  });
});

describe("trend", () => {
  it("classifyTrend compares the slope with TREND_THRESHOLD_PER_DAY of the level", () => {
    expect(TREND_THRESHOLD_PER_DAY).toBe(0.01);
    expect(classifyTrend(100, 1.01)).toBe("growing");
    expect(classifyTrend(100, 1)).toBe("stable");
    expect(classifyTrend(100, -1)).toBe("stable");
    expect(classifyTrend(100, -1.01)).toBe("declining");
    expect(classifyTrend(0, 0)).toBe("stable");
    expect(classifyTrend(0, 0.1)).toBe("growing");
  });

  it("labels growing, flat and declining histories", () => {
    expect(forecastDailySeries(noisy(30, (t) => 100 + 5 * t), 7).trend).toBe("growing");
    expect(forecastDailySeries(noisy(30, () => 100), 7).trend).toBe("stable");
    expect(forecastDailySeries(noisy(30, (t) => 300 - 5 * t), 7).trend).toBe("declining");
    // A weekly cycle on a flat level is not a trend, wherever the history ends in the week.
    for (const n of [14, 17, 20]) expect(forecastDailySeries(Array.from({ length: n }, (_, t) => WEEK[t % 7]!), 7).trend).toBe("stable");
  });
});

describe("backtest", () => {
  it("holds out min(7, ⌊n/4⌋) days and scores the forecast of them (hand-checked)", () => {
    // n = 8: hold out 2. The first 6 days are the line 10, 12, …, 20, which Holt continues as 22, 24.
    // Actuals 22 and 30: errors 0 and 6, so MAE 3, RMSE √18, MAPE (0/22 + 6/30)/2 = 10%.
    const backtest = backtestDailySeries([10, 12, 14, 16, 18, 20, 22, 30])!;
    expect(backtest.model).toBe("holt_linear");
    expect(backtest.horizon_days).toBe(2);
    expect(backtest.mae).toBeCloseTo(3, 9);
    expect(backtest.rmse).toBeCloseTo(Math.sqrt(18), 9);
    expect(backtest.mape).toBeCloseTo(10, 9);
    expect(forecastDailySeries([10, 12, 14, 16, 18, 20, 22, 30], 5).backtest).toEqual(backtest);
  });

  it("is exact on a noiseless weekly pattern and caps the holdout at 7 days", () => {
    const backtest = backtestDailySeries([...WEEK, ...WEEK, ...WEEK, ...WEEK, ...WEEK])!;
    expect([backtest.model, backtest.horizon_days]).toEqual(["holt_winters_additive_weekly", 7]);
    expect(backtest.mae).toBeLessThan(1e-9);
  });

  it("reports the model used on the shortened history", () => {
    // 16 days: hold out 4, fit on 12, which is Holt, not Holt–Winters.
    const f = forecastDailySeries(noisy(16, () => 80), 3);
    expect(f.model).toBe("holt_winters_additive_weekly");
    expect(f.backtest!.model).toBe("holt_linear");
    expect(f.backtest!.horizon_days).toBe(4);
  });

  it("has mape null when a held-out day is 0, and no backtest below 4 days", () => {
    const backtest = backtestDailySeries([4, 3, 2, 0])!;
    expect(backtest.horizon_days).toBe(1);
    expect(backtest.mape).toBeNull();
    // Holt on 4, 3, 2 forecasts 1; the actual is 0, clamped forecasts score MAE 1.
    expect(backtest.mae).toBeCloseTo(1, 9);
    expect(backtestDailySeries([4, 3, 2])).toBeNull();
    expect(forecastDailySeries([4, 3, 2], 2).backtest).toBeNull();
  });
});
