// Inverse propensity weighting (IPW): the per-round terms w_i·r_i whose mean is the candidate's estimated value.

/**
 * Unbiased when every action the candidate can take in a context had a logged propensity > 0 there (overlap) and the
 * logged propensities are the true ones; its variance grows with the weights. As OBP's InverseProbabilityWeighting
 * (lambda_ = ∞, no clipping): the estimate is the plain mean of these terms.
 */
export function ipwTerms(reward: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  checkSameLength(reward, w);
  const terms = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) terms[i] = reward[i]! * w[i]!;
  return terms;
}

export function checkSameLength(...arrays: ArrayLike<number>[]): void {
  const n = arrays[0]!.length;
  for (const a of arrays) if (a.length !== n) throw new RangeError(`per-round arrays differ in length (${n} and ${a.length})`);
}
