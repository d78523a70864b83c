// POST /v1/reports/cohorts: weekly retention cohorts (seed 003), computed from stored events and cached for an hour.
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import { database } from "../db/client";
import type { AppContext } from "../http/context";
import { ApiError, errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { requireProject } from "../projects/projects";
import { DEFAULT_COHORT_WEEKS, MAX_COHORT_WEEKS } from "./cohorts";
import { dayBounds, isDate } from "./day-range";
import { isReportDate, MAX_REPORT_DATE, MIN_REPORT_DATE } from "./report-dates";
import { loadCohorts } from "./load-cohorts";
import { cachedReport, REPORT_TTL_SECONDS, reportCacheKey } from "./report-cache";
import { reportProject } from "./report-scope";

const MAX_COHORT_RANGE_DAYS = 366;

/** A date (the whole local day) or an ISO date-time (that instant). */
function instant(value: string, edge: "start" | "end", timeZone: string): number {
  const name = edge === "start" ? "start_date" : "end_date";
  if (isReportDate(value)) return edge === "start" ? dayBounds(value, timeZone).start : dayBounds(value, timeZone).end - 1;
  const t = Date.parse(value);
  const date = value.slice(0, 10);
  // A date-time obeys the same range as a date, judged by the date it is written with.
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(t) || !isDate(date) || !isReportDate(date)) {
    throw new ApiError(400, "invalid_date", `${name} must be YYYY-MM-DD or an ISO-8601 date-time, from ${MIN_REPORT_DATE} to ${MAX_REPORT_DATE}`, { field: name, min: MIN_REPORT_DATE, max: MAX_REPORT_DATE });
  }
  return t;
}

export class PostCohorts extends ApiRoute {
  schema = {
    tags: ["reports"],
    summary: "Weekly retention cohorts by sign-up (the project's signup_event) or first event",
    security: bearerOnly,
    request: {
      query: z.object({ project: z.string().optional() }),
      body: {
        content: {
          "application/json": {
            schema: z.object({
              start_date: z.string().describe("YYYY-MM-DD (the whole local day) or an ISO-8601 date-time, from 1970-01-01 to 9999-12-30"),
              end_date: z.string().describe("YYYY-MM-DD (included) or an ISO-8601 date-time"),
              cohort_type: z.enum(["registration", "first_seen"]),
              weeks: z.number().int().min(1).max(MAX_COHORT_WEEKS).default(DEFAULT_COHORT_WEEKS),
            }),
          },
        },
      },
    },
    responses: {
      "200": jsonResponse(
        "Cohorts",
        z.object({
          cohort_type: z.string(),
          start_date: z.string(),
          end_date: z.string(),
          time_zone: z.string(),
          weeks: z.number(),
          cohorts: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
          overall_retention_rate: z.number(),
          retention_eligible_users: z.number(),
          total_users_analyzed: z.number(),
        }),
      ),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  };
  async handle(c: AppContext) {
    const { body, query } = await this.getValidatedData<typeof this.schema>();
    const { projectId, timeZone } = await reportProject(c, query.project);
    const start = instant(body.start_date, "start", timeZone);
    const end = instant(body.end_date, "end", timeZone);
    if (end < start) throw new ApiError(400, "invalid_range", "end_date is before start_date");
    if (end - start > MAX_COHORT_RANGE_DAYS * 86_400_000) throw new ApiError(400, "range_too_large", `Cohorts span at most ${MAX_COHORT_RANGE_DAYS} days`);
    const project = await requireProject(database(c.env.DB), projectId);
    if (body.cohort_type === "registration" && !project.signupEvent) {
      throw new ApiError(400, "signup_event_not_configured", "Registration cohorts need the project's signup_event (PATCH /v1/admin/projects/:project)");
    }
    const key = reportCacheKey("cohorts", projectId, { ...body, time_zone: timeZone, signup_event: project.signupEvent });
    return cachedReport(key, REPORT_TTL_SECONDS.cohorts, async () => {
      const signupEvent = body.cohort_type === "registration" ? project.signupEvent : null;
      const report = await loadCohorts(c.env.DB, { projectId, start, end, weeks: body.weeks, timeZone, signupEvent, now: Date.now() });
      return { cohort_type: body.cohort_type, start_date: body.start_date, end_date: body.end_date, ...report };
    });
  }
}
