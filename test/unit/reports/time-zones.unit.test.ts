// Local dates and hours, ISO week-years, and where local days begin across DST changes, in workerd's ICU.
import { describe, expect, it } from "vitest";
import {
  addDays, dateOfDayNumber, dayNumber, daysBetween, isoWeek, isoWeekStart, localDate, localDayNumber, localHour, startOfLocalDay,
  validTimeZone,
} from "../../../src/reports/time-zones";

const at = (iso: string) => Date.parse(iso);
const LA = "America/Los_Angeles";
const BERLIN = "Europe/Berlin";
const SAO_PAULO = "America/Sao_Paulo";

describe("validTimeZone", () => {
  it("accepts IANA names and UTC, rejects the rest", () => {
    expect(validTimeZone("Europe/Berlin")).toBe(true);
    expect(validTimeZone("UTC")).toBe(true);
    expect(validTimeZone("Asia/Kolkata")).toBe(true);
    expect(validTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(validTimeZone("")).toBe(false);
  });
});

describe("localDate and localHour", () => {
  it("puts 2026-03-02T02:00Z on Sunday evening in Los Angeles and Monday night in UTC", () => {
    expect(localDate(at("2026-03-02T02:00:00Z"), "UTC")).toBe("2026-03-02");
    expect(localHour(at("2026-03-02T02:00:00Z"), "UTC")).toBe(2);
    expect(localDate(at("2026-03-02T02:00:00Z"), LA)).toBe("2026-03-01"); // PST, UTC−8
    expect(localHour(at("2026-03-02T02:00:00Z"), LA)).toBe(18);
  });

  it("skips 02:00–02:59 when Berlin springs forward on 2026-03-29", () => {
    expect(localHour(at("2026-03-29T00:59:59Z"), BERLIN)).toBe(1); // 01:59:59 CET
    expect(localHour(at("2026-03-29T01:00:00Z"), BERLIN)).toBe(3); // 03:00 CEST
  });

  it("lives 02:00–02:59 twice when Berlin falls back on 2026-10-25", () => {
    expect(localHour(at("2026-10-25T00:30:00Z"), BERLIN)).toBe(2); // 02:30 CEST
    expect(localHour(at("2026-10-25T01:30:00Z"), BERLIN)).toBe(2); // 02:30 CET
    expect(localDate(at("2026-10-25T01:30:00Z"), BERLIN)).toBe("2026-10-25");
  });

  it("agrees with a direct Intl formatting at every half hour of 2026, clock changes included (offsets are cached per day)", () => {
    const mismatches: string[] = [];
    for (const tz of [BERLIN, LA, "Australia/Lord_Howe", "Asia/Kathmandu"]) {
      const direct = new Intl.DateTimeFormat("en-CA", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit" });
      for (let t = at("2026-01-01T00:15:00Z"); t < at("2027-01-01T00:00:00Z"); t += 1_800_000) {
        const p = Object.fromEntries(direct.formatToParts(t).map((x) => [x.type, x.value]));
        const ours = `${localDate(t, tz)} ${localHour(t, tz)}`;
        const theirs = `${p.year}-${p.month}-${p.day} ${Number(p.hour)}`;
        if (ours !== theirs) mismatches.push(`${tz} ${new Date(t).toISOString()}: ${ours} ≠ ${theirs}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("numbers local days from 1970-01-01", () => {
    expect(localDayNumber(at("1970-01-01T23:59:59Z"), "UTC")).toBe(0);
    expect(localDayNumber(at("2026-03-02T02:00:00Z"), "UTC")).toBe(dayNumber("2026-03-02"));
    expect(localDayNumber(at("2026-03-02T02:00:00Z"), LA)).toBe(dayNumber("2026-03-01"));
    expect(dateOfDayNumber(dayNumber("2027-01-01"))).toBe("2027-01-01");
    expect(dayNumber("1969-12-31")).toBe(-1);
  });

  it("handles half-hour offsets", () => {
    expect(localDate(at("2025-12-31T18:29:59Z"), "Asia/Kolkata")).toBe("2025-12-31");
    expect(localDate(at("2025-12-31T18:30:00Z"), "Asia/Kolkata")).toBe("2026-01-01");
    expect(localHour(at("2025-12-31T18:30:00Z"), "Asia/Kolkata")).toBe(0);
  });
});

describe("isoWeek", () => {
  it("uses the ISO week-year: a week belongs to the year of its Thursday", () => {
    expect(isoWeek("2025-12-29")).toBe("2026-W01"); // Monday of the week holding Thursday 2026-01-01
    expect(isoWeek("2026-01-01")).toBe("2026-W01"); // a Thursday
    expect(isoWeek("2026-01-04")).toBe("2026-W01"); // Sunday
    expect(isoWeek("2026-01-05")).toBe("2026-W02");
    expect(isoWeek("2026-03-01")).toBe("2026-W09"); // Sunday
    expect(isoWeek("2026-03-02")).toBe("2026-W10"); // Monday
  });

  it("gives 2026 a week 53, which spills into January 2027", () => {
    expect(isoWeek("2026-12-27")).toBe("2026-W52"); // Sunday
    expect(isoWeek("2026-12-28")).toBe("2026-W53"); // Monday
    expect(isoWeek("2026-12-31")).toBe("2026-W53"); // Thursday
    expect(isoWeek("2027-01-01")).toBe("2026-W53"); // Friday
    expect(isoWeek("2027-01-03")).toBe("2026-W53"); // Sunday
    expect(isoWeek("2027-01-04")).toBe("2027-W01");
  });

  it("matches other known year ends", () => {
    expect(isoWeek("2021-01-03")).toBe("2020-W53");
    expect(isoWeek("2024-12-29")).toBe("2024-W52");
    expect(isoWeek("2024-12-30")).toBe("2025-W01");
  });
});

describe("calendar arithmetic", () => {
  it("finds the Monday of a week across a year boundary", () => {
    expect(isoWeekStart("2027-01-01")).toBe("2026-12-28");
    expect(isoWeekStart("2026-03-02")).toBe("2026-03-02");
    expect(isoWeekStart("2026-03-08")).toBe("2026-03-02");
  });

  it("adds and counts days through leap years", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(daysBetween("2026-03-10", "2026-03-31")).toBe(21);
    expect(daysBetween("2026-03-31", "2026-03-10")).toBe(-21);
  });

  it("rejects what is not a calendar date", () => {
    expect(() => isoWeek("2026-02-30")).toThrow(RangeError);
    expect(() => addDays("2026-3-1", 1)).toThrow(RangeError);
    expect(() => startOfLocalDay("2026-03-01T00:00:00Z", "UTC")).toThrow(RangeError);
  });
});

describe("startOfLocalDay", () => {
  const hours = (from: string, to: string, tz: string) => (startOfLocalDay(to, tz) - startOfLocalDay(from, tz)) / 3_600_000;

  it("is midnight UTC in UTC", () => {
    expect(startOfLocalDay("2026-03-02", "UTC")).toBe(at("2026-03-02T00:00:00Z"));
  });

  it("makes Berlin's 2026-03-29 23 hours long and 2026-10-25 25 hours long", () => {
    expect(startOfLocalDay("2026-03-29", BERLIN)).toBe(at("2026-03-28T23:00:00Z"));
    expect(startOfLocalDay("2026-03-30", BERLIN)).toBe(at("2026-03-29T22:00:00Z"));
    expect(hours("2026-03-29", "2026-03-30", BERLIN)).toBe(23);
    expect(startOfLocalDay("2026-10-25", BERLIN)).toBe(at("2026-10-24T22:00:00Z"));
    expect(startOfLocalDay("2026-10-26", BERLIN)).toBe(at("2026-10-25T23:00:00Z"));
    expect(hours("2026-10-25", "2026-10-26", BERLIN)).toBe(25);
  });

  it("starts São Paulo's 2018-11-04 at 01:00 local, because DST skipped its midnight", () => {
    expect(startOfLocalDay("2018-11-04", SAO_PAULO)).toBe(at("2018-11-04T03:00:00Z"));
    expect(localDate(at("2018-11-04T02:59:59Z"), SAO_PAULO)).toBe("2018-11-03");
    expect(localHour(at("2018-11-04T03:00:00Z"), SAO_PAULO)).toBe(1);
    expect(hours("2018-11-04", "2018-11-05", SAO_PAULO)).toBe(23);
  });

  it("makes São Paulo's 2019-02-16 25 hours long, ending DST at midnight", () => {
    expect(startOfLocalDay("2019-02-16", SAO_PAULO)).toBe(at("2019-02-16T02:00:00Z")); // −02
    expect(startOfLocalDay("2019-02-17", SAO_PAULO)).toBe(at("2019-02-17T03:00:00Z")); // −03
  });

  it("takes the first of two midnights (Havana falls back 01:00 → 00:00)", () => {
    expect(startOfLocalDay("2026-11-01", "America/Havana")).toBe(at("2026-11-01T04:00:00Z"));
    expect(localDate(at("2026-11-01T03:59:59Z"), "America/Havana")).toBe("2026-10-31");
  });

  it("handles the Los Angeles spring-forward week and half-hour offsets", () => {
    expect(startOfLocalDay("2026-03-08", LA)).toBe(at("2026-03-08T08:00:00Z")); // PST
    expect(startOfLocalDay("2026-03-09", LA)).toBe(at("2026-03-09T07:00:00Z")); // PDT
    expect(startOfLocalDay("2026-01-01", "Asia/Kolkata")).toBe(at("2025-12-31T18:30:00Z"));
  });

  it("gives a date Samoa skipped (2011-12-30) no length: it starts when 2011-12-31 does", () => {
    expect(startOfLocalDay("2011-12-30", "Pacific/Apia")).toBe(startOfLocalDay("2011-12-31", "Pacific/Apia"));
    expect(startOfLocalDay("2011-12-31", "Pacific/Apia")).toBe(at("2011-12-30T10:00:00Z"));
  });

  it("is always an instant on that date whose previous second is on an earlier date", () => {
    for (const tz of [BERLIN, LA, SAO_PAULO, "Australia/Lord_Howe", "Asia/Kathmandu"]) {
      for (let date = "2018-01-01"; date < "2018-12-31"; date = addDays(date, 1)) {
        const start = startOfLocalDay(date, tz);
        expect(localDate(start, tz)).toBe(date);
        expect(localDate(start - 1, tz) < date).toBe(true);
      }
    }
  });
});

describe("calendar dates with years 0–99", () => {
  it("are the years written, not 1900–1999 (Date.UTC's reading)", () => {
    expect(addDays("0050-06-15", 1)).toBe("0050-06-16");
    expect(daysBetween("0099-12-31", "0100-01-01")).toBe(1);
    expect(() => addDays("0050-02-30", 0)).toThrow(RangeError);
  });
});
