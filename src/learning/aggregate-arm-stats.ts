// Pure: final outcomes → per (bucket, action) arm statistics, optionally down-weighting old outcomes by a half-life.
import type { ArmStats, PooledStats } from "../decisions/policies/policy";

export type OutcomeForStats = { bucket: string; action: string; learn_value: number; normalized_reward: number; decided_at: number };

export type AggregatedStats = { buckets: Map<string, Record<string, ArmStats>>; pooled: PooledStats; outcomes: number };

/**
 * Each outcome adds weight w to n, w·learn_value to successes, w·(1 − learn_value) to failures and w·reward to
 * reward_sum. Without a half-life w = 1; with one, w = 0.5^(age / half-life), so a drifting product forgets slowly.
 */
export function aggregateArmStats(rows: Iterable<OutcomeForStats>, opts: { asOf: number; halfLifeDays?: number | null }): AggregatedStats {
  const halfLifeMs = opts.halfLifeDays ? opts.halfLifeDays * 86_400_000 : null;
  const buckets = new Map<string, Record<string, ArmStats>>();
  const pooled: PooledStats = {};
  let outcomes = 0;
  for (const r of rows) {
    const w = halfLifeMs ? 0.5 ** (Math.max(0, opts.asOf - r.decided_at) / halfLifeMs) : 1;
    const arms = buckets.get(r.bucket) ?? {};
    buckets.set(r.bucket, arms);
    const arm = (arms[r.action] ??= { action: r.action, n: 0, successes: 0, failures: 0, rewardSum: 0 });
    arm.n += w;
    arm.successes += w * r.learn_value;
    arm.failures += w * (1 - r.learn_value);
    arm.rewardSum += w * r.normalized_reward;
    const pool = (pooled[r.action] ??= { n: 0, successes: 0 });
    pool.n += w;
    pool.successes += w * r.learn_value;
    outcomes++;
  }
  return { buckets, pooled, outcomes };
}

/** Per (bucket, action) sums as SQL computes them (GROUP BY bucket, action), every weight 1. */
export type ArmSums = { bucket: string; action: string; n: number; successes: number; failures: number; reward_sum: number };

/**
 * The same statistics as aggregateArmStats without a half-life, from sums the database already grouped: the job then
 * reads one row per arm instead of every outcome (bench:jobs: 100k rows across the D1 boundary for 24 sums).
 */
export function armStatsFromSums(rows: Iterable<ArmSums>): AggregatedStats {
  const buckets = new Map<string, Record<string, ArmStats>>();
  const pooled: PooledStats = {};
  let outcomes = 0;
  for (const r of rows) {
    const arms = buckets.get(r.bucket) ?? {};
    buckets.set(r.bucket, arms);
    const arm = (arms[r.action] ??= { action: r.action, n: 0, successes: 0, failures: 0, rewardSum: 0 });
    arm.n += r.n;
    arm.successes += r.successes;
    arm.failures += r.failures;
    arm.rewardSum += r.reward_sum;
    const pool = (pooled[r.action] ??= { n: 0, successes: 0 });
    pool.n += r.n;
    pool.successes += r.successes;
    outcomes += r.n;
  }
  return { buckets, pooled, outcomes };
}
