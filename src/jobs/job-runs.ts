// The job ledger (job_runs): a row when a run starts, completed with its status and counts when it ends.
import { and, desc, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { jobRuns } from "../db/schema";

export type JobTrigger = "cron" | "api" | "queue";

export async function startRun(db: Database, run: { id: string; job: string; params: unknown; trigger: JobTrigger; continues?: string }, now = Date.now()) {
  await db.insert(jobRuns).values({
    id: run.id,
    job: run.job,
    params: JSON.stringify(run.params ?? {}),
    trigger: run.trigger,
    status: "running",
    startedAt: now,
    continues: run.continues ?? null,
  });
}

export async function finishRun(
  db: Database,
  id: string,
  outcome: { status: "ok" | "failed" | "skipped"; rowsRead: number; rowsWritten: number; message?: string },
  now = Date.now(),
) {
  await db
    .update(jobRuns)
    .set({ status: outcome.status, finishedAt: now, rowsRead: outcome.rowsRead, rowsWritten: outcome.rowsWritten, message: outcome.message?.slice(0, 2000) ?? null })
    .where(eq(jobRuns.id, id));
}

export function runView(r: typeof jobRuns.$inferSelect) {
  return {
    run_id: r.id,
    job: r.job,
    params: JSON.parse(r.params) as unknown,
    trigger: r.trigger,
    status: r.status,
    started_at: new Date(r.startedAt).toISOString(),
    finished_at: r.finishedAt ? new Date(r.finishedAt).toISOString() : null,
    duration_ms: r.finishedAt ? r.finishedAt - r.startedAt : null,
    rows_read: r.rowsRead,
    rows_written: r.rowsWritten,
    message: r.message,
    continues: r.continues,
  };
}

export async function listRuns(db: Database, filter: { job?: string; limit: number }) {
  const where: SQL[] = [];
  if (filter.job) where.push(eq(jobRuns.job, filter.job));
  const rows = await db.select().from(jobRuns).where(and(...where)).orderBy(desc(jobRuns.startedAt)).limit(filter.limit).all();
  return rows.map(runView);
}

/** The latest finished run of a job that covered the project (its own runs, or cron's runs over every project). */
export async function lastFinishedRun(db: Database, job: string, projectId: string) {
  const row = await db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job), isNotNull(jobRuns.finishedAt), sql`coalesce(json_extract(${jobRuns.params}, '$.project'), ${projectId}) = ${projectId}`))
    .orderBy(desc(jobRuns.startedAt))
    .limit(1)
    .get();
  return row ? runView(row) : null;
}
