// purge_analytics_events: raw events older than the retention window are deleted in bounded chunks, project by project.
import type { Env } from "../env";

// One DELETE touches at most this many rows, so a large backlog never holds D1's single writer for long.
export const PURGE_CHUNK_ROWS = 5_000;

export type PurgeParams = { days: number; dryRun: boolean; asOf: number; maxChunks?: number };
export type PurgeResult = { cutoff: string; matched: number; deleted: number; complete: boolean };

/** Per project, so every statement walks the (project_id, occurred_at) index instead of the whole table. */
export async function purgeAnalyticsEvents(env: Env, p: PurgeParams): Promise<PurgeResult> {
  const cutoff = p.asOf - p.days * 86_400_000;
  const { results: projects } = await env.DB.prepare("SELECT id FROM projects ORDER BY id").all<{ id: string }>();
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
