// Local days as UTC instants: the half-open [start, end) of a project's calendar day, and date arithmetic on "YYYY-MM-DD".
import { addDays, localDate, startOfLocalDay } from "./time-zones";

export { addDays };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDate(s: string): boolean {
  return DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}

/** [start, end) in epoch ms of `date` in `timeZone`; DST days are 23 or 25 hours long. */
export function dayBounds(date: string, timeZone: string): { start: number; end: number } {
  return { start: startOfLocalDay(date, timeZone), end: startOfLocalDay(addDays(date, 1), timeZone) };
}

export function today(now: number, timeZone: string): string {
  return localDate(now, timeZone);
}

export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
