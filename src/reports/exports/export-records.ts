// The exports table: an export's request, its progress and where its file is; every write is a single statement.
import { and, eq, inArray, lt, lte } from "drizzle-orm";
import { database } from "../../db/client";
import { reportExports } from "../../db/schema";
import type { ExportFormat } from "./columns";
import type { ReportType } from "./sources";

export type ExportParams = { from: string; to: string; time_zone: string; event_name?: string };
export type ExportStatus = "queued" | "running" | "done" | "failed" | "expired";
export type ExportRecord = typeof reportExports.$inferSelect;

export const EXTENSIONS: Record<ExportFormat, string> = { csv: "csv", xlsx: "xlsx" };

/** exports/<project>/<id>.<ext>: one prefix per project, so an operator can list or lifecycle a tenant's files. */
export const exportKey = (projectId: string, id: string, format: ExportFormat) => `exports/${projectId}/${id}.${EXTENSIONS[format]}`;

/** The name the download is saved under: events_2026-01-01_2026-01-31.csv */
export const downloadName = (r: Pick<ExportRecord, "reportType" | "format" | "params">) => {
  const p = JSON.parse(r.params) as ExportParams;
  return `${r.reportType}_${p.from}_${p.to}.${EXTENSIONS[r.format as ExportFormat]}`;
};

export async function createExport(d1: D1Database, e: { projectId: string; reportType: ReportType; format: ExportFormat; params: ExportParams }, now = Date.now()): Promise<ExportRecord> {
  const id = crypto.randomUUID();
  const row = { id, projectId: e.projectId, reportType: e.reportType, format: e.format, params: JSON.stringify(e.params), status: "queued", r2Key: exportKey(e.projectId, id, e.format), rows: 0, createdAt: now };
  const [created] = await database(d1).insert(reportExports).values(row).returning();
  return created!;
}

export async function findExport(d1: D1Database, id: string, projectId?: string): Promise<ExportRecord | undefined> {
  const where = projectId === undefined ? eq(reportExports.id, id) : and(eq(reportExports.id, id), eq(reportExports.projectId, projectId));
  return database(d1).select().from(reportExports).where(where).get();
}

const ACTIVE: ExportStatus[] = ["queued", "running"];

/** Progress of an export still being built; false when it is no longer (finished, failed, or purged meanwhile). */
export async function markProgress(d1: D1Database, id: string, rows: number, bytes: number): Promise<boolean> {
  const res = await database(d1)
    .update(reportExports)
    .set({ status: "running", rows, fileSizeBytes: bytes })
    .where(and(eq(reportExports.id, id), inArray(reportExports.status, ACTIVE)));
  return res.meta.changes > 0;
}

export async function markDone(d1: D1Database, id: string, done: { rows: number; bytes: number; retentionDays: number }, now = Date.now()): Promise<boolean> {
  const res = await database(d1)
    .update(reportExports)
    .set({ status: "done", rows: done.rows, fileSizeBytes: done.bytes, finishedAt: now, expiresAt: now + done.retentionDays * 86_400_000, error: null })
    .where(and(eq(reportExports.id, id), inArray(reportExports.status, ACTIVE)));
  return res.meta.changes > 0;
}

export async function markFailed(d1: D1Database, id: string, error: string, now = Date.now()): Promise<boolean> {
  const res = await database(d1)
    .update(reportExports)
    .set({ status: "failed", finishedAt: now, error: error.slice(0, 1000) })
    .where(and(eq(reportExports.id, id), inArray(reportExports.status, ACTIVE)));
  return res.meta.changes > 0;
}

/** Finished exports whose files are due for removal, oldest first. */
export async function dueForPurge(d1: D1Database, asOf: number, limit: number, projectId?: string): Promise<ExportRecord[]> {
  return database(d1)
    .select()
    .from(reportExports)
    .where(and(eq(reportExports.status, "done"), lte(reportExports.expiresAt, asOf), projectId === undefined ? undefined : eq(reportExports.projectId, projectId)))
    .orderBy(reportExports.expiresAt)
    .limit(limit)
    .all();
}

export async function markExpired(d1: D1Database, ids: string[]): Promise<void> {
  if (ids.length) await database(d1).update(reportExports).set({ status: "expired" }).where(and(inArray(reportExports.id, ids), eq(reportExports.status, "done")));
}

/** Builds that stopped making progress (their continuation lost after the queue's retries): created before `before`. */
export async function stalledBuilds(d1: D1Database, before: number, limit: number, projectId?: string): Promise<ExportRecord[]> {
  return database(d1)
    .select()
    .from(reportExports)
    .where(and(inArray(reportExports.status, ACTIVE), lt(reportExports.createdAt, before), projectId === undefined ? undefined : eq(reportExports.projectId, projectId)))
    .limit(limit)
    .all();
}
