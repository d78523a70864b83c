// Export routes: stream a small events range now (GET /v1/reports/events), or build any range into R2
// (POST /v1/exports, GET /v1/exports/:id) and fetch it through a signed, expiring link (GET /v1/downloads/:export_id).
import { ApiRoute } from "../http/api-route";
import { contentJson } from "chanfana";
import { z } from "zod";
import type { AppContext } from "../http/context";
import { ApiError, errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { CONTENT_TYPES, EXPORT_FORMATS, type ExportFormat } from "./exports/columns";
import { contentDisposition, enqueueBuild, sourceQuery } from "./exports/build-export";
import { signedDownloadPath, verifyDownloadLink } from "./exports/download-links";
import { createExport, downloadName, findExport, markFailed, type ExportParams, type ExportRecord } from "./exports/export-records";
import { exportSettings, signingSecret } from "./exports/settings";
import { EXPORT_SOURCES, REPORT_TYPES } from "./exports/sources";
import { streamExport } from "./exports/stream-export";
import { dateRange, reportDateParam } from "./report-dates";
import { reportProject } from "./report-scope";

const project = z.string().optional().describe("Only for the operator token, which spans projects");
const eventName = z.string().min(1).max(200).optional().describe("Only events of this name");
const format = z.enum(EXPORT_FORMATS).describe("csv (RFC 4180, formula cells neutralised) or xlsx");
const fileResponse = (description: string) => ({
  description,
  content: {
    "text/csv": { schema: z.string().describe("RFC 4180, UTF-8, header row first") },
    [CONTENT_TYPES.xlsx]: { schema: z.string().meta({ format: "binary" }) },
  },
});

/** Seed 002's GET …/reports/events?format=csv|xlsx: a small range, streamed page by page into the response. */
export class GetEventsExport extends ApiRoute {
  schema = {
    tags: ["reports"],
    summary: "Events over [from, to] as a CSV or XLSX download, streamed directly (up to EXPORT_DIRECT_MAX_ROWS rows)",
    description: "Larger ranges: POST /v1/exports builds the file in the background and GET /v1/exports/{id} hands out a download link.",
    security: bearerOnly,
    request: { query: z.object({ format: format.default("csv"), from: reportDateParam, to: reportDateParam, event_name: eventName, project }) },
    responses: { "200": fileResponse("The events, one row each, oldest first"), ...errorResponses(400, 401, 403, 404, 413, 429) },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const { projectId, timeZone } = await reportProject(c, query.project);
    const settings = exportSettings(c.env);
    const range = dateRange(query.from, query.to, settings.maxRangeDays);
    const source = EXPORT_SOURCES.events!;
    const q = sourceQuery(projectId, { ...range, time_zone: timeZone, event_name: query.event_name });
    const rows = await source.count(c.env.DB, q);
    if (rows > settings.directMaxRows) {
      throw new ApiError(413, "export_too_large", `${rows} rows is more than a direct download streams (EXPORT_DIRECT_MAX_ROWS = ${settings.directMaxRows}): use POST /v1/exports`, {
        limit: "EXPORT_DIRECT_MAX_ROWS",
        max_rows: settings.directMaxRows,
        rows,
      });
    }
    const fmt = query.format as ExportFormat;
    const filename = `events_${range.from}_${range.to}.${fmt}`;
    return new Response(streamExport(c.env.DB, source, q, { format: fmt, sheetName: "events", now: Date.now() }), {
      headers: { "content-type": CONTENT_TYPES[fmt], "content-disposition": contentDisposition(filename), "cache-control": "private, no-store", "x-content-type-options": "nosniff" },
    });
  }
}

const exportView = z.object({
  export_id: z.string(),
  report_type: z.enum(REPORT_TYPES),
  format: z.enum(EXPORT_FORMATS),
  from: z.string(),
  to: z.string(),
  time_zone: z.string(),
  event_name: z.string().nullable(),
  status: z.enum(["queued", "running", "done", "failed", "expired"]),
  rows: z.number().describe("Rows written so far; all of them once done"),
  file_size_bytes: z.number().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  download_url: z.string().nullable().describe("A signed link, valid until expires_at; ask again for a fresh one"),
  expires_at: z.string().nullable().describe("When download_url stops working (EXPORT_LINK_TTL_SECONDS, default 1 hour)"),
  file_expires_at: z.string().nullable().describe("When the file itself is deleted (EXPORT_RETENTION_DAYS after it was built)"),
  error: z.string().nullable(),
});

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function viewOf(c: AppContext, r: ExportRecord, now: number): Promise<z.infer<typeof exportView>> {
  const p = JSON.parse(r.params) as ExportParams;
  let downloadUrl: string | null = null;
  let linkExpires: number | null = null;
  if (r.status === "done" && r.expiresAt !== null && r.expiresAt > now) {
    // A link never outlives the file it points at.
    linkExpires = Math.floor(Math.min(now + exportSettings(c.env).linkTtlSeconds * 1000, r.expiresAt) / 1000);
    downloadUrl = new URL(await signedDownloadPath(signingSecret(c.env), r.id, linkExpires), c.req.url).toString();
  }
  return {
    export_id: r.id,
    report_type: r.reportType as z.infer<typeof exportView>["report_type"],
    format: r.format as ExportFormat,
    from: p.from,
    to: p.to,
    time_zone: p.time_zone,
    event_name: p.event_name ?? null,
    status: r.status as z.infer<typeof exportView>["status"],
    rows: r.rows,
    file_size_bytes: r.fileSizeBytes,
    created_at: new Date(r.createdAt).toISOString(),
    finished_at: isoOrNull(r.finishedAt),
    download_url: downloadUrl,
    expires_at: linkExpires === null ? null : new Date(linkExpires * 1000).toISOString(),
    file_expires_at: isoOrNull(r.expiresAt),
    error: r.error,
  };
}

/** Seed 003's POST …/export: the file is built by the build_export job; poll GET /v1/exports/{id} for the link. */
export class PostExport extends ApiRoute {
  schema = {
    tags: ["reports"],
    summary: "Export a report over [from, to] as CSV or XLSX, built in the background into R2 (project admins)",
    security: bearerOnly,
    request: {
      query: z.object({ project }),
      body: contentJson(
        z.object({
          report_type: z.enum(REPORT_TYPES).describe("events: raw events; metrics: daily rollups; cohorts: weekly first_seen retention cohorts of users first seen in the range"),
          format,
          from: reportDateParam.describe("YYYY-MM-DD, in the project's time zone"),
          to: reportDateParam.describe("YYYY-MM-DD, included"),
          event_name: eventName,
        }),
      ),
    },
    responses: {
      "202": jsonResponse("Queued: poll GET /v1/exports/{export_id}", z.object({ export_id: z.string(), status: z.literal("queued"), status_url: z.string() })),
      ...errorResponses(400, 401, 403, 404, 429, 503),
    },
  };
  async handle(c: AppContext) {
    const { query, body } = await this.getValidatedData<typeof this.schema>();
    const { projectId, timeZone } = await reportProject(c, query.project);
    const range = dateRange(body.from, body.to, exportSettings(c.env).maxRangeDays);
    if (!EXPORT_SOURCES[body.report_type]) {
      throw new ApiError(400, "report_type_not_supported", `${body.report_type} exports are not supported yet`, { supported: Object.keys(EXPORT_SOURCES) });
    }
    if (body.event_name !== undefined && body.report_type !== "events") {
      throw new ApiError(400, "invalid_filter", "event_name filters only events exports");
    }
    const params: ExportParams = { ...range, time_zone: timeZone, ...(body.event_name === undefined ? {} : { event_name: body.event_name }) };
    const record = await createExport(c.env.DB, { projectId, reportType: body.report_type, format: body.format as ExportFormat, params });
    try {
      await enqueueBuild(c.env, record.id, projectId);
    } catch (err) {
      await markFailed(c.env.DB, record.id, "The build could not be queued");
      throw new ApiError(503, "queue_unavailable", "The export could not be queued; try again", undefined, { "Retry-After": "5" });
    }
    const statusUrl = new URL(`/v1/exports/${record.id}`, c.req.url);
    if (query.project) statusUrl.searchParams.set("project", query.project);
    return c.json({ export_id: record.id, status: "queued" as const, status_url: statusUrl.toString() }, 202);
  }
}

export class GetExport extends ApiRoute {
  schema = {
    tags: ["reports"],
    summary: "An export's status and, once done, a signed download link valid for an hour (project admins)",
    security: bearerOnly,
    request: { params: z.object({ id: z.string().min(1).max(64) }), query: z.object({ project }) },
    responses: { "200": jsonResponse("The export", exportView), ...errorResponses(400, 401, 403, 404, 429) },
  };
  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const { projectId } = await reportProject(c, query.project);
    const record = await findExport(c.env.DB, params.id, projectId);
    if (!record) throw new ApiError(404, "export_not_found", `No export ${params.id} in project ${projectId}`);
    return viewOf(c, record, Date.now());
  }
}

/** Public: the signature is the credential. Served by the Worker from R2, as an attachment. */
export class DownloadExport extends ApiRoute {
  schema = {
    tags: ["reports"],
    summary: "Download an export's file through the signed link GET /v1/exports/{id} hands out",
    description: "No credentials: the link's HMAC signature and expiry are checked. An altered or expired link gets 403.",
    security: [],
    request: {
      params: z.object({ export_id: z.string().min(1).max(64) }),
      query: z.object({ expires: z.string().optional().describe("Epoch seconds"), sig: z.string().optional().describe("Hex HMAC-SHA256") }),
    },
    responses: { "200": fileResponse("The file"), ...errorResponses(403, 404, 410) },
  };
  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const now = Date.now();
    await verifyDownloadLink(signingSecret(c.env), params.export_id, query.expires, query.sig, now);
    const record = await findExport(c.env.DB, params.export_id);
    if (!record) throw new ApiError(404, "export_not_found", `No export ${params.export_id}`);
    const gone = new ApiError(410, "export_expired", "This export's file has been deleted: export the range again");
    if (record.status === "expired" || (record.expiresAt !== null && record.expiresAt <= now)) throw gone;
    if (record.status !== "done") throw new ApiError(404, "export_not_ready", `Export ${record.id} is ${record.status}`);
    const object = await c.env.EXPORTS.get(record.r2Key);
    if (!object) throw gone;
    return new Response(object.body, {
      headers: {
        "content-type": CONTENT_TYPES[record.format as ExportFormat],
        "content-disposition": contentDisposition(downloadName(record)),
        "content-length": String(object.size),
        etag: object.httpEtag,
        // The link is a bearer credential for an hour: keep the file out of shared caches.
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    });
  }
}
