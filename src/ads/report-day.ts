// Which day the ads jobs read up to: the last complete UTC day before `as_of` (a day still under way would look like a drop).
export const DAY_MS = 86_400_000;

export const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The last complete UTC day before the instant: at 05:00 on the 20th, the 19th; at 00:00 on the 20th, the 19th too. */
export function lastCompleteDay(asOf: number): string {
  return isoDate(Math.floor(asOf / DAY_MS) * DAY_MS - 1);
}

/** `date` moved by `days` (negative for earlier), as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  return isoDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
