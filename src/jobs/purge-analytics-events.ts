// purge_analytics_events: raw events older than the retention window are deleted in bounded chunks, project by project.
import { z } from "zod";
import { config, type Env } from "../env";
import { asOfParam, defineJob, projectParam } from "./job";

// One DELETE touches at most this many rows, so a large backlog never holds D1's single writer for long.
export const PURGE_CHUNK_ROWS = 5_000;

export type PurgeParams = { days: number; dryRun: boolean; asOf: number; maxChunks?: number; projectId?: string };
export type PurgeResult = { cutoff: string; matched: number; deleted: number; complete: boolean };

/** Per project, so every statement walks the (project_id, occurred_at) index instead of the whole table. */
export async function purgeAnalyticsEvents(env: Env, p: PurgeParams): Promise<PurgeResult> {
  const cutoff = p.asOf - p.days * 86_400_000;
  const { results: projects } = await env.DB.prepare("SELECT id FROM projects WHERE ?1 IS NULL OR id = ?1 ORDER BY id").bind(p.projectId ?? null).all<{ id: string }>();
  let matched = 0;
  let deleted = 0;
  let chunksLeft = p.maxChunks ?? 200;
  for (const { id } of projects) {
    const count = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE project_id = ?1 AND occurred_at < ?2").bind(id, cutoff).first<{ n: number }>();
    matched += count?.n ?? 0;
    if (p.dryRun || !count?.n) continue;
    for (;;) {
      if (chunksLeft-- <= 0) return { cutoff: new Date(cutoff).toISOString(), matched, deleted, complete: false };
      const res = await env.DB.prepare(
        "DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE project_id = ?1 AND occurred_at < ?2 LIMIT ?3)",
      )
        .bind(id, cutoff, PURGE_CHUNK_ROWS)
        .run();
      deleted += res.meta.changes;
      if (res.meta.changes < PURGE_CHUNK_ROWS) break;
    }
  }
  return { cutoff: new Date(cutoff).toISOString(), matched, deleted, complete: true };
}

/** The job around it: daily from cron, on demand with `days` and `dry_run`. Aggregates (outcomes, arm stats) are never touched. */
export const purgeAnalyticsEventsJob = defineJob({
  name: "purge_analytics_events",
  description: "Deletes raw events older than `days` (default EVENT_RETENTION_DAYS) in bounded chunks; dry_run only counts",
  params: z.strictObject({
    days: z.number().int().min(1).max(3650).optional(),
    dry_run: z.boolean().default(false),
    as_of: asOfParam,
    project: projectParam,
  }),
  async run(ctx, params) {
    const days = params.days ?? config(ctx.env).EVENT_RETENTION_DAYS;
    const result = await purgeAnalyticsEvents(ctx.env, { days, dryRun: params.dry_run, asOf: ctx.asOf, maxChunks: 50, projectId: params.project });
    return {
      status: "ok",
      rowsRead: result.matched,
      rowsWritten: result.deleted,
      message: params.dry_run
        ? `dry run: ${result.matched} events older than ${result.cutoff} would be deleted`
        : `deleted ${result.deleted} of ${result.matched} events older than ${result.cutoff}`,
      continueWith: result.complete ? undefined : { ...params, days },
      details: { ...result, days, dry_run: params.dry_run },
    };
  },
});
