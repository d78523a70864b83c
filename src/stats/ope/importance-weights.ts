// Importance weights π_e(a_i|x_i) / π_b(a_i|x_i) of logged rounds, and the effective sample size they leave.

/**
 * w_i = targetProb_i / pscore_i, where pscore is the logging policy's propensity of the logged action (what every
 * decision records) and targetProb the candidate's probability of that same action in the same context.
 * A propensity that is not in (0, 1] makes the round unusable: throwing beats dividing by it silently.
 */
export function importanceWeights(targetProb: ArrayLike<number>, pscore: ArrayLike<number>): Float64Array {
  if (targetProb.length !== pscore.length) throw new RangeError(`targetProb has ${targetProb.length} rounds, pscore ${pscore.length}`);
  const w = new Float64Array(pscore.length);
  for (let i = 0; i < w.length; i++) {
    const p = pscore[i]!;
    const t = targetProb[i]!;
    if (!(p > 0 && p <= 1)) throw new RangeError(`pscore[${i}] = ${p} is not a probability in (0, 1]`);
    if (!(t >= 0 && t <= 1)) throw new RangeError(`targetProb[${i}] = ${t} is not a probability in [0, 1]`);
    w[i] = t / p;
  }
  return w;
}

/**
 * Kish's effective sample size (Σw)² / Σw²: how many equally weighted rounds the weighted estimate is worth. n when
 * every weight is equal (the candidate is the logging policy), small when a few rounds carry most of the weight.
 * 0 when every weight is 0 (the candidate never picks a logged action).
 */
export function effectiveSampleSize(w: ArrayLike<number>): number {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < w.length; i++) {
    sum += w[i]!;
    sumSq += w[i]! * w[i]!;
  }
  return sumSq === 0 ? 0 : (sum * sum) / sumSq;
}
