// Cohorts, per-user analytics and popularity forecasts through the API, against hand-computed fixtures; cached per parameters.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bearer, call, json, newProject } from "../helpers/api";

async function insertEvents(projectId: string, rows: Array<{ user?: string; at: number | string; name?: string; resource?: [string, string]; properties?: Record<string, unknown> }>) {
  for (const [i, r] of rows.entries()) {
    const at = typeof r.at === "string" ? Date.parse(r.at) : r.at;
    await env.DB.prepare(
      "INSERT INTO events (event_id, project_id, event_name, occurred_at, received_at, user_id, resource_type, resource_id, properties) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8)",
    )
      .bind(`${projectId}-${i}`, projectId, r.name ?? "page_view", at, r.user ?? null, r.resource?.[0] ?? null, r.resource?.[1] ?? null, r.properties ? JSON.stringify(r.properties) : null)
      .run();
  }
}

describe("POST /v1/reports/cohorts", () => {
  it("builds weekly first_seen cohorts with retention, and caches the answer", async () => {
    const p = await newProject();
    // By hand (weeks long over, so none is still open): cohort 2025-W41 (Mon 10-06): a (10-06), b (10-08); a returns
    // in W42 (10-14) and W43 (10-21); b never. Cohort W42: c (10-13), returns in W43 (10-20), not in W44.
    // Retention W41: week1 = 1/2 = 50.0, week2 = 50.0; W42: week1 = 100.0, week2 = 0.0.
    // Overall: users who came back at all = a, c → 2 of 3 = 66.7.
    await insertEvents(p.id, [
      { user: "a", at: "2025-10-06T10:00:00Z" },
      { user: "b", at: "2025-10-08T10:00:00Z" },
      { user: "a", at: "2025-10-14T10:00:00Z" },
      { user: "c", at: "2025-10-13T10:00:00Z" },
      { user: "a", at: "2025-10-21T10:00:00Z" },
      { user: "c", at: "2025-10-20T10:00:00Z" },
    ]);
    const body = { start_date: "2025-10-06", end_date: "2025-10-19", cohort_type: "first_seen", weeks: 2 };
    const res = await json("/v1/reports/cohorts", body, bearer(p.admin));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("MISS");
    expect(res.headers.get("cache-control")).toBe("private, max-age=3600");
    const report = (await res.json()) as Record<string, unknown>;
    expect(report).toMatchObject({
      cohort_type: "first_seen",
      time_zone: "UTC",
      total_users_analyzed: 3,
      overall_retention_rate: 66.7,
      cohorts: [
        { cohort_period: "2025-W41", cohort_size: 2, retention_week_0: 100, retention_week_1: 50, retention_week_2: 50 },
        { cohort_period: "2025-W42", cohort_size: 1, retention_week_0: 100, retention_week_1: 100, retention_week_2: 0 },
      ],
    });
    const again = await json("/v1/reports/cohorts", body, bearer(p.admin));
    expect(again.headers.get("x-cache")).toBe("HIT");
    expect(again.headers.get("cache-control")).toBe("private, max-age=3600");
    expect(await again.json()).toEqual(report);
  });

  it("needs the project's signup_event for registration cohorts, and uses it", async () => {
    const p = await newProject();
    const body = { start_date: "2026-11-01", end_date: "2026-11-30", cohort_type: "registration" };
    const missing = await json("/v1/reports/cohorts", body, bearer(p.admin));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: "signup_event_not_configured" } });
    await json(`/v1/admin/projects/${p.id}`, { signup_event: "form_submit" }, bearer(p.admin), "PATCH");
    await insertEvents(p.id, [
      { user: "a", at: "2026-11-03T10:00:00Z", name: "page_view" },
      { user: "a", at: "2026-11-05T10:00:00Z", name: "form_submit" },
      { user: "b", at: "2026-11-06T10:00:00Z", name: "page_view" },
    ]);
    const res = await json("/v1/reports/cohorts", body, bearer(p.admin));
    expect(await res.json()).toMatchObject({ total_users_analyzed: 1, cohorts: [{ cohort_period: "2026-W45", cohort_size: 1 }] });
    expect((await json("/v1/reports/cohorts", { ...body, start_date: "nope" }, bearer(p.admin))).status).toBe(400);
    expect((await json("/v1/reports/cohorts", { ...body, cohort_type: "weekly" }, bearer(p.admin))).status).toBe(400);
  });
});

describe("GET /v1/users/:user_id/analytics", () => {
  it("lets a user read their own analytics, admins anyone's, and nobody else", async () => {
    const p = await newProject();
    const now = Date.now();
    // The last event is earlier today (UTC, the project's zone) whatever the time: an hour ago, or midnight if that is
    // later. An hour ago at 00:30 was yesterday, and the test failed every night between 00:00 and 01:00.
    const earlierToday = Math.max(now - 3_600_000, now - (now % 86_400_000));
    await insertEvents(p.id, [
      { user: "u1", at: now - 2 * 86_400_000, resource: ["PostIdea", "1"], properties: { category: "sales" } },
      { user: "u1", at: now - 86_400_000, resource: ["PostIdea", "2"], properties: { category: "sales" } },
      { user: "u1", at: earlierToday, name: "button_click", resource: ["Image", "9"] },
    ]);
    const own = await call("/v1/users/u1/analytics?include_predictions=true", { headers: bearer(await p.user("u1")) });
    expect(own.status).toBe(200);
    const body = (await own.json()) as Record<string, unknown> & { activity_by_hour: number[]; churn_risk: { level: string; model: string } };
    expect(body).toMatchObject({
      user_id: "u1",
      total_events: 3,
      days_since_last_activity: 0,
      top_resource_types: [
        { resource_type: "PostIdea", events: 2 },
        { resource_type: "Image", events: 1 },
      ],
      top_categories: [{ category: "sales", events: 2 }],
    });
    expect(body.activity_by_hour).toHaveLength(24);
    expect(Math.max(...body.activity_by_hour)).toBe(1);
    expect(body.churn_risk.model).toBe("churn_heuristic_v1");
    expect(own.headers.get("cache-control")).toBe("private, max-age=900");

    expect((await call("/v1/users/u1/analytics", { headers: bearer(await p.user("u2")) })).status).toBe(403);
    expect((await call("/v1/users/u1/analytics", { headers: bearer(p.admin) })).status).toBe(200);
    const other = await newProject();
    const foreign = (await (await call("/v1/users/u1/analytics", { headers: bearer(other.admin) })).json()) as { total_events: number };
    expect(foreign.total_events).toBe(0);
  });
});

describe("POST /v1/forecasts/popularity", () => {
  it("forecasts a resource's daily events with Holt-Winters once there are two weeks, with intervals and a backtest", async () => {
    const p = await newProject();
    const day = 86_400_000;
    const todayStart = Math.floor(Date.now() / day) * day;
    // 21 closed days of a weekly pattern that grows by one event a day: weekday counts 10 + t, weekends 4 + t.
    const rows = [];
    for (let t = 0; t < 21; t++) {
      const at = todayStart - (21 - t) * day + 12 * 3_600_000;
      const weekday = new Date(at).getUTCDay();
      const n = (weekday === 0 || weekday === 6 ? 4 : 10) + t;
      for (let k = 0; k < n; k++) rows.push({ at: at + k * 1000, resource: ["PostIdea", "42"] as [string, string] });
    }
    await insertEvents(p.id, rows);
    const res = await json("/v1/forecasts/popularity", { resource_type: "PostIdea", resource_id: "42", horizon_days: 7 }, bearer(p.admin));
    expect(res.status).toBe(200);
    const f = (await res.json()) as { current_total: number; history_days: number; model: string; model_version: string; trend: string; predictions: Array<{ predicted: number; lower: number; upper: number }>; backtest: { mae: number } };
    expect(f.current_total).toBe(rows.length);
    expect(f.history_days).toBe(21);
    expect(f).toMatchObject({ model: "holt_winters_additive_weekly", model_version: "holt_winters_weekly_v1", trend: "growing" });
    expect(f.predictions).toHaveLength(7);
    for (const pr of f.predictions) {
      expect(pr.lower).toBeLessThanOrEqual(pr.predicted);
      expect(pr.upper).toBeGreaterThanOrEqual(pr.predicted);
    }
    expect(f.backtest.mae).toBeGreaterThanOrEqual(0);
    expect(res.headers.get("cache-control")).toBe("private, max-age=1800");

    const young = await json("/v1/forecasts/popularity", { resource_type: "PostIdea", resource_id: "nobody", horizon_days: 3 }, bearer(p.admin));
    expect(await young.json()).toMatchObject({ current_total: 0, history_days: 0, model: "naive" });
    const tooFar = await json("/v1/forecasts/popularity", { resource_type: "PostIdea", resource_id: "42", horizon_days: 91 }, bearer(p.admin));
    expect(tooFar.status).toBe(400);
    expect(await tooFar.json()).toMatchObject({ error: { code: "validation_failed", details: [{ path: ["body", "horizon_days"] }] } });
    expect((await json("/v1/forecasts/popularity", { resource_type: "PostIdea", resource_id: "42" }, bearer(await p.user("u")))).status).toBe(403);
  });
});
