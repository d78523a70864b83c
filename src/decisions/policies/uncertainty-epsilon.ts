// Seed 004's uncertainty-epsilon: how much forced exploration Thompson gets on a given day, and which arm it goes to.
import type { BetaParameters } from "../../stats/argmax-probability";
import type { PolicyParams } from "./policy";
import { resolveParams } from "./policy-input";

const DAY_MS = 86_400_000;

/**
 * ε on the day `now`, for a policy serving since `startedAt` (epoch ms).
 *
 * The curve is geometric: ε(t) = start·(end/start)^(t/decayDays), then end from decayDays on (and start before the
 * policy starts). With the defaults, 0.20 → 0.10 at day 7 → 0.05 at day 14, each day ×0.906. Geometric rather than
 * linear because what forced exploration buys falls off fastest early: posterior variances shrink roughly like 1/n,
 * so the first days, when every arm is uncertain, are where an exploratory pull teaches most, and a constant
 * relative cut per day spends the budget there (linear would still be at 0.125 on day 7). When start or end is 0
 * the ratio is undefined and the curve is linear instead.
 */
export function epsilonAt(now: number, startedAt: number, params: PolicyParams): number {
  const { enabled, start, end, decayDays } = resolveParams(params).epsilon;
  if (!enabled) return 0;
  const elapsed = (now - startedAt) / DAY_MS;
  const progress = decayDays === 0 ? 1 : Math.min(1, Math.max(0, elapsed / decayDays));
  if (progress === 1) return end;
  if (start > 0 && end > 0) return start * Math.pow(end / start, progress);
  return start + (end - start) * progress;
}

/** Beta(a, b) variance: ab/((a+b)²(a+b+1)). */
export function posteriorVariance({ alpha, beta }: BetaParameters): number {
  const sum = alpha + beta;
  return (alpha * beta) / (sum * sum * (sum + 1));
}

/** Index of the arm with the largest posterior variance; on ties the first in action order, so the choice is reproducible. */
export function mostUncertainArm(posteriors: readonly BetaParameters[]): number {
  let best = 0;
  for (let i = 1; i < posteriors.length; i++) {
    if (posteriorVariance(posteriors[i]!) > posteriorVariance(posteriors[best]!)) best = i;
  }
  return best;
}
