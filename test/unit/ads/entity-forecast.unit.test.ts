// Ads forecasts: the daily series they fit on, CPL as the ratio of the spend and leads forecasts, and the horizon's dates.
import { describe, expect, it } from "vitest";
import { dailySeries, forecastEntity } from "../../../src/ads/forecasts/entity-forecast";
import type { InsightDay } from "../../../src/ads/insight-day";
import { addDays } from "../../../src/ads/report-day";
import { backtestDailySeries, forecastDailySeries } from "../../../src/stats/forecast/popularity-forecast";

const day = (date: string, spend: number, leads: number): InsightDay => ({ entityId: "c1", date, spend, impressions: 1000, reach: 900, clicks: 10, leads, frequency: null });
const history = (n: number, last: string, f: (i: number) => [number, number]) => Array.from({ length: n }, (_, i) => day(addDays(last, i - n + 1), ...f(i)));

describe("dailySeries", () => {
  it("fills days without a row with 0 from the first day with data, and ignores days after lastDay or before the window", () => {
    const days = [day("2026-11-01", 5, 1), day("2026-11-04", 7, 2), day("2026-11-09", 9, 9), day("2026-01-01", 1, 1)];
    expect(dailySeries(days, "2026-11-05")).toEqual({ first: "2026-11-01", spend: [5, 0, 0, 7, 0], leads: [1, 0, 0, 2, 0] });
    expect(dailySeries([day("2026-11-09", 1, 1)], "2026-11-05")).toBeNull();
  });
});

describe("forecastEntity", () => {
  it("continues a straight line exactly (Holt–Winters on a linear series), and CPL is spend over leads day by day", () => {
    // spend = 100 + 2i, leads = 10 + i/7·0 … a linear spend and a flat lead count: CPL must be spend/10 each day.
    const f = forecastEntity(history(28, "2026-11-28", (i) => [100 + 2 * i, 10]), "2026-11-28", 3)!;
    expect(f.history_days).toBe(28);
    expect(f.spend.predictions.map((p) => p.date)).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
    // The next values of 100 + 2i for i = 28, 29, 30.
    f.spend.predictions.forEach((p, k) => expect(p.value).toBeCloseTo(156 + 2 * k, 6));
    f.leads.predictions.forEach((p) => expect(p.value).toBeCloseTo(10, 6));
    f.cpl.predictions.forEach((p, k) => expect(p.value).toBeCloseTo((156 + 2 * k) / 10, 6));
    expect(f.spend.total.value).toBeCloseTo(156 + 158 + 160, 6);
    expect(f.cpl.total.value).toBeCloseTo((156 + 158 + 160) / 30, 6);
    expect(f.cpl.backtest).toMatchObject({ metric: "cpl", horizon_days: 7 });
  });

  it("uses the same fit as the popularity forecast for each series, and pairs the extremes for CPL's bounds", () => {
    const days = history(30, "2026-11-28", (i) => [50 + 20 * Math.sin(i) + (i % 7 === 0 ? 30 : 0), 3 + (i % 3)]);
    const f = forecastEntity(days, "2026-11-28", 5)!;
    const series = dailySeries(days, "2026-11-28")!;
    const spend = forecastDailySeries(series.spend, 5);
    const leads = forecastDailySeries(series.leads, 5);
    expect(f.spend.predictions.map((p) => p.value)).toEqual(spend.predictions.map((p) => p.value));
    expect(f.spend.model).toBe("holt_winters_weekly_v1");
    // The hold-out fit is shared with CPL's backtest, and scores exactly as the popularity forecast's backtest does.
    expect(f.spend.backtest).toEqual({ metric: "spend", ...backtestDailySeries(series.spend) });
    expect(f.leads.backtest).toEqual({ metric: "leads", ...backtestDailySeries(series.leads) });
    f.cpl.predictions.forEach((p, k) => {
      const s = spend.predictions[k]!;
      const l = leads.predictions[k]!;
      expect(p.value).toBeCloseTo(s.value / l.value, 12);
      expect(p.lower).toBeCloseTo(s.lower / l.upper, 12);
      expect(p.upper).toBe(l.lower > 0 ? s.upper / l.lower : null);
    });
  });

  it("gives null CPL (never Infinity or NaN) where leads are forecast at 0, and null for an entity without data", () => {
    const f = forecastEntity(history(10, "2026-11-28", () => [20, 0]), "2026-11-28", 2)!;
    expect(f.cpl.predictions.every((p) => p.value === null && p.upper === null)).toBe(true);
    expect(JSON.stringify(f)).not.toMatch(/NaN|Infinity/);
    expect(forecastEntity([], "2026-11-28", 2)).toBeNull();
    expect(() => forecastEntity(history(3, "2026-11-28", () => [1, 1]), "2026-11-28", 91)).toThrow(RangeError);
  });
});
