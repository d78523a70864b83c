// Per-arm value and lift over the control by doubly robust estimation: "what if every unit got arm k", from rounds a
// propensity-logging policy (a bandit, or a weighted split) chose, so arms that policy favoured are not favoured here.
import { drTerms } from "./doubly-robust";
import { effectiveSampleSize, importanceWeights } from "./importance-weights";
import { mean } from "./evaluate-policy";
import { normalInterval } from "./normal-interval";
import { opeWarnings, type OpeWarning } from "./ope-warnings";
import { cellMeanRewardModel, type RewardModel } from "./reward-model";

/** One logged round: its bucket (the reward model's group), the arm chosen, that arm's logged propensity, the reward. */
export type LoggedRound = { group: string; action: string; propensity: number; reward: number };

export type ArmValue = {
  arm: string;
  /** Rounds in which this arm was the one chosen. */
  chosen: number;
  value: number;
  lower: number;
  upper: number;
  ess: number;
  warnings: OpeWarning[];
};

export type ArmLift = {
  arm: string;
  /** value(arm) − value(control), with the interval of the paired per-round differences (they share rounds). */
  absolute: { value: number; lower: number; upper: number };
  /** value(arm) / value(control) − 1; null when the control's value is 0. */
  relative: number | null;
};

/**
 * For the deterministic target "always arm k": w_i = 1[a_i = k] / p_i and the DR term q̂(x_i, k) + w_i·(r_i − q̂(x_i,
 * a_i)), with q̂ the cell-mean model per (bucket, arm) fitted on the same rounds. A lift's interval comes from the
 * per-round differences of the two arms' terms, which carries their covariance (both use every round's q̂).
 */
export function armLifts(rounds: readonly LoggedRound[], arms: readonly string[], control: string, model: RewardModel = cellMeanRewardModel(rounds, { byAction: true })) {
  if (!arms.includes(control)) throw new RangeError(`the control '${control}' is not one of the arms`);
  const n = rounds.length;
  const reward = Float64Array.from(rounds, (r) => r.reward);
  const pscore = Float64Array.from(rounds, (r) => r.propensity);
  const qFactual = Float64Array.from(rounds, (r) => model.predict(r.group, r.action));
  const termsOf = new Map<string, Float64Array>();
  const values: ArmValue[] = arms.map((arm) => {
    const w = importanceWeights(Float64Array.from(rounds, (r) => (r.action === arm ? 1 : 0)), pscore);
    const terms = drTerms(reward, w, qFactual, Float64Array.from(rounds, (r) => model.predict(r.group, arm)));
    termsOf.set(arm, terms);
    const interval = normalInterval(terms);
    let sumWeights = 0;
    let maxWeight = 0;
    let minPscore = Infinity;
    for (let i = 0; i < n; i++) {
      sumWeights += w[i]!;
      maxWeight = Math.max(maxWeight, w[i]!);
      if (w[i]! > 0) minPscore = Math.min(minPscore, pscore[i]!);
    }
    const ess = effectiveSampleSize(w);
    return {
      arm,
      chosen: rounds.filter((r) => r.action === arm).length,
      value: mean(terms),
      lower: interval.lower,
      upper: interval.upper,
      ess,
      warnings: opeWarnings({ n, ess, minPscore: Number.isFinite(minPscore) ? minPscore : 1, maxWeight, sumWeights }),
    };
  });
  const base = termsOf.get(control)!;
  const controlValue = mean(base);
  const lifts: ArmLift[] = arms
    .filter((arm) => arm !== control)
    .map((arm) => {
      const t = termsOf.get(arm)!;
      const diff = normalInterval(Float64Array.from(t, (x, i) => x - base[i]!));
      const value = mean(t);
      return { arm, absolute: { value: diff.mean, lower: diff.lower, upper: diff.upper }, relative: controlValue === 0 ? null : value / controlValue - 1 };
    });
  return { n, control, values, lifts };
}
