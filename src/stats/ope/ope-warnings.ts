// When not to trust an off-policy estimate: few rounds, a small effective sample size, propensities near zero.

export type OpeWarning = { code: "few_rounds" | "small_ess" | "propensity_near_zero" | "no_overlap" | "unlogged_actions" | "no_rounds"; message: string };

export const OPE_THRESHOLDS = {
  /** Below this many rounds no interval here means much. */
  minRounds: 100,
  /** ESS below this share of n: a few rounds carry the estimate. */
  minEssFraction: 0.1,
  /** ESS below this absolute count, whatever n is. */
  minEss: 30,
  /** A logged propensity below this turns one round into a weight of 100× or more. */
  nearZeroPropensity: 0.01,
} as const;

export function opeWarnings(d: { n: number; ess: number; minPscore: number; maxWeight: number; sumWeights: number }, t = OPE_THRESHOLDS): OpeWarning[] {
  const warnings: OpeWarning[] = [];
  if (d.n < t.minRounds) warnings.push({ code: "few_rounds", message: `only ${d.n} logged rounds (fewer than ${t.minRounds}): every interval here is rough` });
  if (d.n > 0 && d.sumWeights === 0) {
    warnings.push({ code: "no_overlap", message: "the candidate gives probability 0 to every logged action: the logs say nothing about it (IPW, SNIPW and DR cannot see it)" });
  } else if (d.n > 0 && (d.ess < t.minEss || d.ess < t.minEssFraction * d.n)) {
    warnings.push({
      code: "small_ess",
      message: `effective sample size ${d.ess.toFixed(1)} of ${d.n} rounds: a few rounds carry the weighted estimates, whose intervals are then too narrow`,
    });
  }
  if (d.minPscore < t.nearZeroPropensity) {
    warnings.push({
      code: "propensity_near_zero",
      message: `a logged propensity is ${d.minPscore.toPrecision(3)} (below ${t.nearZeroPropensity}); the largest weight is ${d.maxWeight.toPrecision(4)}`,
    });
  }
  return warnings;
}
