// recordDecision: the durable write of a decision before it is returned; retried, so a caller never holds an unrecorded id.
import { log } from "../http/log";

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
  created_at: number;
};

const COLUMNS = [
  "id", "project_id", "decision_type", "unit_id", "bucket", "action", "policy_id", "policy_version", "propensity",
  "explored", "context", "resource_type", "resource_id", "request_id", "simulated", "created_at",
] as const;

const INSERT = `INSERT INTO decisions (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((_, i) => `?${i + 1}`).join(", ")}) ON CONFLICT DO NOTHING`;

export const RECORD_ATTEMPTS = 3;

/**
 * Writes the row, retrying transient failures with a short backoff. With a request_id, a concurrent twin may have
 * won the unique (project_id, request_id) index: the stored row is returned, so both callers get the same decision.
 * Throws only when every attempt failed; the caller then answers 503 and no decision_id leaves the Worker.
 */
export async function recordDecision(d1: D1Database, row: DecisionRow): Promise<DecisionRow> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
    try {
      await d1.prepare(INSERT).bind(...COLUMNS.map((c) => row[c])).run();
      if (row.request_id === null) return row;
      const stored = await findDecisionByRequestId(d1, row.project_id, row.request_id);
      return stored ?? row;
    } catch (err) {
      lastError = err;
      log.warn("decision_write_failed", { decision_id: row.id, attempt, error: String(err) });
      if (attempt < RECORD_ATTEMPTS) await new Promise((r) => setTimeout(r, 25 * 2 ** (attempt - 1)));
    }
  }
  throw lastError;
}

export async function findDecisionByRequestId(d1: D1Database, projectId: string, requestId: string): Promise<DecisionRow | null> {
  return d1.prepare("SELECT * FROM decisions WHERE project_id = ?1 AND request_id = ?2").bind(projectId, requestId).first<DecisionRow>();
}

export async function findDecision(d1: D1Database, projectId: string, id: string): Promise<DecisionRow | null> {
  return d1.prepare("SELECT * FROM decisions WHERE project_id = ?1 AND id = ?2").bind(projectId, id).first<DecisionRow>();
}
