// A BanditBucket's own log of the decisions it made: written before the answer leaves the object, flushed to D1 later.
import type { DecisionRow } from "./decision-rows";

/**
 * `flushed_at` is null until the row is in D1. Flushed rows stay a while (RETAIN_FLUSHED_MS) so that a retry with the
 * same request_id is answered here, without D1, and a twin's settlement can ask this object what it holds.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS decision_log (
  id TEXT PRIMARY KEY,
  request_id TEXT,
  created_at INTEGER NOT NULL,
  flushed_at INTEGER,
  row TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decision_log_request ON decision_log (request_id) WHERE request_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS decision_log_unflushed ON decision_log (created_at) WHERE flushed_at IS NULL;
`;

export const RETAIN_FLUSHED_MS = 7 * 24 * 3_600_000;

type LogRow = { row: string };

export class DecisionLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** Synchronous, like every method here: a caller that checks and then writes cannot be interleaved. */
  record(row: DecisionRow): void {
    this.sql.exec("INSERT INTO decision_log (id, request_id, created_at, row) VALUES (?, ?, ?, ?)", row.id, row.request_id, row.created_at, JSON.stringify(row));
  }

  find(id: string): DecisionRow | null {
    const [hit] = this.sql.exec<LogRow>("SELECT row FROM decision_log WHERE id = ?", id).toArray();
    return hit ? (JSON.parse(hit.row) as DecisionRow) : null;
  }

  /** The decision this object made for a request_id (at most one: the caller checks before recording). */
  findByRequest(projectId: string, requestId: string): DecisionRow | null {
    for (const hit of this.sql.exec<LogRow>("SELECT row FROM decision_log WHERE request_id = ?", requestId)) {
      const row = JSON.parse(hit.row) as DecisionRow;
      if (row.project_id === projectId) return row;
    }
    return null;
  }

  /** Removes a decision that lost a request_id to a twin; says whether it had reached D1 already. */
  discard(id: string): { found: boolean; flushed: boolean } {
    const [hit] = this.sql.exec<{ flushed_at: number | null }>("SELECT flushed_at FROM decision_log WHERE id = ?", id).toArray();
    if (!hit) return { found: false, flushed: false };
    this.sql.exec("DELETE FROM decision_log WHERE id = ?", id);
    return { found: true, flushed: hit.flushed_at !== null };
  }

  unflushed(limit: number): DecisionRow[] {
    return this.sql
      .exec<LogRow>("SELECT row FROM decision_log WHERE flushed_at IS NULL ORDER BY created_at, id LIMIT ?", limit)
      .toArray()
      .map((r) => JSON.parse(r.row) as DecisionRow);
  }

  pendingCount(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM decision_log WHERE flushed_at IS NULL").one().n;
  }

  /** Marks the rows written to D1; returns the ids no longer here (discarded while the write was under way). */
  markFlushed(ids: readonly string[], now: number): string[] {
    const list = JSON.stringify(ids);
    const marked = this.sql.exec("UPDATE decision_log SET flushed_at = ? WHERE id IN (SELECT value FROM json_each(?))", now, list).rowsWritten;
    if (marked === ids.length) return [];
    return this.sql
      .exec<{ id: string }>("SELECT value AS id FROM json_each(?) WHERE value NOT IN (SELECT id FROM decision_log)", list)
      .toArray()
      .map((r) => r.id);
  }

  /** Forgets flushed rows older than the retention: D1 holds them, and the request_id claims keep idempotency. */
  prune(now: number): void {
    this.sql.exec("DELETE FROM decision_log WHERE flushed_at IS NOT NULL AND flushed_at < ?", now - RETAIN_FLUSHED_MS);
  }
}
