// When a policy first served a learned decision, per decision type: the clock uncertainty-ε decays on.
import type { Database } from "../db/client";
import { TtlCache } from "../http/ttl-cache";

// A start never changes once recorded; its absence is rechecked each minute (another isolate may record it meanwhile).
const starts = new TtlCache<number | null>();
const NOT_STARTED_TTL_MS = 60_000;
const keyOf = (projectId: string, decisionType: string, policyId: string) => `${projectId}\u0000${decisionType}\u0000${policyId}`;

/** The recorded start, if the policy has served from statistics before. */
export async function findPolicyStart(db: Database, projectId: string, decisionType: string, policyId: string): Promise<number | undefined> {
  const key = keyOf(projectId, decisionType, policyId);
  const cached = starts.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const row = await db.$client
    .prepare("SELECT started_at FROM policy_starts WHERE project_id = ?1 AND decision_type = ?2 AND policy_id = ?3")
    .bind(projectId, decisionType, policyId)
    .first<{ started_at: number }>();
  starts.set(key, row ? row.started_at : null, row ? 3_600_000 : NOT_STARTED_TTL_MS);
  return row?.started_at;
}

/**
 * Records the start at the policy's first decision made from statistics (not at a fallback to v0: ε must not decay
 * while the policy is not yet deciding). The first writer wins; everyone after reads it (idempotent by primary key).
 */
export async function recordPolicyStart(db: Database, projectId: string, decisionType: string, policyId: string, now: number): Promise<number> {
  const d1 = db.$client;
  const [, read] = await d1.batch([
    d1.prepare("INSERT INTO policy_starts (project_id, decision_type, policy_id, started_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING").bind(projectId, decisionType, policyId, now),
    d1.prepare("SELECT started_at FROM policy_starts WHERE project_id = ?1 AND decision_type = ?2 AND policy_id = ?3").bind(projectId, decisionType, policyId),
  ]);
  const startedAt = (read!.results[0] as { started_at: number }).started_at;
  starts.set(keyOf(projectId, decisionType, policyId), startedAt, 3_600_000);
  return startedAt;
}
