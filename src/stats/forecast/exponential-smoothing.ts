// Exponential smoothing recurrences with fixed parameters (simple, Holt's linear trend, additive Holt–Winters), in statsmodels' conventions.
//
// Timing, as in statsmodels' ExponentialSmoothing (so its test-suite values reproduce): the initial states
// (l0, b0, s0) are the states *before* the first observation y[0]. levels[t], trends[t] and seasonals[t] are the
// states after observing y[t], and fitted[t] is the one-step-ahead forecast of y[t] made from the states before it,
// so fitted[0] = l0 + b0 (+ s0[0]) and y[t] − fitted[t] is the one-step residual.

export type SmoothingResult = {
  levels: number[];
  fitted: number[];
  /** Forecasts for steps 1..h after the last observation. */
  forecast(h: number): number[];
};

export type HoltResult = SmoothingResult & { trends: number[] };

export type HoltWintersResult = HoltResult & { seasonals: number[] };

export type SesParams = { alpha: number; l0: number };

export type HoltParams = { alpha: number; beta: number; l0: number; b0: number };

export type HoltWintersParams = HoltParams & {
  gamma: number;
  period: number;
  /** Seasonal states for the `period` times just before y[0], oldest first: s0[i] is the season of y[i]. */
  s0: number[];
};

/**
 * Simple exponential smoothing (fpp §8.1): ŷ[t] = l[t−1], l[t] = α·y[t] + (1 − α)·l[t−1]; forecasts are flat at the
 * last level.
 */
export function simpleExponentialSmoothing(y: readonly number[], params: SesParams): SmoothingResult {
  const { alpha } = params;
  checkUnit("alpha", alpha);
  const levels: number[] = [];
  const fitted: number[] = [];
  let level = params.l0;
  for (const value of y) {
    fitted.push(level);
    level = alpha * value + (1 - alpha) * level;
    levels.push(level);
  }
  const last = level;
  return { levels, fitted, forecast: (h) => steps(h).map(() => last) };
}

/**
 * Holt's linear trend (fpp §8.2), with β as the smoothing weight of the trend (statsmodels' smoothing_trend, fpp's β*):
 *   ŷ[t] = l[t−1] + b[t−1]
 *   l[t] = α·y[t] + (1 − α)·(l[t−1] + b[t−1])
 *   b[t] = β·(l[t] − l[t−1]) + (1 − β)·b[t−1]
 *   ŷ[n−1+h] = l[n−1] + h·b[n−1]
 */
export function holtLinear(y: readonly number[], params: HoltParams): HoltResult {
  const { alpha, beta } = params;
  checkUnit("alpha", alpha);
  checkUnit("beta", beta);
  const levels: number[] = [];
  const trends: number[] = [];
  const fitted: number[] = [];
  let level = params.l0;
  let trend = params.b0;
  for (const value of y) {
    const oneStep = level + trend;
    fitted.push(oneStep);
    const nextLevel = alpha * value + (1 - alpha) * oneStep;
    trend = beta * (nextLevel - level) + (1 - beta) * trend;
    level = nextLevel;
    levels.push(level);
    trends.push(trend);
  }
  const [lastLevel, lastTrend] = [level, trend];
  return { levels, trends, fitted, forecast: (h) => steps(h).map((k) => lastLevel + k * lastTrend) };
}

/**
 * Holt–Winters with additive trend and additive seasonality of period m (fpp §8.3; statsmodels' trend="add",
 * seasonal="add" without damping):
 *   ŷ[t] = l[t−1] + b[t−1] + s[t−m]
 *   l[t] = α·(y[t] − s[t−m]) + (1 − α)·(l[t−1] + b[t−1])
 *   b[t] = β·(l[t] − l[t−1]) + (1 − β)·b[t−1]
 *   s[t] = γ·(y[t] − l[t−1] − b[t−1]) + (1 − γ)·s[t−m]
 *   ŷ[n−1+h] = l[n−1] + h·b[n−1] + s[n−1+h−m·(⌊(h−1)/m⌋ + 1)]
 * The seasonal update uses the previous level and trend (fpp's form, also statsmodels'), which makes it
 * s[t] = s[t−m] + γ·e[t] in terms of the one-step error e[t]: the state-space γ, which the interval formula needs.
 */
export function holtWintersAdditive(y: readonly number[], params: HoltWintersParams): HoltWintersResult {
  const { alpha, beta, gamma, period } = params;
  checkUnit("alpha", alpha);
  checkUnit("beta", beta);
  checkUnit("gamma", gamma);
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`period must be a positive integer, got ${period}`);
  if (params.s0.length !== period) throw new RangeError(`s0 must hold ${period} seasonal states, got ${params.s0.length}`);
  const levels: number[] = [];
  const trends: number[] = [];
  const fitted: number[] = [];
  // season[t + period] is s[t], so s[t − m] is season[t] and the initial states sit in front.
  const season = [...params.s0];
  let level = params.l0;
  let trend = params.b0;
  for (let t = 0; t < y.length; t++) {
    const value = y[t]!;
    const previousSeason = season[t]!;
    const levelAndTrend = level + trend;
    fitted.push(levelAndTrend + previousSeason);
    const nextLevel = alpha * (value - previousSeason) + (1 - alpha) * levelAndTrend;
    season.push(gamma * (value - levelAndTrend) + (1 - gamma) * previousSeason);
    trend = beta * (nextLevel - level) + (1 - beta) * trend;
    level = nextLevel;
    levels.push(level);
    trends.push(trend);
  }
  const n = y.length;
  const [lastLevel, lastTrend] = [level, trend];
  return {
    levels,
    trends,
    seasonals: season.slice(period),
    fitted,
    forecast: (h) =>
      steps(h).map((k) => lastLevel + k * lastTrend + season[n - 1 + k - period * Math.floor((k - 1) / period)]!),
  };
}

function steps(h: number): number[] {
  if (!Number.isInteger(h) || h < 0) throw new RangeError(`horizon must be a non-negative integer, got ${h}`);
  return Array.from({ length: h }, (_, i) => i + 1);
}

// Closed [0, 1]: the fitter keeps to the open interval, but 0 and 1 are meaningful limits (no update, no memory).
function checkUnit(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${value}`);
}
