// Self-normalised IPW (SNIPW): IPW divided by the mean weight, trading a small bias for much less variance.
import { checkSameLength } from "./ipw";

/**
 * Terms w_i·r_i / mean(w), as OBP's SelfNormalizedInverseProbabilityWeighting: their mean is Σ w_i r_i / Σ w_i. The
 * estimate stays inside the range of the rewards even when a few weights are huge, which IPW's does not.
 * Every weight 0 (no logged action the candidate would take) leaves nothing to normalise by: the terms are NaN.
 */
export function snipwTerms(reward: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  checkSameLength(reward, w);
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += w[i]!;
  const mean = sum / w.length;
  const terms = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) terms[i] = (reward[i]! * w[i]!) / mean;
  return terms;
}
