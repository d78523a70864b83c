// Every route and job that takes a calendar date accepts 1970-01-01 … 9999-12-30 and answers 400 invalid_date outside it.
import { describe, expect, it } from "vitest";
import { bearer, call, hs256, json, newProject } from "../helpers/api";
import { runJob } from "../learning/helpers";

type Body = { error?: { code: string; details?: { field?: string } } };

// Each reproducer from the hardening pass: years 0–99 (Date.UTC maps them to 1900–1999), year 10000 (printed
// as +010000), the day before the epoch, and dates that are not dates at all.
const OUTSIDE = ["0001-01-01", "0050-06-15", "0099-12-31", "1969-12-31", "9999-12-31", "+010000-01-01", "2026-02-30", "20261110"];

describe("report dates", () => {
  it("refuses every date outside 1970-01-01 … 9999-12-30 with 400 invalid_date on every date route", async () => {
    const p = await newProject();
    for (const [i, d] of OUTSIDE.entries()) {
      // One admin per date: the report limit (60 a minute) is per credential.
      const auth = bearer(await hs256({ sub: `admin-${i}`, role: "admin", project: p.id }));
      const q = encodeURIComponent(d);
      const answers: Array<[string, Response]> = [
        ["dau", await call(`/v1/reports/dau?date=${q}`, { headers: auth })],
        ["active", await call(`/v1/reports/active?from=${q}&to=${q}`, { headers: auth })],
        ["active to", await call(`/v1/reports/active?from=2026-01-01&to=${q}`, { headers: auth })],
        ["summary", await call(`/v1/reports/events/summary?from=${q}&to=${q}`, { headers: auth })],
        ["events export", await call(`/v1/reports/events?from=${q}&to=${q}`, { headers: auth })],
        ["cohorts", await json("/v1/reports/cohorts", { start_date: d, end_date: d, cohort_type: "first_seen" }, auth)],
        ["cohorts date-time", await json("/v1/reports/cohorts", { start_date: `${d}T00:00:00Z`, end_date: "2026-01-01", cohort_type: "first_seen" }, auth)],
        ["exports", await json("/v1/exports", { report_type: "events", format: "csv", from: d, to: d }, auth)],
      ];
      for (const [route, res] of answers) {
        const body = (await res.json()) as Body;
        expect([route, d, res.status, body.error?.code]).toEqual([route, d, 400, "invalid_date"]);
      }
    }
  });

  it("answers at both ends of the accepted range", async () => {
    const p = await newProject();
    const auth = bearer(p.admin);
    for (const d of ["1970-01-01", "9999-12-30"]) {
      const dau = await call(`/v1/reports/dau?date=${d}`, { headers: auth });
      expect(await dau.json()).toMatchObject({ dau: 0, date: d });
      for (const granularity of ["day", "week", "month"]) {
        const active = await call(`/v1/reports/active?from=${d}&to=${d}&granularity=${granularity}`, { headers: auth });
        expect([granularity, active.status]).toEqual([granularity, 200]);
      }
      expect((await call(`/v1/reports/events/summary?from=${d}&to=${d}`, { headers: auth })).status).toBe(200);
      expect((await call(`/v1/reports/events?from=${d}&to=${d}`, { headers: auth })).status).toBe(200);
      const cohorts = await json("/v1/reports/cohorts", { start_date: d, end_date: d, cohort_type: "first_seen" }, auth);
      expect(cohorts.status).toBe(200);
    }
    // A range that ends on the last accepted day is measured in days, not refused as too long.
    const last = await call(`/v1/reports/active?from=9999-01-01&to=9999-12-30&granularity=month`, { headers: auth });
    expect(last.status).toBe(200);
    expect(((await last.json()) as { series: unknown[] }).series).toHaveLength(12);
    const tooLong = await call(`/v1/reports/active?from=9998-01-01&to=9999-12-30`, { headers: auth });
    expect(((await tooLong.json()) as Body).error?.code).toBe("range_too_large");
  });

  it("refuses an out-of-range date in the rollup job's parameters before it runs", async () => {
    const p = await newProject();
    const res = await json(`/v1/admin/jobs/rollup_daily_metrics`, { params: { project: p.id, date: "0050-01-01" } }, bearer(p.admin));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Body).error?.code).toBe("invalid_job_params");
    expect((await runJob("rollup_daily_metrics", { project: p.id, date: "1970-01-01", days: 1 })).status).toBe("ok");
  });
});
