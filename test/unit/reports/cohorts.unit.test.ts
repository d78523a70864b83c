// buildCohorts: hand-computed weekly cohorts in UTC and Los Angeles, week boundaries, week 53, open weeks as null.
import { describe, expect, it } from "vitest";
import { buildCohorts, type CohortOptions, type CohortUser, type UserActivity } from "../../../src/reports/cohorts";

const at = (iso: string) => Date.parse(iso);
const user = (user_id: string, iso: string): CohortUser => ({ user_id, cohort_at: at(iso) });
const act = (user_id: string, iso: string): UserActivity => ({ user_id, active_at: at(iso) });
const MARCH: CohortOptions = {
  start: at("2026-03-01T00:00:00Z"),
  end: at("2026-03-31T23:59:59.999Z"),
  timeZone: "UTC",
  now: at("2026-03-31T12:00:00Z"), // Tuesday of 2026-W14
};

describe("buildCohorts", () => {
  it("is empty, with rate 0, for no users", () => {
    expect(buildCohorts([], [], MARCH)).toEqual({
      time_zone: "UTC", weeks: 4, cohorts: [], overall_retention_rate: 0, retention_eligible_users: 0, total_users_analyzed: 0,
    });
  });

  it("is empty when every user's cohort instant lies outside [start, end]", () => {
    const users = [user("early", "2026-02-28T23:59:59.999Z"), user("late", "2026-04-01T00:00:00Z")];
    const report = buildCohorts(users, [act("early", "2026-03-10T00:00:00Z")], MARCH);
    expect(report.cohorts).toEqual([]);
    expect(report.total_users_analyzed).toBe(0);
  });

  it("gives one user who signed up this week 100 in week 0 and null for every later week", () => {
    const report = buildCohorts([user("u", "2026-03-30T09:00:00Z")], [act("u", "2026-03-31T08:00:00Z")], MARCH);
    expect(report).toEqual({
      time_zone: "UTC",
      weeks: 4,
      cohorts: [{
        cohort_period: "2026-W14", cohort_start: "2026-03-30", cohort_size: 1,
        retention_week_0: 100, retention_week_1: null, retention_week_2: null, retention_week_3: null, retention_week_4: null,
      }],
      overall_retention_rate: 0,
      retention_eligible_users: 0,
      total_users_analyzed: 1,
    });
  });

  it("matches a hand-computed March in UTC", () => {
    // W10 = Mar 2–8, W11 = Mar 9–15, W12 = Mar 16–22, W13 = Mar 23–29, W14 = Mar 30–Apr 5; now is in W14.
    const users = [
      user("a", "2026-03-02T10:00:00Z"), // W10
      user("a", "2026-03-20T10:00:00Z"), // a second row for a: the earliest wins
      user("b", "2026-03-08T23:30:00Z"), // W10, Sunday 23:30
      user("c", "2026-03-09T00:30:00Z"), // W11, Monday 00:30: an hour later, a week later
      user("d", "2026-03-05T12:00:00Z"), // W10, never returns
      user("e", "2026-02-20T12:00:00Z"), // before start: not analysed
    ];
    const activity = [
      act("a", "2026-03-04T08:00:00Z"), // a: W10, week 0
      act("a", "2026-03-10T08:00:00Z"), // a: W11, week 1
      act("a", "2026-03-11T08:00:00Z"), // a: week 1 again, counted once
      act("a", "2026-03-24T08:00:00Z"), // a: W13, week 3
      act("b", "2026-03-09T00:30:00Z"), // b: an hour after signing up, but Monday: week 1
      act("c", "2026-03-15T23:30:00Z"), // c: Sunday of its own week: week 0
      act("c", "2026-03-16T08:00:00Z"), // c: W12, week 1
      act("c", "2026-03-31T08:00:00Z"), // c: W14, week 3, which is still open
      act("d", "2026-04-02T08:00:00Z"), // d: after now (a clock ahead): ignored
      act("e", "2026-03-10T08:00:00Z"), // not analysed
      act("z", "2026-03-10T08:00:00Z"), // unknown user
    ];
    expect(buildCohorts(users, activity, MARCH)).toEqual({
      time_zone: "UTC",
      weeks: 4,
      cohorts: [
        // a, b, d: week 1 has a and b (2/3); week 2 nobody; week 3 a (1/3); week 4 (Mar 30–Apr 5) is open.
        {
          cohort_period: "2026-W10", cohort_start: "2026-03-02", cohort_size: 3,
          retention_week_0: 100, retention_week_1: 66.7, retention_week_2: 0, retention_week_3: 33.3, retention_week_4: null,
        },
        // c: week 1 (W12) yes; week 2 (W13) no; week 3 (W14) open, though c was active in it.
        {
          cohort_period: "2026-W11", cohort_start: "2026-03-09", cohort_size: 1,
          retention_week_0: 100, retention_week_1: 100, retention_week_2: 0, retention_week_3: null, retention_week_4: null,
        },
      ],
      // All four have finished week 1; a, b and c came back (d's only return is after now): 3/4.
      overall_retention_rate: 75,
      retention_eligible_users: 4,
      total_users_analyzed: 4,
    });
  });

  it("counts cohort_at at exactly start and exactly end", () => {
    const users = [user("s", "2026-03-01T00:00:00Z"), user("e", "2026-03-31T23:59:59.999Z")];
    expect(buildCohorts(users, [], { ...MARCH, now: at("2026-06-01T00:00:00Z") }).total_users_analyzed).toBe(2);
  });

  it("moves a user to the previous week in Los Angeles when UTC has already reached Monday", () => {
    // 2026-03-02T02:00Z is Monday 02:00 in UTC (W10) but Sunday 18:00 in Los Angeles (W09).
    const users = [user("x", "2026-03-02T02:00:00Z")];
    const activity = [act("x", "2026-03-03T18:00:00Z")]; // Tuesday in both zones
    const now = at("2026-03-20T12:00:00Z");
    const utc = buildCohorts(users, activity, { ...MARCH, now });
    expect(utc.cohorts).toEqual([{
      cohort_period: "2026-W10", cohort_start: "2026-03-02", cohort_size: 1,
      retention_week_0: 100, retention_week_1: 0, retention_week_2: null, retention_week_3: null, retention_week_4: null,
    }]);
    const la = buildCohorts(users, activity, { ...MARCH, timeZone: "America/Los_Angeles", now });
    expect(la.time_zone).toBe("America/Los_Angeles");
    // In LA, Tuesday is the week after the Sunday sign-up. Week 3 ends Monday 2026-03-23 00:00 PDT, after now.
    expect(la.cohorts).toEqual([{
      cohort_period: "2026-W09", cohort_start: "2026-02-23", cohort_size: 1,
      retention_week_0: 100, retention_week_1: 100, retention_week_2: 0, retention_week_3: null, retention_week_4: null,
    }]);
    expect(la.overall_retention_rate).toBe(100);
  });

  it("ends a week at local midnight after a DST change (LA's week 1 above ends at 07:00Z, not 08:00Z)", () => {
    // US DST began Sunday 2026-03-08, so Monday 2026-03-09 00:00 local is 07:00Z (PDT) where the cohort began at 08:00Z (PST).
    const users = [user("x", "2026-03-02T02:00:00Z")];
    const activity = [act("x", "2026-03-03T18:00:00Z")];
    const opts = { ...MARCH, timeZone: "America/Los_Angeles", weeks: 1 };
    expect(buildCohorts(users, activity, { ...opts, now: at("2026-03-09T06:59:59.999Z") }).cohorts[0]!.retention_week_1).toBeNull();
    expect(buildCohorts(users, activity, { ...opts, now: at("2026-03-09T07:00:00Z") }).cohorts[0]!.retention_week_1).toBe(100);
  });

  it("labels the week of 2026-12-28 to 2027-01-03 2026-W53 and follows it with 2027-W01", () => {
    const users = [user("sun", "2026-12-27T12:00:00Z"), user("fri", "2027-01-01T12:00:00Z"), user("sun2", "2027-01-03T23:59:00Z")];
    const activity = [act("sun", "2026-12-28T00:00:00Z"), act("fri", "2027-01-04T00:00:00Z"), act("sun2", "2027-01-11T09:00:00Z")];
    const report = buildCohorts(users, activity, {
      start: at("2026-12-01T00:00:00Z"), end: at("2027-01-31T00:00:00Z"), weeks: 2, timeZone: "UTC", now: at("2027-02-15T00:00:00Z"),
    });
    expect(report.cohorts).toEqual([
      { cohort_period: "2026-W52", cohort_start: "2026-12-21", cohort_size: 1, retention_week_0: 100, retention_week_1: 100, retention_week_2: 0 },
      // fri came back in 2027-W01 (week 1), sun2 in 2027-W02 (week 2).
      { cohort_period: "2026-W53", cohort_start: "2026-12-28", cohort_size: 2, retention_week_0: 100, retention_week_1: 50, retention_week_2: 50 },
    ]);
    expect(report.overall_retention_rate).toBe(100);
  });

  it("ignores activity beyond week N when computing the overall rate", () => {
    const users = [user("u", "2026-01-05T12:00:00Z")];
    const report = buildCohorts(users, [act("u", "2026-02-20T12:00:00Z")], {
      start: at("2026-01-01T00:00:00Z"), end: at("2026-01-31T00:00:00Z"), weeks: 2, timeZone: "UTC", now: at("2026-03-01T00:00:00Z"),
    });
    expect(report.cohorts[0]).toMatchObject({ retention_week_1: 0, retention_week_2: 0 });
    expect(report.overall_retention_rate).toBe(0);
    expect(report.retention_eligible_users).toBe(1);
  });

  it("rounds half up from a single division: 1 of 16 is 6.3", () => {
    const users = Array.from({ length: 16 }, (_, i) => user(`u${i}`, "2026-03-03T12:00:00Z"));
    const report = buildCohorts(users, [act("u0", "2026-03-10T12:00:00Z")], { ...MARCH, weeks: 1 });
    expect(report.cohorts[0]!.retention_week_1).toBe(6.3);
    expect(report.overall_retention_rate).toBe(6.3);
  });

  it("has exactly retention_week_0 … retention_week_N", () => {
    const report = buildCohorts([user("u", "2026-03-03T12:00:00Z")], [], { ...MARCH, weeks: 2 });
    expect(Object.keys(report.cohorts[0]!)).toEqual([
      "cohort_period", "cohort_start", "cohort_size", "retention_week_0", "retention_week_1", "retention_week_2",
    ]);
  });

  it("rejects a week count outside 1–52", () => {
    for (const weeks of [0, 53, 1.5, Number.NaN]) expect(() => buildCohorts([], [], { ...MARCH, weeks })).toThrow(RangeError);
  });
});
