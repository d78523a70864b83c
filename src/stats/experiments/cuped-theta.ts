// CUPED's θ from both arms pooled (gbstats compute_theta, formulas §2).
import { baseVariance, sampleCovariance, type BaseArmData, type RegressionAdjustedData } from "./arm-data";

/**
 * θ = Cov(Y, X)/V(X) over the two arms pooled into one sample of n_A + n_B units. 0 when either pooled variance is 0:
 * the caller then falls back to the plain post-period statistics, as gbstats does.
 */
export function cupedTheta(a: RegressionAdjustedData, b: RegressionAdjustedData): number {
  const n = a.n + b.n;
  const post = pooled(a.post, b.post, n);
  const pre = pooled(a.pre, b.pre, n);
  const preVariance = baseVariance(pre);
  if (preVariance === 0 || baseVariance(post) === 0) return 0;
  return sampleCovariance(n, a.post_pre_sum_of_products + b.post_pre_sum_of_products, post.sum, pre.sum) / preVariance;
}

/** The two arms' statistics summed into one; gbstats refuses to pool a proportion with a mean. */
function pooled(a: BaseArmData, b: BaseArmData, n: number): BaseArmData {
  if (a.type === "proportion" && b.type === "proportion") return { type: "proportion", n, sum: a.sum + b.sum };
  if (a.type === "mean" && b.type === "mean") {
    return { type: "mean", n, sum: a.sum + b.sum, sum_squares: a.sum_squares + b.sum_squares };
  }
  throw new TypeError("Statistic types for a metric must not be different types across variations.");
}
