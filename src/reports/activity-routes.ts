// Activity report routes: DAU for a day (seed 002's shape), active users over time, and event counts by name.
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import { config } from "../env";
import type { AppContext } from "../http/context";
import { errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { activeSeries, dauOf, eventsSummary } from "./activity";
import { addDays, today } from "./day-range";
import { dateRange, reportDate, reportDateParam } from "./report-dates";
import { reportProject } from "./report-scope";

const project = z.string().optional().describe("Only for the operator token, which spans projects");

export class GetDau extends ApiRoute {
  schema = {
    tags: ["reports"],
    summary: "Daily active users of one day (default: yesterday) in the project's time zone",
    security: bearerOnly,
    request: { query: z.object({ date: reportDateParam.optional(), project }) },
    responses: {
      "200": jsonResponse(
        "DAU",
        z.object({ dau: z.number(), date: z.string(), period: z.literal("24h"), time_zone: z.string(), source: z.enum(["rollup", "raw"]) }),
      ),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const { projectId, timeZone } = await reportProject(c, query.project);
    const now = Date.now();
    const date = query.date === undefined ? addDays(today(now, timeZone), -1) : reportDate("date", query.date);
    const { dau, source } = await dauOf(c.env.DB, projectId, date, timeZone, now);
    return { dau, date, period: "24h" as const, time_zone: timeZone, source };
  }
}

export class GetActive extends ApiRoute {
  schema = {
    tags: ["reports"],
    summary: "Active users per day, ISO week (Monday first) or month, over [from, to]",
    security: bearerOnly,
    request: { query: z.object({ from: reportDateParam, to: reportDateParam, granularity: z.enum(["day", "week", "month"]).default("day"), project }) },
    responses: {
      "200": jsonResponse(
        "Series",
        z.object({
          from: z.string(),
          to: z.string(),
          granularity: z.string(),
          time_zone: z.string(),
          series: z.array(z.object({ period: z.string(), from: z.string(), to: z.string(), active_users: z.number() })),
        }),
      ),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const { projectId, timeZone } = await reportProject(c, query.project);
    const range = dateRange(query.from, query.to, config(c.env).REPORT_MAX_RANGE_DAYS);
    const series = await activeSeries(c.env.DB, projectId, range.from, range.to, query.granularity, timeZone, Date.now());
    return { ...range, granularity: query.granularity, time_zone: timeZone, series };
  }
}

export class GetEventsSummary extends ApiRoute {
  schema = {
    tags: ["reports"],
    summary: "Event counts by name over [from, to]",
    security: bearerOnly,
    request: { query: z.object({ from: reportDateParam, to: reportDateParam, project }) },
    responses: {
      "200": jsonResponse(
        "Counts",
        z.object({
          from: z.string(),
          to: z.string(),
          time_zone: z.string(),
          total: z.number(),
          events: z.array(z.object({ event_name: z.string(), count: z.number() })),
          days_from_rollups: z.number(),
          days_from_raw_events: z.number(),
        }),
      ),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const { projectId, timeZone } = await reportProject(c, query.project);
    const range = dateRange(query.from, query.to, config(c.env).REPORT_MAX_RANGE_DAYS);
    return { ...range, time_zone: timeZone, ...(await eventsSummary(c.env.DB, projectId, range.from, range.to, timeZone, Date.now())) };
  }
}
