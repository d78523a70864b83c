// When a policy first served, per decision type: the clock uncertainty-ε decays on.
import type { Database } from "../db/client";
import { TtlCache } from "../http/ttl-cache";

const starts = new TtlCache<number>();

/** The first caller records the start; everyone after reads it (idempotent by primary key). */
export async function policyStartedAt(db: Database, projectId: string, decisionType: string, policyId: string, now = Date.now()): Promise<number> {
  const key = `${projectId}\u0000${decisionType}\u0000${policyId}`;
  const cached = starts.get(key);
  if (cached !== undefined) return cached;
  const d1 = db.$client;
  const [, read] = await d1.batch([
    d1.prepare("INSERT INTO policy_starts (project_id, decision_type, policy_id, started_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING").bind(projectId, decisionType, policyId, now),
    d1.prepare("SELECT started_at FROM policy_starts WHERE project_id = ?1 AND decision_type = ?2 AND policy_id = ?3").bind(projectId, decisionType, policyId),
  ]);
  const startedAt = (read!.results[0] as { started_at: number }).started_at;
  starts.set(key, startedAt, 3_600_000);
  return startedAt;
}
