// The decisions table in D1: rows arrive from the buckets' flush (idempotent by id) and are read by id.
import { jsonRowInserts } from "../db/json-row-insert";

export type DecisionRow = {
  id: string;
  project_id: string;
  decision_type: string;
  unit_id: string;
  bucket: string;
  action: string;
  policy_id: string;
  policy_version: number;
  propensity: number;
  explored: 0 | 1;
  context: string | null;
  resource_type: string | null;
  resource_id: string | null;
  request_id: string | null;
  simulated: 0 | 1;
  /** The experiment the caller decided under; absent from rows a bucket logged before the column existed. */
  experiment_id: string | null;
  created_at: number;
};

const COLUMNS = [
  "id", "project_id", "decision_type", "unit_id", "bucket", "action", "policy_id", "policy_version", "propensity",
  "explored", "context", "resource_type", "resource_id", "request_id", "simulated", "experiment_id", "created_at",
] as const;

/**
 * Writes decisions in one batch (all or nothing). A row already there is left alone, so a flush that is repeated
 * after a lost acknowledgement writes nothing twice.
 */
export async function writeDecisions(d1: D1Database, rows: readonly DecisionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await d1.batch(jsonRowInserts(d1, "decisions", COLUMNS, rows.map((r) => COLUMNS.map((c) => r[c])), "ON CONFLICT (id) DO NOTHING"));
}

/** Removes a decision that lost its request_id to a twin after it had been flushed (it was never returned to anyone). */
export async function deleteDecision(d1: D1Database, projectId: string, id: string): Promise<void> {
  await d1.prepare("DELETE FROM decisions WHERE project_id = ?1 AND id = ?2").bind(projectId, id).run();
}

export async function findDecision(d1: D1Database, projectId: string, id: string): Promise<DecisionRow | null> {
  return d1.prepare("SELECT * FROM decisions WHERE project_id = ?1 AND id = ?2").bind(projectId, id).first<DecisionRow>();
}
