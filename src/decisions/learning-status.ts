// Learning status (seed 004): what each decision type has learned, per policy, bucket and action. Pure over rows read by the route.
import { betaQuantile } from "../stats/special-functions";
import { activePolicy } from "./active-policy";
import type { DecisionType } from "./decision-types";
import { posteriorFor } from "./policies/empirical-bayes";
import type { ArmStats, PooledStats } from "./policies/policy";
import { epsilonAt } from "./policies/uncertainty-epsilon";

export type ArmStatsRow = { policy_id: string; bucket: string; action: string; version: number; n: number; successes: number; failures: number; reward_sum: number; updated_at: number };
export type ServedRow = { policy_id: string; bucket: string; action: string; served: number };

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function learningStatus(
  type: DecisionType,
  env: Readonly<Record<string, unknown>>,
  armRows: ArmStatsRow[],
  servedRows: ServedRow[],
  starts: Record<string, number>,
  now: number,
) {
  const active = activePolicy(type.name, type.config, env);
  const policies = Object.entries(type.config.policies).map(([policyId, policy]) => {
    const rows = armRows.filter((r) => r.policy_id === policyId);
    const served = servedRows.filter((r) => r.policy_id === policyId);
    const pooled: PooledStats = {};
    for (const r of rows) {
      const p = (pooled[r.action] ??= { n: 0, successes: 0 });
      p.n += r.n;
      p.successes += r.successes;
    }
    const buckets = [...new Set([...rows.map((r) => r.bucket), ...served.map((r) => r.bucket)])].sort();
    const version = rows.reduce((v, r) => Math.max(v, r.version), 0);
    const updatedAt = rows.reduce((t, r) => Math.max(t, r.updated_at), 0);
    const startedAt = starts[policyId];
    return {
      policy_id: policyId,
      kind: policy.kind,
      active: policyId === active.policyId,
      started_at: startedAt ? new Date(startedAt).toISOString() : null,
      // A Thompson policy that has not decided from statistics yet will start at ε's first value.
      epsilon: policy.kind === "thompson" ? round(epsilonAt(now, startedAt ?? now, policy.params)) : 0,
      stats_version: version,
      stats_updated_at: updatedAt ? new Date(updatedAt).toISOString() : null,
      stats_age_seconds: updatedAt ? Math.round((now - updatedAt) / 1000) : null,
      buckets: buckets.map((bucket) => {
        const stats: Record<string, ArmStats> = {};
        for (const r of rows.filter((x) => x.bucket === bucket)) {
          stats[r.action] = { action: r.action, n: r.n, successes: r.successes, failures: r.failures, rewardSum: r.reward_sum };
        }
        return {
          bucket,
          actions: type.config.actions.map((action) => {
            const { alpha, beta } = posteriorFor(action, stats, pooled, policy.params);
            return {
              action,
              alpha: round(alpha),
              beta: round(beta),
              posterior_mean: round(alpha / (alpha + beta)),
              ci95: [round(betaQuantile(0.025, alpha, beta)), round(betaQuantile(0.975, alpha, beta))],
              decisions_served: served.find((s) => s.bucket === bucket && s.action === action)?.served ?? 0,
              outcomes_counted: stats[action]?.n ?? 0,
            };
          }),
        };
      }),
    };
  });
  return {
    decision_type: type.name,
    decision_type_version: type.version,
    active_policy: active.policyId,
    active_policy_source: active.source,
    ...(active.ignoredOverride ? { ignored_override: active.ignoredOverride } : {}),
    policies,
  };
}
