// Doubly robust (DR): DM plus the importance-weighted residual of the logged action, qTarget_i + w_i·(r_i − q̂(x_i, a_i)).
import { checkSameLength } from "./ipw";

/**
 * Unbiased if either the logged propensities or the reward model are right; its variance is IPW's with the rewards
 * replaced by residuals, so a good model makes it much tighter than IPW. As OBP's DoublyRobust (no clipping).
 * With a cell-mean model fitted on the same rows (q̂ = mean reward of the cell) and constant weights within a cell,
 * the residual term sums to 0 per cell and DR equals DM exactly.
 */
export function drTerms(reward: ArrayLike<number>, w: ArrayLike<number>, qFactual: ArrayLike<number>, qTarget: ArrayLike<number>): Float64Array {
  checkSameLength(reward, w, qFactual, qTarget);
  const terms = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) terms[i] = qTarget[i]! + w[i]! * (reward[i]! - qFactual[i]!);
  return terms;
}
