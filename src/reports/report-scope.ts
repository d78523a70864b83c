// Who may read a project's reports, and in which time zone its days are cut.
import type { AppContext } from "../http/context";
import { ApiError } from "../http/errors";
import { projectOf, requireProjectAdmin } from "../http/principal";
import { database } from "../db/client";
import { requireProject } from "../projects/projects";
import { addDays, isDate } from "./day-range";

export async function reportProject(c: AppContext, requested: string | undefined) {
  const principal = c.get("principal");
  const projectId = projectOf(principal, requested);
  requireProjectAdmin(principal, projectId);
  const project = await requireProject(database(c.env.DB), projectId);
  return { projectId, timeZone: project.timeZone };
}

/** Validates a from/to pair of dates: well-formed, ordered, and no longer than the configured maximum. */
export function dateRange(from: string, to: string, maxDays: number): { from: string; to: string } {
  for (const [name, value] of [["from", from], ["to", to]] as const) {
    if (!isDate(value)) throw new ApiError(400, "invalid_date", `${name} must be a date as YYYY-MM-DD`);
  }
  if (to < from) throw new ApiError(400, "invalid_range", "to is before from");
  if (addDays(from, maxDays - 1) < to) throw new ApiError(400, "range_too_large", `A range may span at most ${maxDays} days (REPORT_MAX_RANGE_DAYS)`, { limit: "REPORT_MAX_RANGE_DAYS", max_days: maxDays });
  return { from, to };
}
