// analyzeUser: a hand-computed user, empty input, time-zone edges, and the engagement and churn model's direction.
import { describe, expect, it } from "vitest";
import {
  analyzeUser, CHURN_MODEL, churnRisk, ENGAGEMENT_WEIGHTS, type UserAnalyticsOptions, type UserEvent,
} from "../../../src/reports/user-analytics";
import { addDays } from "../../../src/reports/time-zones";

const at = (iso: string) => Date.parse(iso);
const ev = (event_name: string, iso: string, resource_type: string | null = null, properties: unknown = null): UserEvent => ({
  event_name,
  occurred_at: at(iso),
  resource_type,
  properties: properties === null ? null : typeof properties === "string" ? properties : JSON.stringify(properties),
});
const NOW = at("2026-03-31T12:00:00Z");
const UTC: UserAnalyticsOptions = { now: NOW, timeZone: "UTC", includePredictions: true };
const hours = (entries: Record<number, number>) => Array.from({ length: 24 }, (_, h) => entries[h] ?? 0);

// Active on Mar 10, 17, 24 and 29 (UTC): gaps of 7, 7 and 5 days.
const FIXTURE = [
  ev("page_view", "2026-03-10T09:15:00Z", "article", { category: "news" }),
  ev("page_view", "2026-03-10T09:45:00Z", "article", { category: "news" }),
  ev("like", "2026-03-17T18:00:00Z", "article", { category: "sport" }),
  ev("page_view", "2026-03-24T09:05:00Z", "video", { category: "news" }),
  ev("share", "2026-03-29T21:30:00Z"),
  ev("page_view", "2026-03-29T09:59:00Z", "video", "{not json"),
];

describe("analyzeUser", () => {
  it("reports zeros and nulls for a user with no events, and no churn prediction to make", () => {
    expect(analyzeUser([], UTC)).toEqual({
      time_zone: "UTC",
      total_events: 0,
      active_days: 0,
      activity_by_hour: hours({}),
      top_resource_types: [],
      top_categories: [],
      first_seen_at: null,
      last_seen_at: null,
      days_since_first_activity: null,
      days_since_last_activity: null,
      engagement_score: 0,
      churn_risk: null,
    });
  });

  it("leaves churn_risk out unless predictions are asked for", () => {
    expect("churn_risk" in analyzeUser([], { ...UTC, includePredictions: false })).toBe(false);
    expect("churn_risk" in analyzeUser(FIXTURE, { ...UTC, includePredictions: false })).toBe(false);
  });

  it("matches the hand-computed fixture", () => {
    /*
     * today = 2026-03-31. 6 events on 4 days; hours 9 (×4), 18, 21 → 1, 0.25, 0.25.
     * Resource types: article 3/6 = 50.0 %, video 2/6 = 33.3 % (the share has none). Categories: news 3, sport 1
     * (16.7 %); unparsable JSON has none. Days since first: Mar 10 → 31 = 21; since last: Mar 29 → 31 = 2.
     * frequency  = 4 active days in Mar 4–31 / 28 = 0.142857
     * recency    = exp(−2/7) = 0.751477
     * regularity = gaps 7, 7, 5: mean 19/3 = 6.33333, population sd = √(8/9) = 0.942809, CV = 0.148865 → 0.851135
     * breadth    = 3 names (page_view, like, share) / 10 = 0.3
     * engagement = 0.35·0.142857 + 0.30·0.751477 + 0.20·0.851135 + 0.15·0.3
     *            = 0.050000 + 0.225443 + 0.170227 + 0.045 = 0.490670 → 0.491
     * churn z    = −0.5 + 0.25·2 − 2·0.142857 − 1·0.851135 = −1.136850; p = 1/(1 + e^1.136850) = 0.242899 → 0.243, low
     */
    expect(analyzeUser(FIXTURE, UTC)).toEqual({
      time_zone: "UTC",
      total_events: 6,
      active_days: 4,
      activity_by_hour: hours({ 9: 1, 18: 0.25, 21: 0.25 }),
      top_resource_types: [
        { resource_type: "article", events: 3, percentage: 50 },
        { resource_type: "video", events: 2, percentage: 33.3 },
      ],
      top_categories: [
        { category: "news", events: 3, percentage: 50 },
        { category: "sport", events: 1, percentage: 16.7 },
      ],
      first_seen_at: "2026-03-10T09:15:00.000Z",
      last_seen_at: "2026-03-29T21:30:00.000Z",
      days_since_first_activity: 21,
      days_since_last_activity: 2,
      engagement_score: 0.491,
      churn_risk: { level: "low", probability: 0.243, model: CHURN_MODEL },
    });
  });

  it("gives the same events in any input order the same result", () => {
    expect(analyzeUser([...FIXTURE].reverse(), UTC)).toEqual(analyzeUser(FIXTURE, UTC));
  });

  it("counts one user with one event today", () => {
    /*
     * frequency 1/28, recency 1, regularity 0 (no gaps yet), breadth 0.1:
     * engagement = 0.35/28 + 0.3 + 0 + 0.015 = 0.3275 → 0.328 (half up);
     * churn z = −0.5 − 2/28 = −0.571429, p = 0.360905 → 0.361, medium.
     */
    const r = analyzeUser([ev("signup", "2026-03-31T11:00:00Z", "account")], UTC);
    expect(r).toMatchObject({
      total_events: 1, active_days: 1, activity_by_hour: hours({ 11: 1 }),
      top_resource_types: [{ resource_type: "account", events: 1, percentage: 100 }],
      days_since_first_activity: 0, days_since_last_activity: 0,
      churn_risk: { level: "medium", probability: 0.361, model: CHURN_MODEL },
    });
    expect(r.engagement_score).toBe(0.328);
  });

  it("counts days and hours in the project's time zone", () => {
    // 02:00Z and 20:00Z on Mar 2 are one UTC day but two Los Angeles days (Mar 1 18:00 and Mar 2 12:00 PST).
    const events = [ev("view", "2026-03-02T02:00:00Z"), ev("view", "2026-03-02T20:00:00Z")];
    const now = at("2026-03-03T06:00:00Z"); // Mar 3 in UTC, still Mar 2 (22:00) in LA
    const utc = analyzeUser(events, { now, timeZone: "UTC", includePredictions: false });
    const la = analyzeUser(events, { now, timeZone: "America/Los_Angeles", includePredictions: false });
    expect(utc).toMatchObject({ time_zone: "UTC", active_days: 1, days_since_first_activity: 1, days_since_last_activity: 1 });
    expect(utc.activity_by_hour).toEqual(hours({ 2: 1, 20: 1 }));
    expect(la).toMatchObject({ time_zone: "America/Los_Angeles", active_days: 2, days_since_first_activity: 1, days_since_last_activity: 0 });
    expect(la.activity_by_hour).toEqual(hours({ 18: 1, 12: 1 }));
  });

  it("normalises activity by hour to the busiest hour, rounded to 3 decimals", () => {
    const events = [ev("a", "2026-03-30T07:00:00Z"), ev("a", "2026-03-30T07:10:00Z"), ev("a", "2026-03-30T07:20:00Z"), ev("a", "2026-03-30T23:59:59Z")];
    expect(analyzeUser(events, UTC).activity_by_hour).toEqual(hours({ 7: 1, 23: 0.333 }));
  });

  it("keeps the top 5 by count, ties by name, with percentages of all events", () => {
    const types = ["e", "d", "c", "b", "a", "f", "a", "__proto__", "__proto__"];
    const events = types.map((t, i) => ev("x", `2026-03-30T10:0${i}:00Z`, t, { category: t === "a" ? 7 : t }));
    const r = analyzeUser(events, UTC);
    expect(r.top_resource_types).toEqual([
      { resource_type: "__proto__", events: 2, percentage: 22.2 },
      { resource_type: "a", events: 2, percentage: 22.2 },
      { resource_type: "b", events: 1, percentage: 11.1 },
      { resource_type: "c", events: 1, percentage: 11.1 },
      { resource_type: "d", events: 1, percentage: 11.1 },
    ]);
    // A numeric category is no category.
    expect(r.top_categories.map((c) => c.category)).toEqual(["__proto__", "b", "c", "d", "e"]);
  });

  it("clamps days since last activity at 0 for an event stamped slightly in the future", () => {
    const r = analyzeUser([ev("x", "2026-04-01T01:00:00Z")], UTC);
    expect(r.days_since_last_activity).toBe(0);
    expect(r.days_since_first_activity).toBe(0);
  });
});

describe("the engagement and churn model", () => {
  it("has weights that sum to 1", () => {
    expect(Object.values(ENGAGEMENT_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("scores a daily user seen today near 1 and low churn", () => {
    // 28 days in a row (Mar 4–31), 10 distinct event names: every component is 1.
    const names = Array.from({ length: 10 }, (_, i) => `e${i}`);
    const events = Array.from({ length: 28 }, (_, d) => ev(names[d % 10]!, `${addDays("2026-03-04", d)}T10:00:00Z`));
    const r = analyzeUser(events, UTC);
    expect(r.engagement_score).toBe(1);
    expect(r.churn_risk).toEqual({ level: "low", probability: 0.029, model: CHURN_MODEL }); // logistic(−3.5)
  });

  it("raises churn and lowers engagement, day by day, as the same history ages", () => {
    let previous = { churn: 0, engagement: 1 };
    for (let d = 0; d <= 40; d++) {
      const r = analyzeUser(FIXTURE, { ...UTC, now: NOW + d * 86_400_000 });
      const churn = r.churn_risk!.probability;
      expect(churn).toBeGreaterThanOrEqual(previous.churn);
      expect(r.engagement_score).toBeLessThanOrEqual(previous.engagement);
      if (d > 0 && d <= 20) expect(churn).toBeGreaterThan(previous.churn);
      previous = { churn, engagement: r.engagement_score };
    }
    expect(previous.churn).toBeGreaterThan(0.99);
  });

  it("lowers churn for more recent, more frequent, more regular users", () => {
    expect(churnRisk(1, 0.2, 0.5).probability).toBeLessThan(churnRisk(5, 0.2, 0.5).probability);
    expect(churnRisk(3, 0.5, 0.5).probability).toBeLessThan(churnRisk(3, 0.2, 0.5).probability);
    expect(churnRisk(3, 0.2, 0.9).probability).toBeLessThan(churnRisk(3, 0.2, 0.1).probability);
  });

  it("draws the levels at 0.3 and 0.6", () => {
    expect(churnRisk(0, 1, 1)).toMatchObject({ level: "low", probability: 0.029 }); // z = −3.5
    expect(churnRisk(0, 1 / 28, 0)).toMatchObject({ level: "medium", probability: 0.361 }); // z = −0.5714
    expect(churnRisk(7, 3 / 28, 1)).toMatchObject({ level: "medium", probability: 0.509 }); // weekly user, a week on
    expect(churnRisk(14, 0.5, 1)).toMatchObject({ level: "high", probability: 0.731 }); // daily user, two weeks gone: z = 1
    // p = 0.6 where z = ln(0.6/0.4) = 0.405465; at frequency 0 and regularity 0, −0.5 + 0.25d = 0.405465 → d = 3.62186.
    expect(churnRisk(3.62186, 0, 0)).toMatchObject({ level: "high", probability: 0.6 });
    expect(churnRisk(3.55, 0, 0).level).toBe("medium");
    // p = 0.3 where z = ln(0.3/0.7) = −0.847298; at 0 days and regularity 0, −0.5 − 2f = −0.847298 → f = 0.173649.
    expect(churnRisk(0, 0.173649, 0)).toMatchObject({ level: "medium", probability: 0.3 });
    expect(churnRisk(0, 0.18, 0).level).toBe("low");
  });

  it("sees no rhythm in fewer than three active days, and none in bursts", () => {
    // Two days: one gap, no variation to judge; regularity 0, so engagement = 0.35·2/28 + 0.3 + 0 + 0.015.
    const two = analyzeUser([ev("a", "2026-03-24T10:00:00Z"), ev("a", "2026-03-31T10:00:00Z")], UTC);
    expect(two.engagement_score).toBeCloseTo(0.34, 10);
    // Gaps 1, 1, 10: mean 4, sd √18 = 4.243, CV > 1 → regularity 0 (clamped), so the score has no regularity term.
    const bursty = ["2026-03-18", "2026-03-19", "2026-03-20", "2026-03-30"].map((d) => ev("a", `${d}T10:00:00Z`));
    // frequency 4/28, recency exp(−1/7) = 0.866878, breadth 0.1: 0.05 + 0.260063 + 0 + 0.015 = 0.325063.
    expect(analyzeUser(bursty, UTC).engagement_score).toBe(0.325);
  });
});
