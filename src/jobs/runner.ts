// runJob: parse parameters, record the run, run it, record how it ended, and enqueue the next page if it did not finish.
import { database } from "../db/client";
import type { Env } from "../env";
import { ApiError, zodDetails } from "../http/errors";
import { log } from "../http/log";
import type { JobDefinition } from "./job";
import { finishRun, startRun, type JobTrigger } from "./job-runs";
import { JOBS } from "./registry";

// Cron invocations more frequent than hourly get 30 s; queue consumers 15 min of wall time. A page stops well before.
export const INVOCATION_BUDGET_MS = 20_000;

export type JobMessage = { job: string; params: Record<string, unknown>; continues: string };

export function jobByName(name: string): JobDefinition {
  const key = name.replace(/-/g, "_");
  // Own keys only: "hasOwnProperty" or "constructor" must not find Object.prototype's members.
  const job = Object.hasOwn(JOBS, key) ? JOBS[key] : undefined;
  if (!job) throw new ApiError(404, "job_not_found", `No job '${name}'. Jobs: ${Object.keys(JOBS).join(", ")}`);
  return job;
}

/** Parameters arrive as JSON (API, queue) or from the schedule table; `as_of` is an ISO time or epoch ms. */
export function parseJobParams(job: JobDefinition, raw: unknown): Record<string, unknown> {
  const parsed = job.params.safeParse(raw ?? {});
  if (!parsed.success) throw new ApiError(400, "invalid_job_params", `Invalid parameters for ${job.name}`, zodDetails(parsed.error));
  return parsed.data as Record<string, unknown>;
}

export async function runJob(env: Env, name: string, rawParams: unknown, trigger: JobTrigger, continues?: string) {
  const job = jobByName(name);
  const params = parseJobParams(job, rawParams);
  const db = database(env.DB);
  const runId = crypto.randomUUID();
  const startedAt = Date.now();
  const asOf = typeof params.as_of === "number" ? params.as_of : startedAt;
  await startRun(db, { id: runId, job: job.name, params, trigger, continues }, startedAt);
  try {
    const result = await job.run({ env, asOf, runId, deadline: startedAt + INVOCATION_BUDGET_MS }, params);
    if (result.continueWith) {
      // The next page runs as its own invocation; `as_of` is pinned so every page sees the same windows.
      await env.JOBS_QUEUE.send({ job: job.name, params: { ...result.continueWith, as_of: asOf }, continues: runId } satisfies JobMessage);
    }
    await finishRun(db, runId, { status: result.status, rowsRead: result.rowsRead, rowsWritten: result.rowsWritten, message: result.message });
    log.info("job_finished", { job: job.name, run_id: runId, trigger, status: result.status, rows_read: result.rowsRead, rows_written: result.rowsWritten, continued: !!result.continueWith, duration_ms: Date.now() - startedAt });
    return { run_id: runId, job: job.name, status: result.status, rows_read: result.rowsRead, rows_written: result.rowsWritten, message: result.message ?? null, continued: !!result.continueWith, details: result.details ?? null };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await finishRun(db, runId, { status: "failed", rowsRead: 0, rowsWritten: 0, message });
    log.error("job_failed", { job: job.name, run_id: runId, trigger, error: message });
    throw err;
  }
}
