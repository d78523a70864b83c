// Benchmark build only: POST /__bench/layer-probe times, inside the Worker, what a report or job spends on the D1
// binding (round trips, rows across the boundary) and on its own JavaScript, so a job/floor ratio can be split into
// SQL, the D1/Worker layer and the code. Answers only when ENABLE_BENCH_ROUTES is "true"; never part of src/.
import { fileEncoder } from "../../src/reports/exports/file-encoder";
import { EXPORT_SOURCES, type Cursor, type SourceQuery } from "../../src/reports/exports/sources";

type Probe = { kind: "roundtrip"; calls: number } | { kind: "r2"; bytes: number } | { kind: "export"; query: SourceQuery; page_rows: number; format: "csv" | "xlsx"; raw_variant?: boolean };

const now = () => performance.now();

/** Seconds of D1 time vs. encoding time for the events export, page by page, bytes counted and dropped. */
async function exportProbe(db: D1Database, p: Extract<Probe, { kind: "export" }>) {
  const source = EXPORT_SOURCES.events!;
  let bytes = 0;
  const encoder = fileEncoder((chunk) => (bytes += chunk.length), { format: p.format, columns: source.columns, sheetName: "events", modified: 0 });
  let d1Ms = 0;
  let encodeMs = 0;
  let pages = 0;
  let rows = 0;
  let cursor: Cursor | null = null;
  const t0 = now();
  encoder.start();
  do {
    let t = now();
    const page = await source.page(db, p.query, cursor, p.page_rows);
    d1Ms += now() - t;
    t = now();
    encoder.rows(page.rows);
    encodeMs += now() - t;
    pages++;
    rows += page.rows.length;
    cursor = page.next;
  } while (cursor);
  encoder.finish();
  return { pages, rows, bytes, total_ms: now() - t0, d1_ms: d1Ms, encode_ms: encodeMs };
}

/** The same rows without encoding: `.all()` (objects) against `.raw()` (arrays), to price the row conversion. */
async function rowsProbe(db: D1Database, q: SourceQuery, pageRows: number, how: "all" | "raw") {
  const cols = source().columns.map((c) => c.name).join(", ");
  let after: [number, string] | null = null;
  let rows = 0;
  let pages = 0;
  const t0 = now();
  for (;;) {
    const binds: unknown[] = [q.projectId, after ? Math.max(q.start, after[0]) : q.start, q.end];
    let keyset = "";
    if (after) {
      binds.push(after[0], after[1]);
      keyset = " AND (occurred_at > ?4 OR event_id > ?5)";
    }
    binds.push(pageRows);
    const stmt = db.prepare(`SELECT ${cols} FROM events WHERE project_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3${keyset} ORDER BY occurred_at, event_id LIMIT ?${binds.length}`).bind(...binds);
    let last: [number, string] | null = null;
    let n = 0;
    if (how === "raw") {
      const r = await stmt.raw<unknown[]>();
      n = r.length;
      const l = r[n - 1];
      // event_id and occurred_at are the first and third columns in the export's order
      if (l) last = [Number(l[2]), String(l[0])];
    } else {
      const { results } = await stmt.all<{ occurred_at: number; event_id: string }>();
      n = results.length;
      const l = results[n - 1];
      if (l) last = [l.occurred_at, l.event_id];
    }
    pages++;
    rows += n;
    if (n < pageRows || !last) break;
    after = last;
  }
  return { how, pages, rows, total_ms: now() - t0 };
}

const source = () => EXPORT_SOURCES.events!;

/**
 * R2 as the export job uses it: `bytes` written through a multipart upload in 5 MiB parts (PART_BYTES), completed,
 * then read back whole inside the Worker, then deleted. What the job's upload and its download's R2 read cost alone.
 */
async function r2Probe(bucket: R2Bucket, bytes: number) {
  const PART = 5 * 1024 * 1024;
  const key = `bench-layer-probe-${Date.now()}`;
  const part = new Uint8Array(PART).fill(0x78);
  let t = now();
  const upload = await bucket.createMultipartUpload(key);
  const parts: R2UploadedPart[] = [];
  for (let sent = 0, n = 1; sent < bytes; sent += PART, n++) parts.push(await upload.uploadPart(n, sent + PART <= bytes ? part : part.subarray(0, bytes - sent)));
  await upload.complete(parts);
  const uploadMs = now() - t;
  t = now();
  const object = await bucket.get(key);
  let read = 0;
  const reader = object!.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    read += value.length;
  }
  const readMs = now() - t;
  await bucket.delete(key);
  return { bytes, parts: parts.length, upload_ms: uploadMs, read_ms: readMs, read_bytes: read };
}

export async function layerProbe(request: Request, env: { DB: D1Database; EXPORTS: R2Bucket; ENABLE_BENCH_ROUTES?: string }): Promise<Response | null> {
  const url = new URL(request.url);
  if (url.pathname !== "/__bench/layer-probe" || request.method !== "POST") return null;
  if (env.ENABLE_BENCH_ROUTES !== "true") return new Response("not found", { status: 404 });
  const p = (await request.json()) as Probe;
  if (p.kind === "roundtrip") {
    // The cheapest statement there is, sequentially: what one D1 round trip costs the Worker, whatever the query.
    const stmt = env.DB.prepare("SELECT 1 AS one");
    const t0 = now();
    for (let i = 0; i < p.calls; i++) await stmt.first();
    const ms = now() - t0;
    return Response.json({ calls: p.calls, total_ms: ms, ms_per_call: ms / p.calls });
  }
  if (p.kind === "r2") return Response.json(await r2Probe(env.EXPORTS, p.bytes));
  const out: Record<string, unknown> = { export: await exportProbe(env.DB, p) };
  if (p.raw_variant) {
    out.rows_all = await rowsProbe(env.DB, p.query, p.page_rows, "all");
    out.rows_raw = await rowsProbe(env.DB, p.query, p.page_rows, "raw");
  }
  return Response.json(out);
}
