// Helpers for export tests: the app, an RFC 4180 reader, an XLSX reader, and seeded rows.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createApp } from "../../src/app";
import { BASE } from "../helpers/api";

export { parseCsv, readXlsx } from "./exports-readers";

// The Worker's app itself, called in-process so a test can change configuration per request.
const app = createApp();

/** Calls the app as a client would; `vars` overrides configuration for this request only. */
export async function callApp(path: string, init: RequestInit = {}, vars: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(path.startsWith("http") ? path : `${BASE}${path}`, init), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export type SeedEvent = { event_id: string; event_name: string; occurred_at: number; user_id?: string | null; properties?: string | null; context?: string | null; country?: string | null };

export async function insertEvents(projectId: string, events: SeedEvent[]) {
  const stmt = env.DB.prepare(
    "INSERT INTO events (event_id, project_id, event_name, occurred_at, received_at, user_id, user_identified, properties, context, country) VALUES (?1, ?2, ?3, ?4, ?4 + 1000, ?5, 1, ?6, ?7, ?8)",
  );
  for (let i = 0; i < events.length; i += 50) {
    await env.DB.batch(events.slice(i, i + 50).map((e) => stmt.bind(e.event_id, projectId, e.event_name, e.occurred_at, e.user_id ?? null, e.properties ?? null, e.context ?? null, e.country ?? null)));
  }
}

/** `n` events generated inside SQLite (fast), each with `propertyChars` hex characters of random properties. */
export async function insertManyEvents(projectId: string, n: number, startMs: number, propertyChars: number) {
  await env.DB.prepare(
    `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?2 - 1)
     INSERT INTO events (event_id, project_id, event_name, occurred_at, received_at, user_id, user_identified, properties)
     SELECT printf('bulk-%07d', i), ?1, CASE i % 3 WHEN 0 THEN 'page_view' WHEN 1 THEN 'button_click' ELSE 'sign_up' END,
            ?3 + (i / 4) * 1000, ?3 + (i / 4) * 1000 + 5, 'user-' || (i % 997), 1,
            '{"blob":"' || substr(hex(randomblob(?4)), 1, ?4) || '"}'
     FROM seq`,
  )
    .bind(projectId, n, startMs, propertyChars)
    .run();
}

/** The events table's rows for a project, as the export writes them (columns in order, times as ISO-8601). */
export async function expectedEventRows(projectId: string, where = "1 = 1", binds: unknown[] = []) {
  const { results } = await env.DB.prepare(
    `SELECT event_id, event_name, occurred_at, received_at, user_id, user_identified, client_session_id, request_id, resource_type, resource_id,
            decision_id, policy_id, src, country, browser, os, device_type, context, properties
     FROM events WHERE project_id = ?1 AND ${where} ORDER BY occurred_at, event_id`,
  )
    .bind(projectId, ...binds)
    .all<Record<string, string | number | null>>();
  return results.map((r) => Object.entries(r).map(([k, v]) => (k === "occurred_at" || k === "received_at" ? new Date(v as number).toISOString() : v)));
}

type ExportView = { status: string; event_name?: string | null; download_url: string | null; expires_at: string | null; file_size_bytes: number | null; rows: number; error: string | null };

/** Polls GET /v1/exports/:id until the build ends (the jobs queue runs it in the background). */
export async function waitForExport(id: string, headers: Record<string, string>, query = "", timeoutMs = 60_000): Promise<ExportView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await callApp(`/v1/exports/${id}${query}`, { headers });
    const view = (await res.json()) as ExportView;
    if (res.status !== 200) throw new Error(`GET export: ${res.status} ${JSON.stringify(view)}`);
    if (view.status === "done" || view.status === "failed") return view;
    if (Date.now() > deadline) throw new Error(`export ${id} still ${view.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
