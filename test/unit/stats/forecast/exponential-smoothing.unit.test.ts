import { describe, expect, it } from "vitest";
import {
  holtLinear,
  holtWintersAdditive,
  simpleExponentialSmoothing,
} from "../../../../src/stats/forecast/exponential-smoothing";

// Reference values from statsmodels' test suite: statsmodels/tsa/holtwinters/tests/test_holtwinters.py,
// commit 03eeeb2af5bb47c9c0bc31adf319e33f134fa343, via ../shared/reference/holtwinters.json (copied here so the
// tests need nothing outside the repo).
const OIL = [
  446.6565229, 454.4733065, 455.662974, 423.6322388, 456.2713279, 440.5880501, 425.3325201, 485.1494479, 506.0481621,
  526.7919833, 514.268889, 494.2110193,
];
const OIL_SES_02_LEVELS = [
  446.6565229, 448.21987962, 449.7084985, 444.49324656, 446.84886283, 445.59670028, 441.54386424, 450.26498098,
  461.4216172, 474.49569042, 482.45033014, 484.80246797,
];
const OIL_SES_02_FORECAST1 = 484.802468;
const OIL_SES_06_FORECAST1 = 501.837461;

const AUSAIR = [
  17.5534, 21.8601, 23.8866, 26.9293, 26.8885, 28.8314, 30.0751, 30.9535, 30.1857, 31.5797, 32.577569, 33.477398,
  39.021581, 41.386432, 41.596552,
];
const AUSAIR_HOLT_TREND = [
  3.617628, 3.59006512, 3.33438212, 3.23657639, 2.69263502, 2.46388914, 2.2229097, 1.95959226, 1.47054601, 1.3604894,
  1.28045881, 1.20355193, 1.88267152, 2.09564416, 1.83655482,
];
// Fitted values followed by the one-step forecast past the end (statsmodels' `fittedfcast`).
const AUSAIR_HOLT_FITTED_AND_NEXT = [
  21.8601, 22.032368, 25.48461872, 27.54058587, 30.28813356, 30.26106173, 31.58122149, 32.599234, 33.24223906,
  32.26755382, 33.07776017, 33.95806605, 34.77708354, 40.05535303, 43.21586036, 43.75696849,
];
// Given to 2 decimal places in the test suite.
const AUSAIR_HOLT_FORECAST5 = [43.76, 45.59, 47.43, 49.27, 51.1];

const expectClose = (actual: readonly number[], expected: readonly number[], tolerance: number) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(Math.abs(value - expected[i]!), `index ${i}`).toBeLessThan(tolerance));
};

describe("simpleExponentialSmoothing (statsmodels reference: oil, l0 = y0)", () => {
  it("α = 0.2: levels and the one-step forecast to 1e-6", () => {
    const ses = simpleExponentialSmoothing(OIL, { alpha: 0.2, l0: OIL[0]! });
    expectClose(ses.levels, OIL_SES_02_LEVELS, 1e-6);
    expectClose(ses.forecast(1), [OIL_SES_02_FORECAST1], 1e-6);
  });

  it("α = 0.6: the one-step forecast to 1e-6", () => {
    expectClose(simpleExponentialSmoothing(OIL, { alpha: 0.6, l0: OIL[0]! }).forecast(1), [OIL_SES_06_FORECAST1], 1e-6);
  });

  it("fits each value with the previous level and forecasts flat", () => {
    const ses = simpleExponentialSmoothing(OIL, { alpha: 0.2, l0: 400 });
    expect(ses.fitted[0]).toBe(400);
    for (let t = 1; t < OIL.length; t++) expect(ses.fitted[t]).toBe(ses.levels[t - 1]);
    expect(ses.forecast(3)).toEqual([ses.levels[11], ses.levels[11], ses.levels[11]]);
  });
});

describe("holtLinear (statsmodels reference: ausair, α = 0.8, β = 0.2, l0 = y0, b0 = y1 − y0)", () => {
  const holt = holtLinear(AUSAIR, { alpha: 0.8, beta: 0.2, l0: AUSAIR[0]!, b0: AUSAIR[1]! - AUSAIR[0]! });

  it("trends to 1e-6", () => expectClose(holt.trends, AUSAIR_HOLT_TREND, 1e-6));

  it("fitted values and the next forecast to 1e-6", () => {
    expectClose([...holt.fitted, ...holt.forecast(1)], AUSAIR_HOLT_FITTED_AND_NEXT, 1e-6);
  });

  it("levels to 1e-6, as the next fitted value less the trend (ŷ[t+1] = l[t] + b[t])", () => {
    const levels = AUSAIR_HOLT_TREND.map((trend, t) => AUSAIR_HOLT_FITTED_AND_NEXT[t + 1]! - trend);
    expectClose(holt.levels, levels, 1e-6);
  });

  it("five forecasts to the reference's 2 dp", () => expectClose(holt.forecast(5), AUSAIR_HOLT_FORECAST5, 0.005));

  it("forecasts along the last trend", () => {
    const [l, b] = [holt.levels[14]!, holt.trends[14]!];
    expectClose(holt.forecast(3), [l + b, l + 2 * b, l + 3 * b], 1e-12);
  });
});

describe("holtWintersAdditive", () => {
  // Two seasons of period 2, α = β = γ = ½, l0 = 5, b0 = 1, s0 = [−1, 1]; every number is dyadic, so exact.
  //   t  y   s[t−m]   l+b        ŷ          l[t]        b[t]         s[t]
  //   0  4   −1       6          5          5.5         0.75         ½(4 − 6) + ½(−1) = −1.5
  //   1  8    1       6.25       7.25       6.625       0.9375       ½(8 − 6.25) + ½(1) = 1.375
  //   2  6   −1.5     7.5625     6.0625     7.53125     0.921875     ½(6 − 7.5625) + ½(−1.5) = −1.53125
  //   3  10   1.375   8.453125   9.828125   8.5390625   0.96484375   ½(10 − 8.453125) + ½(1.375) = 1.4609375
  // e.g. l[0] = ½(4 − (−1)) + ½·6 = 5.5, b[0] = ½(5.5 − 5) + ½·1 = 0.75.
  // Forecasts l[3] + h·b[3] + the last seasonal of h's phase:
  //   h = 1: 8.5390625 + 0.96484375 − 1.53125 = 7.97265625     h = 2: 8.5390625 + 1.9296875 + 1.4609375 = 11.9296875
  //   h = 3: 8.5390625 + 2.89453125 − 1.53125 = 9.90234375     h = 4: 8.5390625 + 3.859375 + 1.4609375 = 13.859375
  const handExample = holtWintersAdditive([4, 8, 6, 10], { alpha: 0.5, beta: 0.5, gamma: 0.5, period: 2, l0: 5, b0: 1, s0: [-1, 1] });

  it("reproduces the hand-computed two-season example exactly", () => {
    expect(handExample.fitted).toEqual([5, 7.25, 6.0625, 9.828125]);
    expect(handExample.levels).toEqual([5.5, 6.625, 7.53125, 8.5390625]);
    expect(handExample.trends).toEqual([0.75, 0.9375, 0.921875, 0.96484375]);
    expect(handExample.seasonals).toEqual([-1.5, 1.375, -1.53125, 1.4609375]);
    // h = 2 (a multiple of m) uses s[3], the last seasonal; statsmodels' ExponentialSmoothing used s[1] there
    // (statsmodels issue #9538, fixed by PR #10230), fpp §8.3 and statsmodels' ETSModel use s[3].
    expect(handExample.forecast(4)).toEqual([7.97265625, 11.9296875, 9.90234375, 13.859375]);
  });

  it("matches statsmodels on a longer series (period 4, 13 observations, α = 0.3, β = 0.2, γ = 0.4)", () => {
    // Computed with statsmodels 0.15.0: ExponentialSmoothing(y, trend="add", seasonal="add", seasonal_periods=4,
    // initialization_method="known", initial_level=10, initial_trend=0.5, initial_seasonal=[1, 3, -4, 0])
    // .fit(smoothing_level=0.3, smoothing_trend=0.2, smoothing_seasonal=0.4, optimized=False) for the fitted values
    // and final states; forecasts from ETSModel(..., error="add", same known states).smooth([0.3, 0.3·0.2, 0.4, ...]),
    // whose fitted values agree to 4e-15 and whose forecasts do not have the step-m issue above.
    const y = [12, 15, 9, 14, 18, 11, 16, 20, 14, 17, 23, 15, 21];
    const hw = holtWintersAdditive(y, { alpha: 0.3, beta: 0.2, gamma: 0.4, period: 4, l0: 10, b0: 0.5, s0: [1, 3, -4, 0] });
    expectClose(
      hw.fitted,
      [
        11.5, 14.18, 8.0052, 12.942528, 15.16210592, 19.0140841088, 10.071543794431996, 16.62262174670848,
        20.498119040499503, 16.89611989620325, 16.140680702690876, 22.181133918412975, 18.535915429707845,
      ],
      1e-9,
    );
    expectClose([hw.levels[12]!, hw.trends[12]!], [19.53923078499529, 0.6949968465527023], 1e-9);
    expectClose(hw.seasonals.slice(-4), [0.1639183979987021, 1.5130302011508516, -1.098513466048582, 0.7215438439170618], 1e-9);
    expectClose(
      hw.forecast(9),
      [
        20.398146029546695, 22.442254679251548, 20.525707858604815, 23.04076201512316, 23.1781334157575,
        25.222242065462353, 23.30569524481562, 25.820749401333966, 25.958120801968306,
      ],
      1e-9,
    );
  });

  it("is Holt's linear trend when the seasonal states are 0 and γ = 0", () => {
    const hw = holtWintersAdditive(AUSAIR, { alpha: 0.8, beta: 0.2, gamma: 0, period: 3, l0: 17, b0: 4, s0: [0, 0, 0] });
    const holt = holtLinear(AUSAIR, { alpha: 0.8, beta: 0.2, l0: 17, b0: 4 });
    expect(hw.fitted).toEqual(holt.fitted);
    expect(hw.forecast(7)).toEqual(holt.forecast(7));
  });

  it("forecasts from the initial seasonals when the series is shorter than a season", () => {
    const hw = holtWintersAdditive([11], { alpha: 0.5, beta: 0.5, gamma: 0.5, period: 3, l0: 10, b0: 0, s0: [1, 2, 3] });
    // After y[0] = 11 (ŷ = 11, no error) the states are l = 10, b = 0, s[0] = 1; steps 1, 2, 3, 4 use s0[1], s0[2], s[0], s0[1].
    expect(hw.forecast(4)).toEqual([12, 13, 11, 12]);
  });

  it("rejects weights outside [0, 1], a bad period and a mismatched s0", () => {
    const base = { alpha: 0.5, beta: 0.5, gamma: 0.5, period: 2, l0: 0, b0: 0, s0: [0, 0] };
    expect(() => holtWintersAdditive([1], { ...base, gamma: 1.5 })).toThrow(RangeError);
    expect(() => holtWintersAdditive([1], { ...base, alpha: Number.NaN })).toThrow(RangeError);
    expect(() => holtWintersAdditive([1], { ...base, period: 0, s0: [] })).toThrow(RangeError);
    expect(() => holtWintersAdditive([1], { ...base, s0: [0] })).toThrow(RangeError);
    expect(() => holtLinear([1], { alpha: -0.1, beta: 0.5, l0: 0, b0: 0 })).toThrow(RangeError);
    expect(() => simpleExponentialSmoothing([1], { alpha: 0.5, l0: 0 }).forecast(1.5)).toThrow(RangeError);
  });
});
