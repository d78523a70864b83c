// Pure: logged decisions with their outcomes + the arm-statistics versions → the candidate policy's action probabilities and the four OPE estimates.
import { armStatsFromSums, type ArmSums } from "../learning/aggregate-arm-stats";
import type { BucketStats } from "./arm-stats";
import { hasNoStatistics } from "./arm-stats";
import { decideWith, type PolicyKind, type PolicyParams } from "./policies";
import { seededRng } from "../stats/random";
import { evaluatePolicy, type OpeReport } from "../stats/ope/evaluate-policy";
import { expectedReward } from "../stats/ope/direct-method";
import { cellMeanRewardModel } from "../stats/ope/reward-model";
import type { OpeWarning } from "../stats/ope/ope-warnings";

/** One logged decision of the window that has a final outcome. */
export type LoggedRound = { id: string; unitId: string; bucket: string; action: string; propensity: number; createdAt: number; reward: number };

/** A version of the arm statistics: in force from `createdAt` (when the rebuild wrote it), counting outcomes up to `watermark`. */
export type StatsVersion = { version: number; createdAt: number; watermark: number };

/** Final outcomes summed per (bucket, action, computed_at): enough to rebuild any version's statistics. */
export type OutcomeSums = ArmSums & { computed_at: number };

export type Candidate = {
  kind: PolicyKind;
  params: PolicyParams;
  /** The decision type's deterministic policy's params: Thompson falls back to it without statistics, as the bucket does. */
  fallbackParams: PolicyParams;
  /** When ε starts decaying (epoch ms). */
  startedAt: number;
};

/**
 * The statistics the candidate would have held at each version: all final outcomes of real decisions computed up
 * to the version's watermark, summed per bucket and action (what rebuild_bandit_stats counts without a half-life),
 * with the pooled totals across buckets. Version 0 (before any) holds nothing.
 */
export function statsByVersion(versions: readonly StatsVersion[], sums: readonly OutcomeSums[]): Map<number, ReturnType<typeof armStatsFromSums>> {
  const out = new Map<number, ReturnType<typeof armStatsFromSums>>();
  for (const v of versions) out.set(v.version, armStatsFromSums(sums.filter((s) => s.computed_at <= v.watermark)));
  return out;
}

/**
 * The version in force at a time: the newest written at or before it (0 when none was). Sorted once, then a binary
 * search per lookup: an evaluation asks once per logged decision, and a policy rebuilt hourly has thousands of versions.
 */
export function versionLookup(versions: readonly StatsVersion[]): (at: number) => number {
  const sorted = [...versions].sort((a, b) => a.createdAt - b.createdAt);
  const newest: number[] = [];
  for (const v of sorted) newest.push(Math.max(newest.at(-1) ?? 0, v.version));
  return (at) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.createdAt <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : newest[lo - 1]!;
  };
}

/** The versions some logged decision was made under: the only ones whose statistics an evaluation needs. */
export function versionsInForce(rounds: readonly LoggedRound[], versions: readonly StatsVersion[]): StatsVersion[] {
  const at = versionLookup(versions);
  const used = new Set(rounds.map((r) => at(r.createdAt)));
  return versions.filter((v) => used.has(v.version));
}

/**
 * π_e(·|decision): the candidate's whole action distribution for each logged decision, from the policy code that
 * serves decisions (policies/), with the statistics version it would have had at the decision's time and ε at that
 * time. A Thompson candidate with no statistics anywhere answers as the deterministic fallback does (1/K each), as
 * the BanditBucket would. The rng only picks the action, which is not used: the propensities are exact.
 */
export function candidateDistributions(
  rounds: readonly LoggedRound[],
  actions: readonly string[],
  candidate: Candidate,
  versions: readonly StatsVersion[],
  stats: Map<number, ReturnType<typeof armStatsFromSums>>,
): Array<Record<string, number>> {
  const rng = seededRng("policy-evaluation");
  const versionAt = versionLookup(versions);
  return rounds.map((r) => {
    const held = stats.get(versionAt(r.createdAt));
    const bucketStats: BucketStats = { version: 0, stats: held?.buckets.get(r.bucket) ?? {}, pooled: held?.pooled ?? {} };
    const input = { actions, stats: bucketStats.stats, pooled: bucketStats.pooled, unitId: r.unitId, bucket: r.bucket, now: r.createdAt, policyStartedAt: candidate.startedAt, rng };
    if (candidate.kind === "deterministic") return decideWith("deterministic", { ...input, params: candidate.params }).propensities;
    if (candidate.kind === "thompson" && hasNoStatistics(bucketStats)) return decideWith("deterministic", { ...input, stats: {}, params: candidate.fallbackParams }).propensities;
    return decideWith(candidate.kind, { ...input, params: candidate.params }).propensities;
  });
}

export type PolicyEvaluation = OpeReport & { versionsUsed: number[] };

/**
 * IPW, SNIPW, DM and DR of the candidate over the logged rounds. The reward model is the mean reward per (bucket,
 * action) over these same rounds (a bucket's mean for an action never logged there, the overall mean for a bucket
 * never seen). A bucket where the candidate gives probability to an action the logs never took there is reported:
 * only DM says anything about such an action, by extrapolation.
 */
export function evaluateCandidate(rounds: readonly LoggedRound[], dists: ReadonlyArray<Record<string, number>>, actions: readonly string[], versions: readonly StatsVersion[]): PolicyEvaluation {
  const model = cellMeanRewardModel(rounds.map((r) => ({ group: r.bucket, action: r.action, reward: r.reward })), { byAction: true });
  const logged = new Set(rounds.map((r) => `${r.bucket}\u0000${r.action}`));
  const unlogged = new Set<string>();
  const qTarget = rounds.map((r, i) => {
    const dist = dists[i]!;
    for (const a of actions) if ((dist[a] ?? 0) > 0 && !logged.has(`${r.bucket}\u0000${a}`)) unlogged.add(r.bucket);
    return expectedReward(actions.map((a) => dist[a] ?? 0), actions.map((a) => model.predict(r.bucket, a)));
  });
  const report = evaluatePolicy({
    reward: rounds.map((r) => r.reward),
    pscore: rounds.map((r) => r.propensity),
    targetProb: rounds.map((r, i) => dists[i]![r.action] ?? 0),
    qFactual: rounds.map((r) => model.predict(r.bucket, r.action)),
    qTarget,
  });
  const warnings: OpeWarning[] = [...report.warnings];
  if (rounds.length === 0) warnings.unshift({ code: "no_rounds", message: "no logged decision of this type in the window has a final outcome yet" });
  if (unlogged.size > 0) {
    warnings.push({
      code: "unlogged_actions",
      message: `in ${unlogged.size} bucket(s) the candidate can take an action the logs never took there: IPW, SNIPW and DR cannot see it, and DM extrapolates`,
    });
  }
  const versionAt = versionLookup(versions);
  const versionsUsed = [...new Set(rounds.map((r) => versionAt(r.createdAt)))].sort((a, b) => a - b);
  return { ...report, warnings, versionsUsed };
}
