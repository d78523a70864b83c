// Daily-count forecasts for popularity: picks naive, Holt or weekly Holt–Winters by history length, with 95% intervals, a trend label and a backtest.
import { fitHolt, fitHoltWinters } from "./fit";
import { forecastVariances, residualVariance, Z_95 } from "./prediction-intervals";

export const WEEKLY_PERIOD_DAYS = 7;
/** Two full weeks: the fewest that the seasonal initialisation (season 2 against season 1) can use. */
export const MIN_DAYS_FOR_WEEKLY_SEASONALITY = 2 * WEEKLY_PERIOD_DAYS;
/** Holt's initial trend needs two observations. */
export const MIN_DAYS_FOR_TREND = 2;
/** |slope| above this fraction of the level per day counts as growing or declining. */
export const TREND_THRESHOLD_PER_DAY = 0.01;
export const MAX_BACKTEST_DAYS = 7;

export const MODEL_VERSIONS = {
  naive: "naive_v1",
  holt_linear: "holt_v1",
  holt_winters_additive_weekly: "holt_winters_weekly_v1",
} as const;

export type ForecastModel = keyof typeof MODEL_VERSIONS;
export type Trend = "growing" | "stable" | "declining";

export type Prediction = { step: number; value: number; lower: number; upper: number };

export type Backtest = {
  /** The model the selection rule chose for the shortened history, which can be simpler than the final one. */
  model: ForecastModel;
  horizon_days: number;
  mae: number;
  rmse: number;
  /** Mean absolute percentage error in percent; null when any held-out day is 0, where it is undefined. */
  mape: number | null;
};

export type DailyForecast = {
  model: ForecastModel;
  model_version: (typeof MODEL_VERSIONS)[ForecastModel];
  /** Smoothing weights; null where the model has none (all of them for naive, gamma and period for Holt). */
  params: { alpha: number | null; beta: number | null; gamma: number | null; period: number | null };
  /** √σ², the one-step residual standard deviation the intervals are scaled by. */
  residual_sd: number;
  predictions: Prediction[];
  trend: Trend;
  /** null when the history is too short to hold any day out (fewer than 4 days). */
  backtest: Backtest | null;
};

export type ForecastOptions = {
  /** Interval half-width in standard deviations; 95% by default. */
  z?: number;
  /** Set false to skip the backtest (the backtest itself does, so it does not recurse). */
  backtest?: boolean;
};

/**
 * Forecasts `horizon` days after `daily` (oldest first, one count per day, no gaps):
 * - 14 days or more: additive Holt–Winters with weekly seasonality; 2–13 days: Holt's linear trend;
 * - 0–1 days: naive, the last value (0 with no history) carried forward. Its spread cannot be estimated from
 *   residuals, so it assumes the count is Poisson (variance = value) and random-walks it (variance h·value), which
 *   gives a single day of 100 views a real interval and no history a [0, 0] one.
 * Intervals are value ± z·σ_h with σ_h from the residual variance (prediction-intervals.ts); values and bounds are
 * clamped at 0 because they are counts, which leaves intervals asymmetric near 0.
 */
export function forecastDailySeries(daily: readonly number[], horizon: number, opts: ForecastOptions = {}): DailyForecast {
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  for (const count of daily) {
    if (!Number.isFinite(count) || count < 0) throw new RangeError(`daily counts must be finite and ≥ 0, got ${count}`);
  }
  const z = opts.z ?? Z_95;
  const backtest = opts.backtest === false ? null : backtestDailySeries(daily);
  const n = daily.length;

  if (n < MIN_DAYS_FOR_TREND) {
    const last = n === 0 ? 0 : daily[n - 1]!;
    const variances = Array.from({ length: horizon }, (_, i) => (i + 1) * last);
    return {
      model: "naive",
      model_version: MODEL_VERSIONS.naive,
      params: { alpha: null, beta: null, gamma: null, period: null },
      residual_sd: Math.sqrt(last),
      predictions: predictionsWithIntervals(Array<number>(horizon).fill(last), variances, z),
      trend: "stable",
      backtest,
    };
  }

  if (n < MIN_DAYS_FOR_WEEKLY_SEASONALITY) {
    const fit = fitHolt(daily);
    const sigma2 = residualVariance(daily, fit.sse, fit.parameterCount);
    return {
      model: "holt_linear",
      model_version: MODEL_VERSIONS.holt_linear,
      params: { alpha: fit.alpha, beta: fit.beta, gamma: null, period: null },
      residual_sd: Math.sqrt(sigma2),
      predictions: predictionsWithIntervals(
        fit.result.forecast(horizon),
        forecastVariances(sigma2, horizon, fit.alpha, fit.beta),
        z,
      ),
      trend: classifyTrend(fit.result.levels[n - 1]!, fit.result.trends[n - 1]!),
      backtest,
    };
  }

  const fit = fitHoltWinters(daily, WEEKLY_PERIOD_DAYS);
  const sigma2 = residualVariance(daily, fit.sse, fit.parameterCount);
  return {
    model: "holt_winters_additive_weekly",
    model_version: MODEL_VERSIONS.holt_winters_additive_weekly,
    params: { alpha: fit.alpha, beta: fit.beta, gamma: fit.gamma, period: fit.period },
    residual_sd: Math.sqrt(sigma2),
    predictions: predictionsWithIntervals(
      fit.result.forecast(horizon),
      forecastVariances(sigma2, horizon, fit.alpha, fit.beta, { gamma: fit.gamma, period: fit.period }),
      z,
    ),
    // The deseasonalised level, so a weekend dip is not read as a decline.
    trend: classifyTrend(fit.result.levels[n - 1]!, fit.result.trends[n - 1]!),
    backtest,
  };
}

/**
 * growing when the last fitted slope exceeds TREND_THRESHOLD_PER_DAY of the last level, declining below minus that,
 * stable otherwise. A relative threshold makes "+3 a day" mean growth for a page with 50 views and noise for one with
 * 50,000. At a level of 0 any rise is growth and any fall a decline.
 */
export function classifyTrend(level: number, slope: number): Trend {
  const threshold = TREND_THRESHOLD_PER_DAY * Math.abs(level);
  if (slope > threshold) return "growing";
  if (slope < -threshold) return "declining";
  return "stable";
}

/** The last min(MAX_BACKTEST_DAYS, ⌊n/4⌋) days held out and forecast from the rest; null when none can be (n < 4). */
export function holdoutForecast(daily: readonly number[]): { actual: number[]; forecast: DailyForecast } | null {
  const holdout = Math.min(MAX_BACKTEST_DAYS, Math.floor(daily.length / 4));
  if (holdout === 0) return null;
  return { actual: daily.slice(daily.length - holdout), forecast: forecastDailySeries(daily.slice(0, daily.length - holdout), holdout, { backtest: false }) };
}

/** A hold-out forecast scored: MAE, RMSE and MAPE of the clamped point forecasts. */
export function scoreHoldout({ actual, forecast }: { actual: readonly number[]; forecast: DailyForecast }): Backtest {
  const errors = forecast.predictions.map((prediction, i) => actual[i]! - prediction.value);
  return {
    model: forecast.model,
    horizon_days: actual.length,
    mae: meanOf(errors.map(Math.abs)),
    rmse: Math.sqrt(meanOf(errors.map((e) => e * e))),
    mape: actual.some((value) => value === 0) ? null : 100 * meanOf(errors.map((e, i) => Math.abs(e) / actual[i]!)),
  };
}

/**
 * Holds out the last min(MAX_BACKTEST_DAYS, ⌊n/4⌋) days, forecasts them from the rest with the same model selection
 * as forecastDailySeries, and scores the clamped point forecasts. null when nothing can be held out (n < 4).
 */
export function backtestDailySeries(daily: readonly number[]): Backtest | null {
  const held = holdoutForecast(daily);
  return held ? scoreHoldout(held) : null;
}

function predictionsWithIntervals(points: readonly number[], variances: readonly number[], z: number): Prediction[] {
  return points.map((point, i) => {
    const halfWidth = z * Math.sqrt(variances[i]!);
    return {
      step: i + 1,
      value: Math.max(0, point),
      lower: Math.max(0, point - halfWidth),
      upper: Math.max(0, point + halfWidth),
    };
  });
}

function meanOf(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
