// The propensity floor as a mixture with the uniform distribution: the distribution it logs and the draw that makes it true.
import type { Rng } from "../../stats/random";

/**
 * At most this share of all decisions goes to the floor's uniform draw. A per-arm floor f costs K·f of the traffic:
 * 2% for two actions, but 24% for 24 posting hours and 100% for 100 arms, where a 1% floor would turn the policy into
 * uniform play (the simulator measured exactly that). Capping the mass keeps the floor a floor.
 */
export const MAX_FLOOR_MASS = 0.1;

/** The per-arm floor actually applied: the configured f, lowered for many arms so K·f ≤ MAX_FLOOR_MASS. */
export function effectiveFloor(k: number, floor: number): number {
  return Math.min(floor, MAX_FLOOR_MASS / k);
}

/**
 * Probability of the uniform branch, K·f (with f the effective floor). Mixing p with the uniform at this weight
 * gives p'(a) = K·f·(1/K) + (1 − K·f)·p(a) ≥ f for every a, still summing to 1. Clipping at f and renormalising would
 * also keep every arm above f, but the mixture is what a two-step draw (drawUniformBranch, then the policy) does,
 * so the logged propensities are exactly the sampling probabilities.
 */
export function uniformBranchProbability(k: number, floor: number): number {
  return Math.min(1, k * effectiveFloor(k, floor));
}

/** The logged distribution: p mixed with the uniform at weight K·f (at most MAX_FLOOR_MASS). */
export function withPropensityFloor(p: readonly number[], floor: number): number[] {
  const k = p.length;
  const w = uniformBranchProbability(k, floor);
  return p.map((v) => w / k + (1 - w) * v);
}

/**
 * The sampling half: with probability K·f returns a uniformly chosen index (the caller then logs
 * explored = true, reason "propensity_floor"); otherwise undefined and the policy chooses from p.
 * Draws nothing when the floor is 0.
 */
export function drawUniformBranch(k: number, floor: number, rng: Rng): number | undefined {
  const w = uniformBranchProbability(k, floor);
  if (w <= 0) return undefined;
  const u = rng();
  if (u >= w) return undefined;
  // Given u < w, u/w is uniform on [0, 1): it picks the arm without a second draw.
  return Math.min(k - 1, Math.floor((u / w) * k));
}
