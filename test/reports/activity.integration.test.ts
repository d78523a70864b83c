// Activity reports against hand-computed fixtures: DAU from raw events and from rollups, series, summaries, time zones.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { asOperator, bearer, call, json, newProject } from "../helpers/api";
import { runJob } from "../learning/helpers";

async function insertEvents(projectId: string, rows: Array<[user: string, iso: string, name?: string]>) {
  for (const [i, [user, iso, name]] of rows.entries()) {
    await env.DB.prepare("INSERT INTO events (event_id, project_id, event_name, occurred_at, received_at, user_id) VALUES (?1, ?2, ?3, ?4, ?4, ?5)")
      .bind(`${projectId}-${i}`, projectId, name ?? "page_view", Date.parse(iso), user)
      .run();
  }
}

type Body = Record<string, unknown> & { error?: { code: string } };
const get = async (path: string, token: string) => {
  const res = await call(path, { headers: bearer(token) });
  return { res, body: (await res.json()) as Body };
};

describe("activity reports (UTC project)", () => {
  /**
   * Fixture, by hand: 2026-11-10 (Tue): u1 ×2, u2 → DAU 2. 2026-11-11 (Wed): u1, u3 → DAU 2.
   * Week of Mon 2026-11-09: u1, u2, u3 → 3 active. New users: 11-10 → u1, u2 (2); 11-11 → u3 (1).
   */
  async function fixture() {
    const p = await newProject();
    await insertEvents(p.id, [
      ["u1", "2026-11-10T08:00:00Z"],
      ["u1", "2026-11-10T09:00:00Z", "button_click"],
      ["u2", "2026-11-10T23:59:59Z"],
      ["u1", "2026-11-11T00:00:00Z"],
      ["u3", "2026-11-11T12:00:00Z", "button_click"],
    ]);
    return p;
  }

  it("counts DAU from raw events for a day not rolled up, then from the rollup", async () => {
    const p = await fixture();
    const raw = await get(`/v1/reports/dau?date=2026-11-10`, p.admin);
    expect(raw.res.status).toBe(200);
    expect(raw.body).toEqual({ dau: 2, date: "2026-11-10", period: "24h", time_zone: "UTC", source: "raw" });
    expect(raw.res.headers.get("x-ratelimit-limit")).toBe("60");

    const rollup = await runJob("rollup_daily_metrics", { project: p.id, date: "2026-11-11", days: 3 });
    expect(rollup.status).toBe("ok");
    const { results } = await env.DB.prepare("SELECT date, metric_name, dimensions, value FROM metrics WHERE project_id = ?1 ORDER BY date, metric_name, dimensions").bind(p.id).all();
    expect(results).toEqual([
      { date: "2026-11-09", metric_name: "dau", dimensions: "{}", value: 0 },
      { date: "2026-11-09", metric_name: "mau", dimensions: "{}", value: 0 },
      { date: "2026-11-09", metric_name: "new_users", dimensions: "{}", value: 0 },
      { date: "2026-11-09", metric_name: "wau", dimensions: "{}", value: 0 },
      { date: "2026-11-10", metric_name: "dau", dimensions: "{}", value: 2 },
      { date: "2026-11-10", metric_name: "events", dimensions: '{"event_name":"button_click"}', value: 1 },
      { date: "2026-11-10", metric_name: "events", dimensions: '{"event_name":"page_view"}', value: 2 },
      { date: "2026-11-10", metric_name: "mau", dimensions: "{}", value: 2 },
      { date: "2026-11-10", metric_name: "new_users", dimensions: "{}", value: 2 },
      { date: "2026-11-10", metric_name: "wau", dimensions: "{}", value: 2 },
      { date: "2026-11-11", metric_name: "dau", dimensions: "{}", value: 2 },
      { date: "2026-11-11", metric_name: "events", dimensions: '{"event_name":"button_click"}', value: 1 },
      { date: "2026-11-11", metric_name: "events", dimensions: '{"event_name":"page_view"}', value: 1 },
      { date: "2026-11-11", metric_name: "mau", dimensions: "{}", value: 3 },
      { date: "2026-11-11", metric_name: "new_users", dimensions: "{}", value: 1 },
      { date: "2026-11-11", metric_name: "wau", dimensions: "{}", value: 3 },
    ]);
    // Re-running the rollup changes nothing.
    await runJob("rollup_daily_metrics", { project: p.id, date: "2026-11-11", days: 3 });
    const again = await env.DB.prepare("SELECT count(*) AS n, sum(value) AS s FROM metrics WHERE project_id = ?1").bind(p.id).first();
    expect(again).toEqual({ n: 16, s: 22 });
    expect((await get(`/v1/reports/dau?date=2026-11-10`, p.admin)).body).toMatchObject({ dau: 2, source: "rollup" });
  });

  it("gives daily and weekly active-user series, and event counts by name", async () => {
    const p = await fixture();
    await runJob("rollup_daily_metrics", { project: p.id, date: "2026-11-10", days: 1 });
    const days = await get(`/v1/reports/active?from=2026-11-09&to=2026-11-12&granularity=day`, p.admin);
    expect((days.body.series as Array<{ period: string; active_users: number }>).map((s) => [s.period, s.active_users])).toEqual([
      ["2026-11-09", 0],
      ["2026-11-10", 2],
      ["2026-11-11", 2],
      ["2026-11-12", 0],
    ]);
    const weeks = await get(`/v1/reports/active?from=2026-11-01&to=2026-11-15&granularity=week`, p.admin);
    expect(weeks.body.series).toEqual([
      { period: "2026-10-26", from: "2026-11-01", to: "2026-11-01", active_users: 0 },
      { period: "2026-11-09", from: "2026-11-09", to: "2026-11-15", active_users: 3 },
      { period: "2026-11-02", from: "2026-11-02", to: "2026-11-08", active_users: 0 },
    ].sort((a, b) => a.period.localeCompare(b.period)));
    const summary = await get(`/v1/reports/events/summary?from=2026-11-10&to=2026-11-11`, p.admin);
    expect(summary.body).toMatchObject({
      total: 5,
      events: [
        { event_name: "page_view", count: 3 },
        { event_name: "button_click", count: 2 },
      ],
      days_from_rollups: 1,
      days_from_raw_events: 1,
    });
    const empty = await get(`/v1/reports/events/summary?from=2026-01-01&to=2026-01-31`, p.admin);
    expect(empty.body).toMatchObject({ total: 0, events: [] });
  });

  it("refuses bad dates, reversed and oversized ranges, and non-admins", async () => {
    const p = await newProject();
    expect((await get(`/v1/reports/dau?date=2026-02-30`, p.admin)).body.error!.code).toBe("invalid_date");
    expect((await get(`/v1/reports/active?from=2026-02-10&to=2026-02-01`, p.admin)).body.error!.code).toBe("invalid_range");
    expect((await get(`/v1/reports/active?from=2024-01-01&to=2026-01-01`, p.admin)).body.error!.code).toBe("range_too_large");
    expect((await get(`/v1/reports/active?from=2026-01-01&to=2026-01-02&granularity=year`, p.admin)).res.status).toBe(400);
    expect((await get(`/v1/reports/dau`, await p.user("u1"))).res.status).toBe(403);
    expect((await call(`/v1/reports/dau`)).status).toBe(401);
  });
});

describe("time zones", () => {
  it("cuts days at the project's midnight and says which zone in the response", async () => {
    const p = await newProject();
    const patched = await json(`/v1/admin/projects/${p.id}`, { time_zone: "America/Los_Angeles" }, bearer(p.admin), "PATCH");
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ time_zone: "America/Los_Angeles" });
    // 2026-11-10T05:00Z is 21:00 on 11-09 in Los Angeles (PST, UTC−8); 2026-11-10T09:00Z is 01:00 on 11-10.
    await insertEvents(p.id, [
      ["u1", "2026-11-10T05:00:00Z"],
      ["u2", "2026-11-10T09:00:00Z"],
    ]);
    expect((await get(`/v1/reports/dau?date=2026-11-09`, p.admin)).body).toMatchObject({ dau: 1, time_zone: "America/Los_Angeles" });
    expect((await get(`/v1/reports/dau?date=2026-11-10`, p.admin)).body).toMatchObject({ dau: 1 });
    const bad = await json(`/v1/admin/projects/${p.id}`, { time_zone: "Mars/Olympus" }, bearer(p.admin), "PATCH");
    expect(bad.status).toBe(400);
    expect((await call(`/v1/reports/dau?project=${p.id}&date=2026-11-09`, { headers: asOperator })).status).toBe(200);
  });
});

describe("rollup_daily_metrics and retention", () => {
  it("keeps rollups of days older than EVENT_RETENTION_DAYS instead of recomputing them from purged events", async () => {
    const p = await newProject();
    const old = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10);
    await env.DB.prepare("INSERT INTO metrics (project_id, date, metric_name, dimensions, value, time_zone, computed_at) VALUES (?1, ?2, 'dau', '{}', 42, 'UTC', 0)").bind(p.id, old).run();
    const run = await runJob("rollup_daily_metrics", { project: p.id, date: old, days: 1 });
    expect(run.message).toContain("1 older than EVENT_RETENTION_DAYS kept as they were");
    const kept = await env.DB.prepare("SELECT value FROM metrics WHERE project_id = ?1 AND date = ?2 AND metric_name = 'dau'").bind(p.id, old).first<{ value: number }>();
    expect(kept!.value).toBe(42);
  });
});
