// POST /v1/forecasts/popularity (seed 003): a resource's daily event counts → Holt / Holt-Winters forecast with intervals.
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import type { AppContext } from "../http/context";
import { errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { forecastDailySeries } from "../stats/forecast/popularity-forecast";
import { addDays, dayBounds, today } from "./day-range";
import { cachedReport, REPORT_TTL_SECONDS, reportCacheKey } from "./report-cache";
import { reportProject } from "./report-scope";
import { localDate } from "./time-zones";

/** Days of history the model sees: enough for Holt-Winters' weekly season, short enough to follow a trend. */
export const FORECAST_HISTORY_DAYS = 90;
// All UTC offsets are multiples of 15 minutes: counts per 15-minute bucket map to local days exactly.
const BUCKET_MS = 15 * 60_000;

export class PostPopularityForecast extends ApiRoute {
  schema = {
    tags: ["reports"],
    summary: "Forecast a resource's daily events (Holt's linear trend; Holt-Winters weekly with ≥ 14 days of history)",
    security: bearerOnly,
    request: {
      query: z.object({ project: z.string().optional() }),
      body: {
        content: {
          "application/json": {
            schema: z.object({
              resource_type: z.string().min(1).max(64),
              resource_id: z.string().min(1).max(128),
              horizon_days: z.number().int().min(1).max(90).default(7),
              event_name: z.string().max(64).optional().describe("Count only this event (default: every event on the resource)"),
            }),
          },
        },
      },
    },
    responses: { "200": jsonResponse("Forecast", z.record(z.string(), z.unknown())), ...errorResponses(400, 401, 403, 404, 429) },
  };
  async handle(c: AppContext) {
    const { body, query } = await this.getValidatedData<typeof this.schema>();
    const { projectId, timeZone } = await reportProject(c, query.project);
    const now = Date.now();
    // Closed days only: today's partial count would look like a collapse.
    const lastDay = addDays(today(now, timeZone), -1);
    const key = reportCacheKey("forecast", projectId, { ...body, lastDay, time_zone: timeZone });
    return cachedReport(key, REPORT_TTL_SECONDS.forecast, async () => {
      const [totals, buckets] = await c.env.DB.batch<Record<string, number>>([
        c.env.DB.prepare(
          `SELECT count(*) AS n, min(occurred_at) AS first FROM events
            WHERE project_id = ?1 AND resource_type = ?2 AND resource_id = ?3 AND (?4 IS NULL OR event_name = ?4)`,
        ).bind(projectId, body.resource_type, body.resource_id, body.event_name ?? null),
        c.env.DB.prepare(
          `SELECT (occurred_at / ${BUCKET_MS}) * ${BUCKET_MS} AS bucket, count(*) AS n FROM events
            WHERE project_id = ?1 AND resource_type = ?2 AND resource_id = ?3 AND (?4 IS NULL OR event_name = ?4)
              AND occurred_at >= ?5 AND occurred_at < ?6 GROUP BY bucket`,
        ).bind(projectId, body.resource_type, body.resource_id, body.event_name ?? null, dayBounds(addDays(lastDay, -(FORECAST_HISTORY_DAYS - 1)), timeZone).start, dayBounds(lastDay, timeZone).end),
      ]);
      const total = totals!.results[0] as { n: number; first: number | null };
      // The history starts at the resource's first day (a new post has no 90-day past) and has no gaps.
      const firstDay = total.first === null ? lastDay : localDate(total.first, timeZone);
      const historyStart = [firstDay, addDays(lastDay, -(FORECAST_HISTORY_DAYS - 1))].sort().at(-1)!;
      const perDay = new Map<string, number>();
      for (const b of buckets!.results as Array<{ bucket: number; n: number }>) {
        const d = localDate(b.bucket, timeZone);
        perDay.set(d, (perDay.get(d) ?? 0) + b.n);
      }
      const dates: string[] = [];
      for (let d = historyStart; d <= lastDay; d = addDays(d, 1)) dates.push(d);
      const daily = total.first === null ? [] : dates.map((d) => perDay.get(d) ?? 0);
      const f = forecastDailySeries(daily, body.horizon_days);
      return {
        resource_type: body.resource_type,
        resource_id: body.resource_id,
        event_name: body.event_name ?? null,
        time_zone: timeZone,
        horizon_days: body.horizon_days,
        current_total: total.n,
        history_days: daily.length,
        history_through: lastDay,
        model: f.model,
        model_version: f.model_version,
        params: f.params,
        residual_sd: f.residual_sd,
        trend: f.trend,
        predictions: f.predictions.map((p) => ({ date: addDays(lastDay, p.step), predicted: p.value, lower: p.lower, upper: p.upper })),
        backtest: f.backtest,
      };
    });
  }
}
