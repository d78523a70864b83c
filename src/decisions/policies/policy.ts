// The one interface every bandit policy implements: a pure function from arm statistics (and injected randomness) to an action and its propensity.
import type { Rng } from "../../stats/random";

/** What has been learned about one action in one bucket (from final outcomes; see bandit_arm_stats). */
export type ArmStats = {
  action: string;
  /** Outcomes counted (successes + failures for Bernoulli rewards). */
  n: number;
  successes: number;
  failures: number;
  /** Sum of (possibly fractional) rewards, for UCB1's empirical mean. */
  rewardSum: number;
};

/** The decision type's pooled rates per action across all its buckets: the empirical-Bayes prior for thin buckets. */
export type PooledStats = Record<string, { n: number; successes: number }>;

export type PolicyKind = "deterministic" | "thompson" | "ucb1";

export type PolicyParams = {
  /** Beta prior for Thompson; default Beta(1,1). */
  priorAlpha?: number;
  priorBeta?: number;
  /** Pseudo-count given to the pooled rate in a bucket's prior (0 disables borrowing). Default 10. */
  poolingStrength?: number;
  /** Uncertainty-epsilon for Thompson (seed 004): on by default for thompson, decays start → end over decayDays. */
  epsilon?: { enabled: boolean; start: number; end: number; decayDays: number };
  /** Minimum probability of every action (GrowthBook keeps 1% per variation). Default 0.01. */
  propensityFloor?: number;
  /** UCB1 exploration constant c in mean + sqrt(c · ln N / n). Default 2. */
  ucbExploration?: number;
};

export type PolicyInput = {
  actions: readonly string[];
  /** Per action; missing actions have no outcomes yet. */
  stats: Readonly<Record<string, ArmStats | undefined>>;
  pooled?: PooledStats;
  params: PolicyParams;
  unitId: string;
  bucket: string;
  /** Epoch ms: now, and when the policy started serving (ε decays from it). */
  now: number;
  policyStartedAt: number;
  rng: Rng;
};

export type PolicyDecision = {
  action: string;
  /** Probability this policy had of choosing `action` (what off-policy evaluation divides by). */
  propensity: number;
  /** The whole distribution over actions; sums to 1. */
  propensities: Record<string, number>;
  /** True when the choice came from an exploration branch (ε, or the propensity floor) rather than exploitation. */
  explored: boolean;
  /** Current ε (0 for policies without it). */
  epsilon: number;
  /** Why an exploration branch was taken, for the [BANDIT] log line. */
  reason?: "high_uncertainty" | "propensity_floor";
};

export interface Policy {
  kind: PolicyKind;
  decide(input: PolicyInput): PolicyDecision;
}
