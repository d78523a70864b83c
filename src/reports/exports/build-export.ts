// build_export: pages an export's rows out of D1 into its R2 object, continuing through the jobs queue until done.
import { z } from "zod";
import type { Env } from "../../env";
import { log } from "../../http/log";
import { asOfParam, defineJob, projectParam } from "../../jobs/job";
import { dayBounds } from "../day-range";
import { CONTENT_TYPES, type ExportFormat } from "./columns";
import { downloadName, findExport, markDone, markFailed, markProgress, type ExportParams, type ExportRecord } from "./export-records";
import { ExportFailure } from "./export-failure";
import { fileEncoder } from "./file-encoder";
import { abortUpload, R2Upload } from "./r2-upload";
import { exportSettings } from "./settings";
import { EXPORT_SOURCES, type Cursor, type ReportType, type SourceQuery } from "./sources";
import { resumeSchema } from "./state-schemas";
import { encodePage, PAGE_ROWS, readAhead } from "./write-rows";

export function sourceQuery(projectId: string, p: ExportParams): SourceQuery {
  return { projectId, from: p.from, to: p.to, start: dayBounds(p.from, p.time_zone).start, end: dayBounds(p.to, p.time_zone).end, eventName: p.event_name };
}

/** attachment; filename="…" plus RFC 5987's filename* for names outside ASCII. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function httpMetadata(r: ExportRecord): R2HTTPMetadata {
  return { contentType: CONTENT_TYPES[r.format as ExportFormat], contentDisposition: contentDisposition(downloadName(r)) };
}

export const buildExport = defineJob({
  name: "build_export",
  description: "Writes one export (POST /v1/exports) to R2: pages of rows through a multipart upload, continued through the jobs queue",
  params: z.strictObject({
    export_id: z.string().min(1).max(64),
    project: projectParam,
    as_of: asOfParam,
    /** Stops a page early after this many rows (tests and operators; the time budget applies regardless). */
    rows_per_invocation: z.number().int().min(1).optional(),
    /** Tests only: sheets of fewer rows, to see the XLSX sheet rollover. */
    xlsx_rows_per_sheet: z.number().int().min(2).optional(),
    /** Set by the job itself when it continues: where the previous invocation stopped. */
    resume: resumeSchema.optional(),
  }),
  async run(ctx, params) {
    const { env } = ctx;
    const record = await findExport(env.DB, params.export_id, params.project);
    if (!record) return { status: "skipped", rowsRead: 0, rowsWritten: 0, message: `no export ${params.export_id}${params.project ? ` in project ${params.project}` : ""}` };
    if (record.status !== "queued" && record.status !== "running") {
      return { status: "skipped", rowsRead: 0, rowsWritten: 0, message: `export ${record.id} is already ${record.status}` };
    }
    const source = EXPORT_SOURCES[record.reportType as ReportType];
    if (!source) {
      await markFailed(env.DB, record.id, `${record.reportType} exports are not supported yet`);
      return { status: "ok", rowsRead: 0, rowsWritten: 0, message: `export ${record.id}: ${record.reportType} is not supported` };
    }

    let upload: R2Upload | undefined;
    try {
      upload = await R2Upload.open(env.EXPORTS, record.r2Key, httpMetadata(record), params.resume?.upload);
      const encoder = fileEncoder(upload.push, {
        format: record.format as ExportFormat,
        columns: source.columns,
        sheetName: record.reportType,
        modified: record.createdAt,
        resume: params.resume?.encoder,
        maxRowsPerSheet: params.xlsx_rows_per_sheet,
      });
      if (!params.resume) encoder.start();
      const q = sourceQuery(record.projectId, JSON.parse(record.params) as ExportParams);
      const budget = params.rows_per_invocation ?? Number.POSITIVE_INFINITY;
      let cursor: Cursor | null = params.resume?.cursor ?? null;
      let rows = params.resume?.rows ?? 0;
      let read = 0;
      let ahead = readAhead(env.DB, source, q, cursor, Math.min(PAGE_ROWS, budget - read));
      for (;;) {
        const page = encodePage(await ahead, encoder);
        rows += page.rows;
        read += page.rows;
        cursor = page.next;
        // The next page is read while this one's parts upload; if the time budget ends first, it is dropped unread
        // and the next invocation reads it again from the cursor.
        if (cursor && read < budget) ahead = readAhead(env.DB, source, q, cursor, Math.min(PAGE_ROWS, budget - read));
        // Whole parts leave memory as soon as they fill: one part plus two pages is the most ever held.
        await upload.flushParts();
        if (!cursor || read >= budget || Date.now() >= ctx.deadline) break;
      }

      if (!cursor) {
        encoder.finish();
        const bytes = await upload.complete();
        await markDone(env.DB, record.id, { rows, bytes, retentionDays: exportSettings(env).retentionDays });
        return { status: "ok", rowsRead: read, rowsWritten: rows, message: `export ${record.id}: ${rows} rows, ${bytes} bytes`, details: { export_id: record.id, rows, file_size_bytes: bytes } };
      }

      const resume = { cursor, rows, encoder: encoder.suspend(), upload: await upload.suspend() };
      if (!(await markProgress(env.DB, record.id, rows, resume.upload.bytes))) {
        // Failed or purged while this page ran (a stalled build given up on): stop here, leave nothing behind.
        await abortUpload(env.EXPORTS, record.r2Key, resume.upload.uploadId);
        return { status: "skipped", rowsRead: read, rowsWritten: 0, message: `export ${record.id} ended while it was being built` };
      }
      const { resume: _previous, as_of: _asOf, ...rest } = params;
      return {
        status: "ok",
        rowsRead: read,
        rowsWritten: 0,
        message: `export ${record.id}: ${rows} rows so far, continuing`,
        continueWith: { ...rest, resume },
        details: { export_id: record.id, rows, bytes: resume.upload.bytes },
      };
    } catch (err) {
      if (!(err instanceof ExportFailure)) throw err; // transient (D1, R2): the queue retries this page with the same state
      await abortUpload(env.EXPORTS, record.r2Key, upload?.uploadId ?? params.resume?.upload.uploadId ?? null);
      await markFailed(env.DB, record.id, err.message);
      log.warn("export_failed", { export_id: record.id, code: err.code, error: err.message });
      return { status: "ok", rowsRead: 0, rowsWritten: 0, message: `export ${record.id} failed: ${err.message}` };
    }
  },
});

/** Starts a build: the first page runs on the jobs queue, like every page after it. */
export async function enqueueBuild(env: Env, exportId: string, projectId: string): Promise<void> {
  // The runner's JobMessage; `continues` is left out: this first page continues no run.
  await env.JOBS_QUEUE.send({ job: buildExport.name, params: { export_id: exportId, project: projectId } });
}
