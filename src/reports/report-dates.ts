// The dates a report accepts: one range and one check, used by every route and job that takes a calendar date.
import { z } from "zod";
import { ApiError } from "../http/errors";
import { isDate } from "./day-range";
import { daysBetween } from "./time-zones";

/**
 * Reports cut days from the Unix epoch on, and the last accepted day leaves room for the day after it (a day's end
 * is the next day's start), so every date computed from an accepted one still has four year digits.
 */
export const MIN_REPORT_DATE = "1970-01-01";
export const MAX_REPORT_DATE = "9999-12-30";

const RANGE_TEXT = `a date as YYYY-MM-DD from ${MIN_REPORT_DATE} to ${MAX_REPORT_DATE}`;

/** True for a real calendar date inside the accepted range (ISO dates of equal length sort as strings). */
export function isReportDate(value: string): boolean {
  return isDate(value) && value >= MIN_REPORT_DATE && value <= MAX_REPORT_DATE;
}

/** For OpenAPI: the parameter as documented. The value is checked by `reportDate`, which names the field in its 400. */
export const reportDateParam = z.string().meta({ format: "date" }).describe(`YYYY-MM-DD, ${MIN_REPORT_DATE} … ${MAX_REPORT_DATE}`);

/** The same rule inside a zod object (job parameters). */
export const reportDateSchema = z.string().refine(isReportDate, RANGE_TEXT);

export function reportDate(name: string, value: string): string {
  if (!isReportDate(value)) throw new ApiError(400, "invalid_date", `${name} must be ${RANGE_TEXT}`, { field: name, min: MIN_REPORT_DATE, max: MAX_REPORT_DATE });
  return value;
}

/** Validates a from/to pair of dates: each in range, ordered, and no longer than the configured maximum. */
export function dateRange(from: string, to: string, maxDays: number): { from: string; to: string } {
  reportDate("from", from);
  reportDate("to", to);
  if (to < from) throw new ApiError(400, "invalid_range", "to is before from");
  // Counted in days, not by adding to `from`: near the last accepted date that sum would leave four-digit years.
  if (daysBetween(from, to) + 1 > maxDays) {
    throw new ApiError(400, "range_too_large", `A range may span at most ${maxDays} days (REPORT_MAX_RANGE_DAYS)`, { limit: "REPORT_MAX_RANGE_DAYS", max_days: maxDays });
  }
  return { from, to };
}
