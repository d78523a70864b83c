// Fuzzing the report routes (activity, the direct events export, cohorts, forecasts, user analytics) and the export
// routes, on one project with 60 days of events in a time zone that has had DST (so local-day code paths run).
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { asOperator, json } from "../helpers/api";
import { anyString, bodyOf, dateRangeQuery, dateString, mostly, nearMiss, queryOf, recentDate, segment } from "./arbitraries";
import { createFixture, planOf, PROJECT, send, userSub, USER_POOL, type Fixture, type Plan } from "./fixture";
import { exportProperties } from "./export-properties";
import { fuzzRoute, fuzzTimeout } from "./fuzz-kit";
import { REGISTERED } from "./ingest-events";

const DAY = 86_400_000;
let fx: Fixture;

beforeAll(async () => {
  fx = await createFixture();
  const patched = await json(`/v1/admin/projects/${fx.project}`, { time_zone: "America/Sao_Paulo", signup_event: "form_submit" }, asOperator, "PATCH");
  expect(patched.status).toBe(200);
  // 60 days of events from a few users (some of them the fuzz user tokens' subjects), written straight to D1.
  const now = Date.now();
  const stmt = env.DB.prepare(
    "INSERT INTO events (event_id, project_id, event_name, occurred_at, received_at, user_id, user_identified, resource_type, resource_id, properties) VALUES (?1, ?2, ?3, ?4, ?4, ?5, 1, ?6, ?7, ?8)",
  );
  const rows = Array.from({ length: 600 }, (_, i) =>
    stmt.bind(`fuzz-${i}`, fx.project, REGISTERED[i % REGISTERED.length]!, now - (i % 60) * DAY - (i % 24) * 3_600_000, userSub(i % 12), "post", `r${i % 3}`, i % 5 === 0 ? '{"category":"news"}' : null),
  );
  for (let i = 0; i < rows.length; i += 50) await env.DB.batch(rows.slice(i, i + 50));
}, 60_000);

const project = mostly(fc.constant(PROJECT), anyString, 6);

function getReport(endpoint: string, path: string, query: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Plan> {
  return planOf({ endpoint, method: "GET", path, query: queryOf({ ...query, project }) });
}

/** from/to query parameters, mostly an ordered range near today. */
const rangeParams = dateRangeQuery;
const withRange = (endpoint: string, path: string, extra: Record<string, fc.Arbitrary<string>> = {}) =>
  fc.tuple(getReport(endpoint, path, extra), rangeParams, mostly(fc.constant(true), fc.constant(false), 3)).map(([plan, range, keep]): Plan => {
    // queryOf drew from/to independently; most of the time use the ordered pair instead.
    if (!keep || !plan.query) return plan;
    const rest = plan.query.params.filter(([k]) => k !== "from" && k !== "to");
    return { ...plan, query: { ...plan.query, params: [["from", range.from], ["to", range.to], ...rest] } };
  });

describe("fuzz: reports", () => {
  it("GET /v1/reports/dau, /active, /events/summary", { timeout: fuzzTimeout() }, async (ctx) => {
    const plan = fc.oneof(
      getReport("GET /v1/reports/dau", "/v1/reports/dau", { date: dateString }),
      withRange("GET /v1/reports/active", "/v1/reports/active", { from: dateString, to: dateString, granularity: mostly(fc.constantFrom("day", "week", "month"), anyString) }),
      withRange("GET /v1/reports/events/summary", "/v1/reports/events/summary", { from: dateString, to: dateString }),
    );
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { min2xxShare: 0.1 });
  });

  it("GET /v1/reports/events (direct export)", { timeout: fuzzTimeout() }, async (ctx) => {
    const plan = withRange("GET /v1/reports/events", "/v1/reports/events", {
      from: dateString,
      to: dateString,
      format: mostly(fc.constantFrom("csv", "xlsx"), anyString),
      event_name: mostly(fc.constantFrom(...REGISTERED), anyString),
    });
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { min2xxShare: 0.1 });
  });

  it("POST /v1/reports/cohorts", { timeout: fuzzTimeout() }, async (ctx) => {
    const instant = fc.oneof(dateString, fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.integer({ min: -400, max: 30 }).map((d) => new Date(Date.now() + d * DAY).toISOString()));
    // Mostly a coherent pair (one range), so enough requests reach the cohort code; else two independent instants.
    const span = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(recentDate(90), fc.integer({ min: 0, max: 60 })).map(([from, days]) => ({ start_date: from, end_date: new Date(Date.parse(`${from}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10) })) },
      { weight: 2, arbitrary: dateRangeQuery.map((r) => ({ start_date: r.from, end_date: r.to })) },
      { weight: 1, arbitrary: fc.record({ start_date: instant, end_date: instant }) },
    );
    const valid = fc
      .tuple(span, fc.record({ cohort_type: fc.constantFrom("registration", "first_seen"), weeks: fc.integer({ min: 1, max: 52 }) }, { requiredKeys: ["cohort_type"] }))
      .map(([dates, rest]) => ({ ...dates, ...rest }));
    const plan = planOf({ endpoint: "POST /v1/reports/cohorts", method: "POST", path: "/v1/reports/cohorts", query: queryOf({ project }), body: bodyOf(valid, nearMiss(valid, ["start_date", "end_date", "cohort_type", "weeks"])) });
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { min2xxShare: 0.1 });
  });

  it("POST /v1/forecasts/popularity", { timeout: fuzzTimeout() }, async (ctx) => {
    const valid = fc.record(
      {
        resource_type: fc.constantFrom("post", "page"),
        resource_id: fc.constantFrom("r0", "r1", "r2", "r9"),
        horizon_days: fc.integer({ min: 1, max: 90 }),
        event_name: fc.constantFrom(...REGISTERED),
      },
      { requiredKeys: ["resource_type", "resource_id"] },
    );
    const plan = planOf({ endpoint: "POST /v1/forecasts/popularity", method: "POST", path: "/v1/forecasts/popularity", query: queryOf({ project }), body: bodyOf(valid, nearMiss(valid, ["resource_type", "resource_id", "horizon_days", "event_name"])) });
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { min2xxShare: 0.1 });
  });

  it("GET /v1/users/:user_id/analytics", { timeout: fuzzTimeout() }, async (ctx) => {
    // A user token reads its own analytics: the path names the same user as the token most of the time.
    const plan = fc
      .tuple(planOf({ endpoint: "GET /v1/users/:user_id/analytics", method: "GET", path: "", query: queryOf({ project, include_predictions: mostly(fc.constantFrom("true", "false"), anyString) }) }), fc.nat(USER_POOL - 1), fc.boolean())
      .chain(([base, index, own]) =>
        segment(own ? fc.constant(userSub(index)) : fc.constantFrom(userSub(index + 1), "nobody")).map((user): Plan => ({ ...base, userIndex: index, path: `/v1/users/${user}/analytics` })),
      );
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { min2xxShare: 0.1 });
  });
});

exportProperties(() => fx);
