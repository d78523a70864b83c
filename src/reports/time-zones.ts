// Local calendar arithmetic for reports: an instant's date and hour in the project's time zone, ISO weeks, and local midnights.

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when Intl (ICU in workerd) knows the zone: an IANA name such as "Europe/Berlin", or "UTC". */
export function validTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== "string" || timeZone === "") return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar date, "YYYY-MM-DD", of an instant in the zone. */
export function localDate(epochMs: number, timeZone: string): string {
  return formatDate(wallClockMs(epochMs, timeZone));
}

/** The local date of an instant as a day number, days since 1970-01-01: cheaper than a string for grouping. */
export function localDayNumber(epochMs: number, timeZone: string): number {
  return Math.floor(wallClockMs(epochMs, timeZone) / DAY_MS);
}

/** The day number of a calendar date (days since 1970-01-01), and back. */
export function dayNumber(date: string): number {
  return parseDate(date) / DAY_MS;
}
export function dateOfDayNumber(day: number): string {
  return formatDate(day * DAY_MS);
}

/** The local hour of day, 0–23, of an instant in the zone. */
export function localHour(epochMs: number, timeZone: string): number {
  return new Date(wallClockMs(epochMs, timeZone)).getUTCHours();
}

/**
 * The ISO 8601 week, "YYYY-Www", of a calendar date. The year is the week-year, which differs from the calendar
 * year near 1 January: a week belongs to the year holding its Thursday, so 2027-01-01 (a Friday) is 2026-W53.
 */
export function isoWeek(date: string): string {
  const thursday = parseDate(date) + (3 - isoWeekday(date)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${String(year).padStart(4, "0")}-W${String(week).padStart(2, "0")}`;
}

/** The Monday, "YYYY-MM-DD", that starts the ISO week holding the date. */
export function isoWeekStart(date: string): string {
  return addDays(date, -isoWeekday(date));
}

/** The calendar date n days after (or before, for negative n) the given one. */
export function addDays(date: string, n: number): string {
  return formatDate(parseDate(date) + n * DAY_MS);
}

/** Whole calendar days from one date to a later one (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseDate(to) - parseDate(from)) / DAY_MS);
}

/**
 * The first instant whose local date is `date`. Usually local midnight, but not always: when a clock change skips
 * midnight (São Paulo began DST at 00:00 until 2018, so 2018-11-04 began at 01:00 local, 03:00Z) the day begins at
 * the change, and when midnight happens twice the first one counts. Days are therefore 23, 24 or 25 hours long and
 * never "start + 86 400 000"; callers step through dates and ask for each start.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  const wall = parseDate(date);
  if (isUtc(timeZone)) return wall;
  // Fast path: the offset in force at the guess is usually the one in force at midnight.
  const guess = wall - offsetMs(wall - offsetMs(wall, timeZone), timeZone);
  if (isDayStart(guess, wall, timeZone)) return guess;
  // Otherwise search: UTC offsets lie within −12 h and +14 h, so local midnight falls within [wall − 15 h, wall + 13 h].
  // Transitions happen on whole seconds, so the search runs in seconds.
  let lo = (wall - 15 * 3_600_000) / 1000; // wall clock still before midnight
  let hi = (wall + 13 * 3_600_000) / 1000; // wall clock already past midnight
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClockMs(mid * 1000, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

function isDayStart(t: number, wall: number, timeZone: string): boolean {
  return wallClockMs(t, timeZone) === wall && wallClockMs(t - 1000, timeZone) < wall;
}

/** Local wall-clock time as if it were UTC, to the second: the instant plus the zone's offset at that instant. */
function wallClockMs(epochMs: number, timeZone: string): number {
  if (!Number.isFinite(epochMs)) throw new RangeError(`Not a finite instant: ${epochMs}`);
  if (isUtc(timeZone)) return epochMs;
  return epochMs + offsetMs(epochMs, timeZone);
}

/**
 * The zone's offset at an instant. An Intl call costs microseconds and a report makes one per event, so offsets are
 * cached per zone and UTC day: when the offset at a day's first and last second agree (every day but the one or two
 * a year with a clock change), it holds all day. Bounded, because the isolate outlives the request.
 */
function offsetMs(epochMs: number, timeZone: string): number {
  const day = Math.floor(epochMs / DAY_MS);
  let offset = offsetCache.get(timeZone)?.get(day);
  if (offset === undefined) {
    const first = exactOffsetMs(day * DAY_MS, timeZone); // throws for an unknown zone before anything is cached
    offset = first === exactOffsetMs((day + 1) * DAY_MS - 1000, timeZone) ? first : Number.NaN;
    if (offsetCacheSize >= OFFSET_CACHE_LIMIT) {
      offsetCache.clear();
      offsetCacheSize = 0;
    }
    let zone = offsetCache.get(timeZone);
    if (zone === undefined) offsetCache.set(timeZone, (zone = new Map()));
    zone.set(day, offset);
    offsetCacheSize++;
  }
  return Number.isNaN(offset) ? exactOffsetMs(epochMs, timeZone) : offset;
}
const OFFSET_CACHE_LIMIT = 50_000;
const offsetCache = new Map<string, Map<number, number>>();
let offsetCacheSize = 0;

function exactOffsetMs(epochMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(epochMs)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

// Building a DateTimeFormat costs far more than using one, and a report formats every event it reads.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone, calendar: "gregory", numberingSystem: "latn", hourCycle: "h23",
      year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// UTC needs no Intl at all; it is the default zone, so most reports take this path.
function isUtc(timeZone: string): boolean {
  return timeZone === "UTC" || timeZone === "Etc/UTC";
}

/** Monday 0 … Sunday 6. */
function isoWeekday(date: string): number {
  return (new Date(parseDate(date)).getUTCDay() + 6) % 7;
}

function parseDate(date: string): number {
  const m = DATE_PATTERN.exec(date);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const ms = m ? new Date(0).setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  // Date.UTC rolls 2026-02-30 over to March; a date that does not round-trip does not exist.
  if (!m || formatDate(ms) !== date) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  return ms;
}

function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
