// loadArmStats: the platform read of learned statistics, for one bucket plus the decision type's pooled rates.
import type { ArmStats, PooledStats } from "./policies/policy";

export type BucketKey = { projectId: string; decisionType: string; policyId: string; bucket: string };

/** What a BanditBucket holds: the statistics of one version. */
export type BucketStats = { version: number; stats: Record<string, ArmStats>; pooled: PooledStats };

export const EMPTY_STATS: BucketStats = { version: 0, stats: {}, pooled: {} };

/** The latest version's rows for this bucket and the pooled totals across every bucket of the type and policy. */
export async function loadArmStats(d1: D1Database, key: BucketKey): Promise<BucketStats> {
  const [bucketRows, pooledRows] = await d1.batch<Record<string, number | string>>([
    d1
      .prepare(
        `SELECT action, n, successes, failures, reward_sum FROM bandit_arm_stats
          WHERE project_id = ?1 AND decision_type = ?2 AND policy_id = ?3 AND bucket = ?4`,
      )
      .bind(key.projectId, key.decisionType, key.policyId, key.bucket),
    d1
      .prepare(
        `SELECT action, sum(n) AS n, sum(successes) AS successes, max(version) AS version FROM bandit_arm_stats
          WHERE project_id = ?1 AND decision_type = ?2 AND policy_id = ?3 GROUP BY action`,
      )
      .bind(key.projectId, key.decisionType, key.policyId),
  ]);
  const stats: Record<string, ArmStats> = {};
  for (const r of bucketRows!.results) {
    stats[r.action as string] = { action: r.action as string, n: Number(r.n), successes: Number(r.successes), failures: Number(r.failures), rewardSum: Number(r.reward_sum) };
  }
  const pooled: PooledStats = {};
  let version = 0;
  for (const r of pooledRows!.results) {
    pooled[r.action as string] = { n: Number(r.n), successes: Number(r.successes) };
    version = Math.max(version, Number(r.version));
  }
  return { version, stats, pooled };
}

/** A bucket that has learned nothing, and whose decision type has learned nothing either: Thompson falls back to v0. */
export function hasNoStatistics(s: BucketStats): boolean {
  const any = (xs: Array<{ n: number }>) => xs.some((x) => x.n > 0);
  return !any(Object.values(s.stats)) && !any(Object.values(s.pooled));
}
