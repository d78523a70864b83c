// Exports end to end in workerd: direct CSV/XLSX downloads, background builds into R2 (multipart, continued through the
// jobs queue), signed links (ok, expired, tampered), retention, and who may do what.
import { env } from "cloudflare:workers";
import { fromHono } from "chanfana";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createExport, findExport } from "../../src/reports/exports/export-records";
import { signedDownloadPath } from "../../src/reports/exports/download-links";
import { DownloadExport, GetEventsExport, GetExport, PostExport } from "../../src/reports/exports-routes";
import { asOperator, bearer, hs256, newProject } from "../helpers/api";
import { runJob } from "../learning/helpers";
import { callApp, expectedEventRows, insertEvents, insertManyEvents, parseCsv, readXlsx, waitForExport, type SeedEvent } from "./exports-helpers";

type Body = Record<string, unknown> & { error?: { code: string; message: string } };
const T = (iso: string) => Date.parse(iso);
const CSV_TYPE = "text/csv; charset=utf-8; header=present";
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Values a spreadsheet would run as formulas, and everything RFC 4180 has to quote. */
const TRICKY: SeedEvent[] = [
  { event_id: "e1", event_name: "page_view", occurred_at: T("2026-11-10T08:00:00Z"), user_id: "u1", properties: '{"path":"/a,b","note":"say \\"hi\\""}', country: "DE" },
  { event_id: "e2", event_name: "button_click", occurred_at: T("2026-11-10T09:00:00Z"), user_id: "=HYPERLINK(\"http://evil\",\"x\")", properties: '{"text":"line1\\nline2"}' },
  { event_id: "e3", event_name: "page_view", occurred_at: T("2026-11-10T09:00:00Z"), user_id: "+1", context: "line one\r\nline two", country: "-2" },
  { event_id: "e4", event_name: "page_view", occurred_at: T("2026-11-11T10:00:00Z"), user_id: "@admin", properties: "\tcell" },
  { event_id: "e5", event_name: "sign_up", occurred_at: T("2026-11-11T23:59:59Z"), user_id: "u2", context: "\r=1+1" },
  // Outside the range [2026-11-10, 2026-11-11] (UTC project): never exported.
  { event_id: "e6", event_name: "page_view", occurred_at: T("2026-11-12T00:00:00Z"), user_id: "u3" },
];

const HEADER = ["event_id", "event_name", "occurred_at", "received_at", "user_id", "user_identified", "client_session_id", "request_id", "resource_type", "resource_id", "decision_id", "policy_id", "src", "country", "browser", "os", "device_type", "context", "properties"];

/** What a CSV reader sees for a source value: the text, with the apostrophe that neutralises a formula. */
const asCsv = (v: string | number | null) => (v === null ? "" : typeof v === "number" ? String(v) : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
/** What an XLSX reader sees: text as is (cells are never formulas), numbers as numbers, "" and null as empty. */
const asXlsx = (v: string | number | null) => (v === "" ? null : v);

async function fixture() {
  const p = await newProject();
  await insertEvents(p.id, TRICKY);
  return p;
}

const get = async (path: string, token: string, vars?: Record<string, string>) => {
  const res = await callApp(path, { headers: bearer(token) }, vars);
  return res;
};

async function postExport(body: Record<string, unknown>, headers: Record<string, string>, query = "") {
  const res = await callApp(`/v1/exports${query}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { res, body: (await res.json()) as Body & { export_id: string; status: string } };
}

describe("GET /v1/reports/events?format=csv|xlsx (direct)", () => {
  it("streams CSV per RFC 4180 with formulas neutralised, equal to the source rows", async () => {
    const p = await fixture();
    const res = await get(`/v1/reports/events?format=csv&from=2026-11-10&to=2026-11-11`, p.admin);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(CSV_TYPE);
    expect(res.headers.get("content-disposition")).toContain('attachment; filename="events_2026-11-10_2026-11-11.csv"');
    expect(res.headers.get("x-ratelimit-limit")).toBe("60");
    const text = await res.text();
    const expected = await expectedEventRows(p.id, "occurred_at < ?2", [T("2026-11-12T00:00:00Z")]);
    expect(expected).toHaveLength(5);
    expect(parseCsv(text)).toEqual([HEADER, ...expected.map((r) => r.map(asCsv))]);
    // The raw bytes: a quoted, neutralised formula and a quoted CRLF inside a field.
    expect(text).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(text).toContain('"line one\r\nline two"');
  });

  it("streams XLSX that reads back equal to the source rows, and filters by event_name", async () => {
    const p = await fixture();
    const res = await get(`/v1/reports/events?format=xlsx&from=2026-11-10&to=2026-11-11`, p.admin);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX_TYPE);
    const { names, rows } = await readXlsx(await res.arrayBuffer());
    expect(names).toEqual(["events"]);
    const expected = await expectedEventRows(p.id, "occurred_at < ?2", [T("2026-11-12T00:00:00Z")]);
    expect(rows).toEqual([HEADER, ...expected.map((r) => r.map(asXlsx))]);

    const views = parseCsv(await (await get(`/v1/reports/events?from=2026-11-10&to=2026-11-12&event_name=page_view`, p.admin)).text());
    expect(views.slice(1).map((r) => r[0])).toEqual(["e1", "e3", "e4", "e6"]);
  });

  it("answers an empty range with the header alone, and refuses more rows than EXPORT_DIRECT_MAX_ROWS with 413", async () => {
    const p = await fixture();
    expect(parseCsv(await (await get(`/v1/reports/events?from=2020-01-01&to=2020-01-02`, p.admin)).text())).toEqual([HEADER]);
    const big = await get(`/v1/reports/events?from=2026-11-10&to=2026-11-11`, p.admin, { EXPORT_DIRECT_MAX_ROWS: "3" });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "export_too_large", details: { limit: "EXPORT_DIRECT_MAX_ROWS", max_rows: 3, rows: 5 } } });
  });

  it("refuses bad formats and dates with 400, users with 403, no credentials with 401", async () => {
    const p = await fixture();
    const code = async (path: string, token = p.admin) => {
      const res = await get(path, token);
      return [res.status, ((await res.json()) as Body).error?.code];
    };
    expect(await code(`/v1/reports/events?format=pdf&from=2026-11-10&to=2026-11-11`)).toEqual([400, "validation_failed"]);
    expect(await code(`/v1/reports/events?format=csv&from=2026-11-31&to=2026-12-01`)).toEqual([400, "invalid_date"]);
    expect(await code(`/v1/reports/events?from=2026-11-11&to=2026-11-10`)).toEqual([400, "invalid_range"]);
    expect(await code(`/v1/reports/events?from=2024-01-01&to=2026-01-01`)).toEqual([400, "range_too_large"]);
    expect(await code(`/v1/reports/events?to=2026-11-10`)).toEqual([400, "validation_failed"]);
    expect(await code(`/v1/reports/events?from=2026-11-10&to=2026-11-11`, await p.user("u1"))).toEqual([403, "forbidden"]);
    const other = await newProject();
    expect(await code(`/v1/reports/events?from=2026-11-10&to=2026-11-11&project=${p.id}`, other.admin)).toEqual([403, "wrong_project"]);
    expect((await callApp(`/v1/reports/events?from=2026-11-10&to=2026-11-11`)).status).toBe(401);
    expect(await code(`/v1/reports/events?from=2026-11-10&to=2026-11-11`, "test-admin-token-0123456789abcdef")).toEqual([400, "project_required"]);
    expect((await get(`/v1/reports/events?from=2026-11-10&to=2026-11-11&project=${p.id}`, "test-admin-token-0123456789abcdef")).status).toBe(200);
  });
});

describe("POST /v1/exports → GET /v1/exports/:id → signed download", () => {
  it("builds a CSV in the background and serves it through a signed, expiring link", async () => {
    const p = await fixture();
    const posted = await postExport({ report_type: "events", format: "csv", from: "2026-11-10", to: "2026-11-11" }, bearer(p.admin));
    expect(posted.res.status).toBe(202);
    expect(posted.body).toMatchObject({ status: "queued", status_url: `https://edgeloop.test/v1/exports/${posted.body.export_id}` });
    expect(posted.res.headers.get("x-ratelimit-limit")).toBe("60");

    const view = await waitForExport(posted.body.export_id, bearer(p.admin));
    expect(view).toMatchObject({ status: "done", rows: 5, error: null });
    const expiresAt = Date.parse(view.expires_at!);
    // The link lives an hour (EXPORT_LINK_TTL_SECONDS); the file a week (EXPORT_RETENTION_DAYS).
    expect(expiresAt - Date.now()).toBeGreaterThan(3_590_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(3_600_000);
    const url = new URL(view.download_url!);
    expect(url.pathname).toBe(`/v1/downloads/${posted.body.export_id}`);
    expect(url.searchParams.get("expires")).toBe(String(expiresAt / 1000));

    // No credentials: the signature is the credential.
    const file = await callApp(view.download_url!);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe(CSV_TYPE);
    expect(file.headers.get("content-disposition")).toContain('attachment; filename="events_2026-11-10_2026-11-11.csv"');
    expect(file.headers.get("cache-control")).toBe("private, no-store");
    const text = await file.text();
    expect(Number(file.headers.get("content-length"))).toBe(new TextEncoder().encode(text).length);
    expect(view.file_size_bytes).toBe(new TextEncoder().encode(text).length);
    const expected = await expectedEventRows(p.id, "occurred_at < ?2", [T("2026-11-12T00:00:00Z")]);
    expect(parseCsv(text)).toEqual([HEADER, ...expected.map((r) => r.map(asCsv))]);

    // The record as D1 keeps it.
    const record = await findExport(env.DB, posted.body.export_id);
    expect(record).toMatchObject({ projectId: p.id, reportType: "events", format: "csv", status: "done", rows: 5, r2Key: `exports/${p.id}/${posted.body.export_id}.csv` });
    expect(record!.expiresAt! - record!.finishedAt!).toBe(7 * 86_400_000);
  });

  it("refuses tampered and expired links with 403, and a purged file with 410", async () => {
    const p = await fixture();
    const posted = await postExport({ report_type: "events", format: "xlsx", from: "2026-11-10", to: "2026-11-11" }, bearer(p.admin));
    const view = await waitForExport(posted.body.export_id, bearer(p.admin));
    const good = new URL(view.download_url!);
    const id = posted.body.export_id;
    const sig = good.searchParams.get("sig")!;
    const expires = Number(good.searchParams.get("expires"));
    const status = async (path: string) => {
      const res = await callApp(path);
      return [res.status, res.status === 200 ? null : ((await res.json()) as Body).error!.code];
    };
    expect(await status(`${good.pathname}${good.search}`)).toEqual([200, null]);
    const flipped = (sig[5] === "0" ? "1" : "0");
    expect(await status(`/v1/downloads/${id}?expires=${expires}&sig=${sig.slice(0, 5)}${flipped}${sig.slice(6)}`)).toEqual([403, "invalid_signature"]);
    expect(await status(`/v1/downloads/${id}?expires=${expires + 3600}&sig=${sig}`)).toEqual([403, "invalid_signature"]);
    expect(await status(`/v1/downloads/${id}?expires=${expires}`)).toEqual([403, "invalid_signature"]);
    expect(await status(`/v1/downloads/${id}`)).toEqual([403, "invalid_signature"]);
    // Another export's id under this signature.
    const other = await createExport(env.DB, { projectId: p.id, reportType: "events", format: "csv", params: { from: "2026-11-10", to: "2026-11-10", time_zone: "UTC" } });
    expect(await status(`/v1/downloads/${other.id}?expires=${expires}&sig=${sig}`)).toEqual([403, "invalid_signature"]);
    // A correctly signed link whose time is up.
    const expired = await signedDownloadPath(env.USER_ID_SALT as string, id, Math.floor(Date.now() / 1000) - 1);
    expect(await status(expired)).toEqual([403, "link_expired"]);
    // The XLSX file itself reads back.
    const { rows } = await readXlsx(await (await callApp(`${good.pathname}${good.search}`)).arrayBuffer());
    expect(rows).toHaveLength(6);

    // Retention: a week later the purge job deletes the file; the record says so and hands out no link.
    const purge = await runJob("purge_expired_exports", { project: p.id, as_of: Date.now() + 8 * 86_400_000 });
    expect(purge.details).toMatchObject({ expired: [id] });
    expect(await env.EXPORTS.head(`exports/${p.id}/${id}.xlsx`)).toBeNull();
    const after = (await (await callApp(`/v1/exports/${id}`, { headers: bearer(p.admin) })).json()) as Body;
    expect(after).toMatchObject({ status: "expired", download_url: null, expires_at: null });
    expect(await status(`${good.pathname}${good.search}`)).toEqual([410, "export_expired"]);
  });

  it("exports the weekly first_seen cohort table as CSV, equal to the cohorts report", async () => {
    const p = await newProject();
    // By hand: a (Mon 2025-10-06) returns in the next week; b (Wed 10-08) never: cohort 2025-W41 of 2, week 1 = 50.0.
    await insertEvents(p.id, [
      { event_id: "c1", event_name: "page_view", occurred_at: T("2025-10-06T10:00:00Z"), user_id: "a" },
      { event_id: "c2", event_name: "page_view", occurred_at: T("2025-10-08T10:00:00Z"), user_id: "b" },
      { event_id: "c3", event_name: "page_view", occurred_at: T("2025-10-14T10:00:00Z"), user_id: "a" },
    ]);
    const posted = await postExport({ report_type: "cohorts", format: "csv", from: "2025-10-06", to: "2025-10-12" }, bearer(p.admin));
    expect(posted.res.status).toBe(202);
    const view = await waitForExport(posted.body.export_id, bearer(p.admin));
    expect(view).toMatchObject({ status: "done", rows: 1 });
    const rows = parseCsv(await (await callApp(view.download_url!)).text());
    expect(rows).toEqual([
      ["cohort_period", "cohort_start", "cohort_size", "retention_week_0", "retention_week_1", "retention_week_2", "retention_week_3", "retention_week_4"],
      ["2025-W41", "2025-10-06", "2", "100", "50", "0", "0", "0"],
    ]);
  });

  it("exports the metrics rollups as XLSX, equal to the metrics table", async () => {
    const p = await fixture();
    const rollup = await runJob("rollup_daily_metrics", { project: p.id, date: "2026-11-11", days: 2 });
    expect(rollup.status).toBe("ok");
    const posted = await postExport({ report_type: "metrics", format: "xlsx", from: "2026-11-10", to: "2026-11-11" }, asOperator, `?project=${p.id}`);
    expect(posted.res.status).toBe(202);
    expect(posted.body.status_url).toContain(`?project=${p.id}`);
    const view = await waitForExport(posted.body.export_id, asOperator, `?project=${p.id}`);
    expect(view.status).toBe("done");
    const { results } = await env.DB.prepare(
      "SELECT date, metric_name, dimensions, value, time_zone, computed_at FROM metrics WHERE project_id = ?1 AND date BETWEEN '2026-11-10' AND '2026-11-11' ORDER BY date, metric_name, dimensions",
    )
      .bind(p.id)
      .all<Record<string, string | number>>();
    expect(results.length).toBeGreaterThan(5);
    expect(view.rows).toBe(results.length);
    const { names, rows } = await readXlsx(await (await callApp(view.download_url!)).arrayBuffer());
    expect(names).toEqual(["metrics"]);
    expect(rows).toEqual([
      ["date", "metric_name", "dimensions", "value", "time_zone", "computed_at"],
      ...results.map((m) => [m.date, m.metric_name, m.dimensions, m.value, m.time_zone, new Date(m.computed_at as number).toISOString()]),
    ]);
  });

  it("refuses bad requests with clear 400s: format, dates, range, filters", async () => {
    const p = await fixture();
    const code = async (body: Record<string, unknown>) => {
      const r = await postExport(body, bearer(p.admin));
      return [r.res.status, r.body.error?.code];
    };
    const base = { report_type: "events", format: "csv", from: "2026-11-10", to: "2026-11-11" };
    expect(await code({ ...base, format: "pdf" })).toEqual([400, "validation_failed"]);
    expect(await code({ ...base, report_type: "views" })).toEqual([400, "validation_failed"]);
    expect(await code({ ...base, from: "11/10/2026" })).toEqual([400, "invalid_date"]);
    expect(await code({ ...base, from: "2026-11-12" })).toEqual([400, "invalid_range"]);
    expect(await code({ ...base, from: "2020-01-01" })).toEqual([400, "range_too_large"]);
    expect(await code({ ...base, report_type: "metrics", event_name: "page_view" })).toEqual([400, "invalid_filter"]);
    const malformed = await callApp("/v1/exports", { method: "POST", headers: { "content-type": "application/json", ...bearer(p.admin) }, body: "{not json" });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as Body).error!.code).toBe("malformed_json");
  });

  it("keeps exports to their project's admins (and the operator with ?project=)", async () => {
    const p = await fixture();
    const other = await newProject();
    const posted = await postExport({ report_type: "events", format: "csv", from: "2026-11-10", to: "2026-11-11" }, bearer(p.admin));
    const id = posted.body.export_id;
    const status = async (path: string, headers: Record<string, string> = {}) => (await callApp(path, { headers })).status;
    expect(await status(`/v1/exports/${id}`)).toBe(401);
    expect(await status(`/v1/exports/${id}`, bearer(await p.user("u1")))).toBe(403);
    expect(await status(`/v1/exports/${id}`, bearer(other.admin))).toBe(404);
    expect(await status(`/v1/exports/${id}?project=${p.id}`, bearer(other.admin))).toBe(403);
    const unscoped = await callApp(`/v1/exports/${id}`, { headers: asOperator });
    expect(unscoped.status).toBe(400);
    expect(((await unscoped.json()) as Body).error!.code).toBe("project_required");
    expect(await status(`/v1/exports/${id}?project=${p.id}`, asOperator)).toBe(200);
    expect(await status(`/v1/exports/nope`, bearer(p.admin))).toBe(404);
    const publishable = await callApp(`/v1/exports/${id}`, { headers: { "x-edgeloop-key": p.key } });
    expect(publishable.status).toBe(403);
    expect((await postExport({ report_type: "events", format: "csv", from: "2026-11-10", to: "2026-11-11" }, {})).res.status).toBe(401);
    expect((await postExport({ report_type: "events", format: "csv", from: "2026-11-10", to: "2026-11-11" }, bearer(await p.user("u1")))).res.status).toBe(403);
    const expiredToken = await hs256({ sub: "admin-1", role: "admin", project: p.id }, { expiresIn: "-1m" });
    expect(await status(`/v1/exports/${id}`, bearer(expiredToken))).toBe(401);
    await waitForExport(id, bearer(p.admin));
  });
});

describe("large exports", () => {
  it("streams a CSV of two R2 parts through three invocations (jobs-queue continuation), equal to the source", async () => {
    const p = await newProject();
    // ~26,000 rows of ~270 bytes: about 7 MB of CSV, so more than one 5 MiB part.
    await insertManyEvents(p.id, 26_000, T("2026-11-10T00:00:00Z"), 200);
    const record = await createExport(env.DB, { projectId: p.id, reportType: "events", format: "csv", params: { from: "2026-11-10", to: "2026-11-10", time_zone: "UTC" } });
    // The first page runs here, the rest on the jobs queue, 10,000 rows an invocation.
    const first = await runJob("build_export", { export_id: record.id, rows_per_invocation: 10_000 }, p.admin);
    expect(first).toMatchObject({ status: "ok", rows_read: 10_000, continued: true });
    const view = await waitForExport(record.id, bearer(p.admin));
    expect(view).toMatchObject({ status: "done", rows: 26_000 });
    const { results: runs } = await env.DB.prepare("SELECT continues FROM job_runs WHERE job = 'build_export' AND json_extract(params, '$.export_id') = ?1 ORDER BY started_at").bind(record.id).all<{ continues: string | null }>();
    expect(runs).toHaveLength(3);
    expect(runs.slice(1).every((r) => r.continues)).toBe(true);
    const object = await env.EXPORTS.get(record.r2Key);
    expect(object!.etag).toMatch(/-2$/);
    expect(object!.size).toBe(view.file_size_bytes);
    expect(object!.size).toBeGreaterThan(5 * 1024 * 1024);
    expect((await env.EXPORTS.list({ prefix: `${record.r2Key}.carry-` })).objects).toEqual([]);
    const rows = parseCsv(await object!.text());
    const expected = await expectedEventRows(p.id);
    expect(rows.length).toBe(26_001);
    expect(rows).toEqual([HEADER, ...expected.map((r) => r.map(asCsv))]);
  }, 60_000);

  it("streams an XLSX over several sheets and invocations into a multipart object that reads back whole", async () => {
    const p = await newProject();
    // Random hex compresses about 2:1, so ~21,000 rows of 640 hex characters make more than 5 MiB of XLSX.
    await insertManyEvents(p.id, 21_000, T("2026-11-10T00:00:00Z"), 640);
    const record = await createExport(env.DB, { projectId: p.id, reportType: "events", format: "xlsx", params: { from: "2026-11-10", to: "2026-11-10", time_zone: "UTC" } });
    await runJob("build_export", { export_id: record.id, project: p.id, rows_per_invocation: 6_000, xlsx_rows_per_sheet: 10_000 });
    const view = await waitForExport(record.id, bearer(p.admin));
    expect(view).toMatchObject({ status: "done", rows: 21_000 });
    const object = await env.EXPORTS.get(record.r2Key);
    expect(object!.etag).toMatch(/-2$/);
    const { names, rows } = await readXlsx(await object!.arrayBuffer());
    // 10,000 rows a sheet, header included: 9,999 + 9,999 + 1,002.
    expect(names).toEqual(["events", "events (2)", "events (3)"]);
    const expected = await expectedEventRows(p.id);
    expect(rows).toEqual([HEADER, ...expected.map((r) => r.map(asXlsx))]);
  }, 60_000);

  it("does not build an export twice, and skips exports of other projects", async () => {
    const p = await fixture();
    const other = await newProject();
    const record = await createExport(env.DB, { projectId: p.id, reportType: "events", format: "csv", params: { from: "2026-11-10", to: "2026-11-11", time_zone: "UTC" } });
    expect(await runJob("build_export", { export_id: record.id }, other.admin)).toMatchObject({ status: "skipped" });
    expect(await runJob("build_export", { export_id: record.id }, p.admin)).toMatchObject({ status: "ok", rows_written: 5, continued: false });
    expect(await runJob("build_export", { export_id: record.id }, p.admin)).toMatchObject({ status: "skipped", message: `export ${record.id} is already done` });
  });

  it("fails what it cannot build, gives up on stalled builds, and serves no file before it is done", async () => {
    const p = await fixture();
    // Asked for two days ago and never finished (its continuation lost): the purge job fails it.
    const stalled = await createExport(env.DB, { projectId: p.id, reportType: "events", format: "csv", params: { from: "2026-11-10", to: "2026-11-11", time_zone: "UTC" } }, Date.now() - 2 * 86_400_000);
    const purge = await runJob("purge_expired_exports", { project: p.id });
    expect(purge.details).toMatchObject({ stalled: [stalled.id] });
    const view = (await (await callApp(`/v1/exports/${stalled.id}`, { headers: bearer(p.admin) })).json()) as Body;
    expect(view).toMatchObject({ status: "failed", error: "The build stopped making progress and was given up", download_url: null });
    // A validly signed link to an export that has no file.
    const link = await signedDownloadPath(env.USER_ID_SALT as string, stalled.id, Math.floor(Date.now() / 1000) + 60);
    const res = await callApp(link);
    expect(res.status).toBe(404);
    expect(((await res.json()) as Body).error!.code).toBe("export_not_ready");
  });

  it("exports one event name when asked", async () => {
    const p = await fixture();
    const posted = await postExport({ report_type: "events", format: "csv", from: "2026-11-10", to: "2026-11-12", event_name: "page_view" }, bearer(p.admin));
    const view = await waitForExport(posted.body.export_id, bearer(p.admin));
    expect(view).toMatchObject({ status: "done", rows: 4, event_name: "page_view" });
    const rows = parseCsv(await (await callApp(view.download_url!)).text());
    expect(rows.slice(1).map((r) => r[0])).toEqual(["e1", "e3", "e4", "e6"]);
  });
});

describe("OpenAPI", () => {
  it("documents the export routes with their schemas; the download needs no credentials", async () => {
    const app = new Hono();
    const openapi = fromHono(app, { openapi_url: "/openapi.json", docs_url: null, redoc_url: null });
    openapi.get("/v1/reports/events", GetEventsExport);
    openapi.post("/v1/exports", PostExport);
    openapi.get("/v1/exports/:id", GetExport);
    openapi.get("/v1/downloads/:export_id", DownloadExport);
    const doc = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, Record<string, { security?: unknown; responses: Record<string, { content?: Record<string, unknown> }>; requestBody?: unknown }>> };
    expect(Object.keys(doc.paths).sort()).toEqual(["/v1/downloads/{export_id}", "/v1/exports", "/v1/exports/{id}", "/v1/reports/events"]);
    expect(Object.keys(doc.paths["/v1/reports/events"]!.get!.responses["200"]!.content!)).toEqual(["text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]);
    expect(Object.keys(doc.paths["/v1/exports"]!.post!.responses)).toEqual(expect.arrayContaining(["202", "400", "401", "403", "429"]));
    expect(doc.paths["/v1/exports"]!.post!.requestBody).toBeDefined();
    expect(doc.paths["/v1/downloads/{export_id}"]!.get!.security).toEqual([]);
    expect(Object.keys(doc.paths["/v1/downloads/{export_id}"]!.get!.responses)).toEqual(expect.arrayContaining(["200", "403", "404", "410"]));
  });
});
