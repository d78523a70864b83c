import { describe, expect, it } from "vitest";
import { normalSample } from "../../../../src/stats/beta-sample";
import { holtLinear, holtWintersAdditive } from "../../../../src/stats/forecast/exponential-smoothing";
import {
  fitHolt,
  fitHoltWinters,
  holtInitialStates,
  holtWintersInitialStates,
  minimiseSmoothingWeights,
  sumOfSquaredResiduals,
} from "../../../../src/stats/forecast/fit";
import { seededRng } from "../../../../src/stats/random";

const WEEK = [10, 12, 14, 16, 18, 30, 25];

/** Holt's state-space form with N(0, sd²) one-step errors: y = l + b + e, l ← l + b + αe, b ← b + αβe. */
function simulateHolt(n: number, alpha: number, beta: number, sd: number, seed: number): number[] {
  const rng = seededRng(seed);
  let [level, trend] = [100, 0.5];
  return Array.from({ length: n }, () => {
    const error = sd * normalSample(rng);
    const y = level + trend + error;
    level += trend + alpha * error;
    trend += alpha * beta * error;
    return y;
  });
}

/** Additive Holt–Winters' state-space form: y = l + b + s[t−m] + e, and s[t] = s[t−m] + γe. */
function simulateHoltWinters(n: number, alpha: number, beta: number, gamma: number, seed: number): number[] {
  const rng = seededRng(seed);
  const season = [-6, -3, 0, 2, 4, 8, -5];
  let [level, trend] = [100, 0.3];
  return Array.from({ length: n }, (_, t) => {
    const error = 3 * normalSample(rng);
    const phase = t % season.length;
    const y = level + trend + season[phase]! + error;
    level += trend + alpha * error;
    trend += alpha * beta * error;
    season[phase]! += gamma * error;
    return y;
  });
}

describe("holtInitialStates", () => {
  it("puts level y0 and trend y1 − y0 after the first observation, so the first two residuals are 0 for any weights", () => {
    const y = [7, 10, 4, 9];
    expect(holtInitialStates(y)).toEqual({ l0: 4, b0: 3 });
    for (const [alpha, beta] of [[0.1, 0.9], [0.5, 0.5], [0.9, 0.1]] as const) {
      const holt = holtLinear(y, { alpha, beta, ...holtInitialStates(y) });
      expect(holt.fitted.slice(0, 2)).toEqual([7, 10]);
      expect([holt.levels[0], holt.trends[0]]).toEqual([7, 3]);
    }
  });

  it("needs two observations", () => expect(() => holtInitialStates([1])).toThrow(RangeError));
});

describe("holtWintersInitialStates", () => {
  it("takes the trend from the two season means and detrends the first season around the level before y0", () => {
    // Period 2: season means 5 and 9, so b0 = (9 − 5)/2 = 2; mean 5 sits at time ½, so the level at time −1 is
    // 5 − 2·3/2 = 2; s0 = [4 − (2 + 2), 6 − (2 + 4)] = [0, 0]: the series 4, 6, 8, 10 is a line.
    expect(holtWintersInitialStates([4, 6, 8, 10], 2)).toEqual({ l0: 2, b0: 2, s0: [0, 0] });
    // Season means 5 and 6: b0 = 0.5, l0 = 5 − 0.75 = 4.25, s0 = [2 − 4.75, 8 − 5.25] = [−2.75, 2.75].
    expect(holtWintersInitialStates([2, 8, 3, 9], 2)).toEqual({ l0: 4.25, b0: 0.5, s0: [-2.75, 2.75] });
  });

  it("gives seasonals summing to 0 and zero residuals over the whole first season, whatever the weights", () => {
    const y = [...WEEK, ...WEEK.map((v) => v + 7), 40, 3];
    const initial = holtWintersInitialStates(y, 7);
    expect(Math.abs(initial.s0.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
    const hw = holtWintersAdditive(y, { alpha: 0.7, beta: 0.4, gamma: 0.6, period: 7, ...initial });
    hw.fitted.slice(0, 7).forEach((fitted, t) => expect(Math.abs(fitted - y[t]!)).toBeLessThan(1e-12));
  });

  it("needs two whole seasons", () => {
    expect(() => holtWintersInitialStates(WEEK.concat(WEEK).slice(1), 7)).toThrow(RangeError);
    expect(() => holtWintersInitialStates(WEEK, 0)).toThrow(RangeError);
  });
});

describe("minimiseSmoothingWeights", () => {
  it("finds an interior minimum to high precision", () => {
    const { point, value } = minimiseSmoothingWeights(([a, b]) => (a! - 0.37) ** 2 + 3 * (b! - 0.813) ** 2, 2);
    expect(Math.abs(point[0]! - 0.37)).toBeLessThan(1e-6);
    expect(Math.abs(point[1]! - 0.813)).toBeLessThan(1e-6);
    expect(value).toBeLessThan(1e-12);
  });

  it("stays inside (0, 1) when the minimum is outside", () => {
    const { point } = minimiseSmoothingWeights(([a, b, c]) => a! + (1 - b!) + (c! - 2) ** 2, 3);
    for (const weight of point) {
      expect(weight).toBeGreaterThan(0);
      expect(weight).toBeLessThan(1);
    }
    expect(point[0]).toBeLessThan(1e-3);
    expect(point[1]).toBeGreaterThan(1 - 1e-3);
    expect(point[2]).toBeGreaterThan(1 - 1e-3);
  });
});

describe("fitHolt", () => {
  it("fits a perfect line exactly and continues it", () => {
    const line = Array.from({ length: 10 }, (_, t) => 5 + 2 * t);
    const fit = fitHolt(line);
    expect(fit.sse).toBeLessThan(1e-20);
    fit.result.forecast(5).forEach((value, i) => expect(value).toBeCloseTo(25 + 2 * i, 10));
  });

  it("recovers α and β of a simulated series to within 0.1", () => {
    const fit = fitHolt(simulateHolt(400, 0.5, 0.2, 5, 1));
    expect(Math.abs(fit.alpha - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(fit.beta - 0.2)).toBeLessThan(0.1);
  });

  it("reaches an SSE no worse than a 0.01 grid over (0, 1)²", () => {
    const y = simulateHolt(60, 0.3, 0.4, 5, 7);
    const fit = fitHolt(y);
    const initial = holtInitialStates(y);
    let best = Infinity;
    for (let i = 1; i < 100; i++) {
      for (let j = 1; j < 100; j++) {
        const fitted = holtLinear(y, { alpha: i / 100, beta: j / 100, ...initial }).fitted;
        best = Math.min(best, sumOfSquaredResiduals(y, fitted));
      }
    }
    expect(fit.sse).toBeLessThanOrEqual(best * (1 + 1e-12));
  });

  it("is deterministic and counts α, β, l0, b0", () => {
    const y = simulateHolt(30, 0.5, 0.2, 5, 3);
    const [a, b] = [fitHolt(y), fitHolt(y)];
    expect([a.alpha, a.beta, a.sse]).toEqual([b.alpha, b.beta, b.sse]);
    expect(a.parameterCount).toBe(4);
  });
});

describe("fitHoltWinters", () => {
  it("repeats a pure weekly pattern", () => {
    const fit = fitHoltWinters([...WEEK, ...WEEK, ...WEEK], 7);
    expect(fit.sse).toBeLessThan(1e-20);
    fit.result.forecast(14).forEach((value, i) => expect(value).toBeCloseTo(WEEK[i % 7]!, 10));
  });

  it("continues a weekly pattern on a line", () => {
    const y = Array.from({ length: 28 }, (_, t) => 100 + 3 * t + WEEK[t % 7]!);
    const fit = fitHoltWinters(y, 7);
    expect(fit.sse).toBeLessThan(1e-18);
    fit.result.forecast(10).forEach((value, i) => expect(value).toBeCloseTo(100 + 3 * (28 + i) + WEEK[(28 + i) % 7]!, 8));
  });

  it("recovers α, β and γ of a simulated series to within 0.1", () => {
    const fit = fitHoltWinters(simulateHoltWinters(400, 0.3, 0.1, 0.2, 1), 7);
    expect(Math.abs(fit.alpha - 0.3)).toBeLessThan(0.1);
    expect(Math.abs(fit.beta - 0.1)).toBeLessThan(0.1);
    expect(Math.abs(fit.gamma - 0.2)).toBeLessThan(0.1);
    expect(fit.parameterCount).toBe(11);
  });
});
