// One arm's sufficient statistics (gbstats' statistic classes) and the per-unit mean and variance they give (formulas §1).

/** A 0/1 metric: n units, sum of them converted. Its variance is the plug-in p(1 − p), no n − 1 (gbstats ProportionStatistic). */
export interface ProportionData {
  type: "proportion";
  n: number;
  sum: number;
}

/** A numeric metric: n units, Σy and Σy² (gbstats SampleMeanStatistic). */
export interface MeanData {
  type: "mean";
  n: number;
  sum: number;
  sum_squares: number;
}

export type BaseArmData = ProportionData | MeanData;

/** Σm/Σd per unit, e.g. revenue per order: numerator and denominator statistics and Σm·d (gbstats RatioStatistic). */
export interface RatioData {
  type: "ratio";
  n: number;
  m: BaseArmData;
  d: BaseArmData;
  m_d_sum_of_products: number;
}

/** A metric with its pre-period covariate for CUPED: post, pre and Σpost·pre (gbstats RegressionAdjustedStatistic). */
export interface RegressionAdjustedData {
  type: "regression_adjusted";
  n: number;
  post: BaseArmData;
  pre: BaseArmData;
  post_pre_sum_of_products: number;
}

export type ArmData = ProportionData | MeanData | RatioData | RegressionAdjustedData;

/** What the tests use of an arm: its (possibly CUPED-adjusted) mean, the raw mean, and the per-unit variance. */
export interface ArmStatistics {
  n: number;
  mean: number;
  /** The mean before regression adjustment (the post-period mean for CUPED; the mean itself otherwise). */
  unadjustedMean: number;
  variance: number;
}

export function baseMean(s: BaseArmData): number {
  return s.n === 0 ? 0 : s.sum / s.n;
}

export function baseVariance(s: BaseArmData): number {
  if (s.type === "proportion") {
    const m = baseMean(s);
    return m * (1 - m);
  }
  if (s.n <= 1) return 0;
  return (s.sum_squares - (s.sum * s.sum) / s.n) / (s.n - 1);
}

/** Sample covariance from Σx·y and the two sums; 0 for n ≤ 1, as gbstats has it. */
export function sampleCovariance(n: number, sumOfProducts: number, sumX: number, sumY: number): number {
  if (n <= 1) return 0;
  return (sumOfProducts - (sumX * sumY) / n) / (n - 1);
}

/**
 * An arm's statistics. `theta` is the CUPED coefficient for a regression-adjusted arm (mean Ȳ − θX̄, variance
 * V(Y) + θ²V(X) − 2θCov(Y,X)); the tests compute it from both arms (cuped-theta.ts), and it is ignored otherwise.
 */
export function armStatistics(arm: ArmData, theta = 0): ArmStatistics {
  switch (arm.type) {
    case "proportion":
    case "mean": {
      const mean = baseMean(arm);
      return { n: arm.n, mean, unadjustedMean: mean, variance: baseVariance(arm) };
    }
    case "ratio": {
      const mean = arm.d.sum === 0 ? 0 : arm.m.sum / arm.d.sum;
      return { n: arm.n, mean, unadjustedMean: mean, variance: ratioVariance(arm) };
    }
    case "regression_adjusted": {
      const postMean = baseMean(arm.post);
      const variance =
        arm.n <= 1
          ? 0
          : baseVariance(arm.post) +
            theta * theta * baseVariance(arm.pre) -
            2 * theta * sampleCovariance(arm.n, arm.post_pre_sum_of_products, arm.post.sum, arm.pre.sum);
      return { n: arm.n, mean: postMean - theta * baseMean(arm.pre), unadjustedMean: postMean, variance };
    }
  }
}

/** Delta-method variance of M̄/D̄ per unit: V(M)/D̄² − 2Cov(M,D)M̄/D̄³ + M̄²V(D)/D̄⁴; 0 when D̄ = 0 or n ≤ 1. */
function ratioVariance(arm: RatioData): number {
  const dMean = baseMean(arm.d);
  if (dMean === 0 || arm.n <= 1) return 0;
  const mMean = baseMean(arm.m);
  const covariance = sampleCovariance(arm.n, arm.m_d_sum_of_products, arm.m.sum, arm.d.sum);
  return (
    baseVariance(arm.m) / dMean ** 2 -
    (2 * covariance * mMean) / dMean ** 3 +
    (mMean ** 2 * baseVariance(arm.d)) / dMean ** 4
  );
}

/** gbstats' `stddev`: √variance, or 0 when the variance is not positive. */
export function armStddev(stats: ArmStatistics): number {
  return stats.variance <= 0 ? 0 : Math.sqrt(stats.variance);
}
