// Direct method (DM): the candidate's value predicted by a reward model, Σ_a π_e(a|x_i)·q̂(x_i, a) per round.

/**
 * The candidate's expected reward in one context: the π_e-weighted average of the model's predictions. Divided by
 * Σ π_e, as numpy.average (what OBP's DirectMethod calls) does, so a distribution that sums to 1 − 1e-16 gives the
 * same bits as OBP.
 */
export function expectedReward(targetProbs: ArrayLike<number>, qHat: ArrayLike<number>): number {
  if (targetProbs.length !== qHat.length) throw new RangeError(`${targetProbs.length} probabilities for ${qHat.length} predictions`);
  let num = 0;
  let den = 0;
  for (let a = 0; a < qHat.length; a++) {
    num += targetProbs[a]! * qHat[a]!;
    den += targetProbs[a]!;
  }
  if (!(den > 0)) throw new RangeError("the candidate's action probabilities sum to 0");
  return num / den;
}

/**
 * DM's per-round terms are the expected rewards themselves (qTarget_i = expectedReward for round i's context). No
 * weights, so low variance; but it is exactly as biased as the reward model, and it never looks at the logged
 * rewards except through the model.
 */
export function dmTerms(qTarget: ArrayLike<number>): Float64Array {
  return Float64Array.from(qTarget);
}
