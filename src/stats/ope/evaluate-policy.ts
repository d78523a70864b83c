// The four off-policy estimates of one candidate over the same logged rounds, each with a 95% interval, the ESS and the warnings.
import { dmTerms } from "./direct-method";
import { drTerms } from "./doubly-robust";
import { effectiveSampleSize, importanceWeights } from "./importance-weights";
import { ipwTerms } from "./ipw";
import { normalInterval } from "./normal-interval";
import { opeWarnings, type OpeWarning } from "./ope-warnings";
import { snipwTerms } from "./snipw";

/**
 * One entry per logged round i: its reward r_i, the logging propensity π_b(a_i|x_i), the candidate's probability
 * π_e(a_i|x_i) of the same action, and the reward model's q̂(x_i, a_i) and Σ_a π_e(a|x_i)·q̂(x_i, a).
 */
export type OpeRounds = {
  reward: ArrayLike<number>;
  pscore: ArrayLike<number>;
  targetProb: ArrayLike<number>;
  qFactual: ArrayLike<number>;
  qTarget: ArrayLike<number>;
};

export type EstimatorName = "ipw" | "snipw" | "dm" | "dr";
export type OpeEstimate = { value: number; lower: number; upper: number };
export type IntervalOf = (terms: Float64Array) => { lower: number; upper: number };

export type OpeReport = {
  n: number;
  /** Mean logged reward: the logging policy's own (on-policy) value over the same rounds. */
  onPolicy: OpeEstimate;
  estimates: Record<EstimatorName, OpeEstimate>;
  ess: number;
  essFraction: number;
  minPscore: number;
  maxWeight: number;
  meanWeight: number;
  warnings: OpeWarning[];
};

/** Per-round terms of each estimator; every estimate is the mean of its terms. */
export function estimatorTerms(r: OpeRounds, w: Float64Array): Record<EstimatorName, Float64Array> {
  return {
    ipw: ipwTerms(r.reward, w),
    snipw: snipwTerms(r.reward, w),
    dm: dmTerms(r.qTarget),
    dr: drTerms(r.reward, w, r.qFactual, r.qTarget),
  };
}

/** `interval` defaults to the normal approximation (ddof 1); the OBD evaluation passes OBP's seeded bootstrap instead. */
export function evaluatePolicy(r: OpeRounds, opts: { interval?: IntervalOf } = {}): OpeReport {
  const interval = opts.interval ?? ((t: Float64Array) => normalInterval(t));
  const n = r.reward.length;
  const w = importanceWeights(r.targetProb, r.pscore);
  const terms = estimatorTerms(r, w);
  const estimate = (t: Float64Array): OpeEstimate => ({ value: mean(t), ...pick(interval(t)) });
  let minPscore = Infinity;
  let maxWeight = 0;
  let sumWeights = 0;
  for (let i = 0; i < n; i++) {
    minPscore = Math.min(minPscore, r.pscore[i]!);
    maxWeight = Math.max(maxWeight, w[i]!);
    sumWeights += w[i]!;
  }
  const ess = effectiveSampleSize(w);
  return {
    n,
    onPolicy: estimate(Float64Array.from(r.reward)),
    estimates: { ipw: estimate(terms.ipw), snipw: estimate(terms.snipw), dm: estimate(terms.dm), dr: estimate(terms.dr) },
    ess,
    essFraction: n > 0 ? ess / n : 0,
    minPscore: n > 0 ? minPscore : NaN,
    maxWeight,
    meanWeight: n > 0 ? sumWeights / n : NaN,
    warnings: opeWarnings({ n, ess, minPscore, maxWeight, sumWeights }),
  };
}

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return a.length > 0 ? s / a.length : NaN;
}

const pick = (i: { lower: number; upper: number }) => ({ lower: i.lower, upper: i.upper });
