// Which day the ads jobs read up to: the last complete UTC day before `as_of` (a day still under way would look like a drop).
export { addDays, daysBetween } from "../reports/time-zones";

export const DAY_MS = 86_400_000;

/** The last complete UTC day before the instant: at 05:00 on the 20th, the 19th; at 00:00 on the 20th, the 19th too. */
export function lastCompleteDay(asOf: number): string {
  return new Date(Math.floor(asOf / DAY_MS) * DAY_MS - 1).toISOString().slice(0, 10);
}
