// Spend, leads and CPL ahead for one entity (pure): Holt / Holt–Winters on daily spend and leads, CPL as their ratio.
import { forecastDailySeries, holdoutForecast, scoreHoldout, type Backtest, type DailyForecast } from "../../stats/forecast/popularity-forecast";
import type { InsightDay } from "../insight-day";
import { addDays, daysBetween } from "../report-day";

/** History a forecast fits on: enough for weekly seasonality many times over, bounded so a fit stays cheap. */
export const FORECAST_HISTORY_DAYS = 120;
export const MAX_HORIZON_DAYS = 90;

export type ForecastPoint = { date: string; value: number | null; lower: number | null; upper: number | null };

export type MetricForecast = {
  model: string;
  predictions: ForecastPoint[];
  /** The horizon's sum (spend, leads) or the CPL of the sums, with the same construction for its bounds. */
  total: { value: number | null; lower: number | null; upper: number | null };
  backtest: (Backtest & { metric: string }) | { metric: "cpl"; horizon_days: number; actual: number | null; predicted: number | null; absolute_error: number | null; percentage_error: number | null } | null;
};

export type EntityForecast = { history_days: number; last_day: string; spend: MetricForecast; leads: MetricForecast; cpl: MetricForecast };

/**
 * Daily values from the entity's first day with data (at most FORECAST_HISTORY_DAYS back) to `lastDay`: a day with no
 * row is a day without delivery, 0. null when the entity has no data in the window at all.
 */
export function dailySeries(days: readonly InsightDay[], lastDay: string): { first: string; spend: number[]; leads: number[] } | null {
  const earliest = addDays(lastDay, -(FORECAST_HISTORY_DAYS - 1));
  const inWindow = days.filter((d) => d.date >= earliest && d.date <= lastDay);
  if (inWindow.length === 0) return null;
  const first = inWindow.reduce((m, d) => (d.date < m ? d.date : m), lastDay);
  const n = daysBetween(first, lastDay) + 1;
  const spend = new Array<number>(n).fill(0);
  const leads = new Array<number>(n).fill(0);
  for (const d of inWindow) {
    const i = daysBetween(first, d.date);
    spend[i] = d.spend;
    leads[i] = d.leads;
  }
  return { first, spend, leads };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

function additive(f: DailyForecast, lastDay: string, metric: string): MetricForecast {
  return {
    model: f.model_version,
    predictions: f.predictions.map((p) => ({ date: addDays(lastDay, p.step), value: p.value, lower: p.lower, upper: p.upper })),
    // Summing the daily bounds overstates the total's spread (errors partly cancel); it is the cautious reading.
    total: { value: sum(f.predictions.map((p) => p.value)), lower: sum(f.predictions.map((p) => p.lower)), upper: sum(f.predictions.map((p) => p.upper)) },
    backtest: f.backtest ? { metric, ...f.backtest } : null,
  };
}

/**
 * CPL is spend forecast ÷ leads forecast, never a forecast of daily CPL: a day without leads has no CPL, and the mean of
 * daily ratios is not the ratio of totals an advertiser pays. Its bounds pair the extremes (low spend over high leads,
 * high spend over low leads), so they are wider than a 95% interval would be; with no lower bound on leads above 0 the
 * upper bound is null (unbounded).
 */
function cplForecast(spend: DailyForecast, leads: DailyForecast, lastDay: string, held: HeldOut): MetricForecast {
  const predictions = spend.predictions.map((s, i) => {
    const l = leads.predictions[i]!;
    return { date: addDays(lastDay, s.step), value: ratio(s.value, l.value), lower: ratio(s.lower, l.upper), upper: ratio(s.upper, l.lower) };
  });
  const total = (k: "value" | "lower" | "upper", j: "value" | "upper" | "lower") =>
    ratio(sum(spend.predictions.map((p) => p[k])), sum(leads.predictions.map((p) => p[j])));
  return { model: `ratio(${spend.model_version}, ${leads.model_version})`, predictions, total: { value: total("value", "value"), lower: total("lower", "upper"), upper: total("upper", "lower") }, backtest: cplBacktest(held) };
}

type HeldOut = { spend: ReturnType<typeof holdoutForecast>; leads: ReturnType<typeof holdoutForecast> };

/** The held-out days' CPL (their spend over their leads) against the ratio of the two forecasts for them. */
function cplBacktest({ spend, leads }: HeldOut): MetricForecast["backtest"] {
  if (!spend || !leads) return null;
  const actual = ratio(sum(spend.actual), sum(leads.actual));
  const predicted = ratio(sum(spend.forecast.predictions.map((p) => p.value)), sum(leads.forecast.predictions.map((p) => p.value)));
  const absolute = actual !== null && predicted !== null ? Math.abs(predicted - actual) : null;
  return { metric: "cpl", horizon_days: spend.actual.length, actual, predicted, absolute_error: absolute, percentage_error: absolute !== null && actual ? (100 * absolute) / actual : null };
}

/** null when the entity has no data in the history window. */
export function forecastEntity(days: readonly InsightDay[], lastDay: string, horizon: number): EntityForecast | null {
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > MAX_HORIZON_DAYS) throw new RangeError(`horizon must be 1–${MAX_HORIZON_DAYS}, got ${horizon}`);
  const series = dailySeries(days, lastDay);
  if (!series) return null;
  // Each series' hold-out forecast is fitted once and serves both its own backtest and CPL's (spend and leads have
  // the same length, so the same days are held out).
  const held: HeldOut = { spend: holdoutForecast(series.spend), leads: holdoutForecast(series.leads) };
  const spend = { ...forecastDailySeries(series.spend, horizon, { backtest: false }), backtest: held.spend && scoreHoldout(held.spend) };
  const leads = { ...forecastDailySeries(series.leads, horizon, { backtest: false }), backtest: held.leads && scoreHoldout(held.leads) };
  return {
    history_days: series.spend.length,
    last_day: lastDay,
    spend: additive(spend, lastDay, "spend"),
    leads: additive(leads, lastDay, "leads"),
    cpl: cplForecast(spend, leads, lastDay, held),
  };
}
