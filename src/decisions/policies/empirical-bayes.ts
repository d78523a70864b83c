// A bucket's Beta posterior per action: a prior that borrows the decision type's pooled rate (empirical Bayes), plus the bucket's own outcomes.
import type { BetaParameters } from "../../stats/argmax-probability";
import type { ArmStats, PolicyParams, PooledStats } from "./policy";
import { resolveParams } from "./policy-input";

/**
 * Prior for one action: Beta(α₀ + s·m, β₀ + s·(1 − m)) with m = (pooled successes + α₀)/(pooled n + α₀ + β₀), the
 * pooled rate shrunk towards the configured prior, and s = min(poolingStrength, pooled n). So a new bucket starts at
 * the rate its siblings see, worth at most poolingStrength outcomes, and an empty pool leaves Beta(α₀, β₀).
 * The pool includes this bucket's own outcomes; capping s keeps that double count to at most poolingStrength.
 */
export function priorFor(action: string, pooled: PooledStats | undefined, params: PolicyParams): BetaParameters {
  const { priorAlpha, priorBeta, poolingStrength } = resolveParams(params);
  const pool = pooled?.[action];
  const n = pool?.n ?? 0;
  const successes = pool?.successes ?? 0;
  const rate = (successes + priorAlpha) / (n + priorAlpha + priorBeta);
  const strength = Math.min(poolingStrength, n);
  return { alpha: priorAlpha + strength * rate, beta: priorBeta + strength * (1 - rate) };
}

/** Posterior = prior + this bucket's successes and failures for the action (none recorded: the prior). */
export function posteriorFor(
  action: string,
  stats: Readonly<Record<string, ArmStats | undefined>>,
  pooled: PooledStats | undefined,
  params: PolicyParams,
): BetaParameters {
  const prior = priorFor(action, pooled, params);
  const own = stats[action];
  return { alpha: prior.alpha + (own?.successes ?? 0), beta: prior.beta + (own?.failures ?? 0) };
}
