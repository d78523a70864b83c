// The two arms' statistics as gbstats' tests see them: CUPED's pooled θ applied to both, or dropped when it is 0.
import { armStatistics, type ArmData, type ArmStatistics } from "./arm-data";
import { cupedTheta } from "./cuped-theta";

/**
 * Both arms regression-adjusted: θ from both pooled, written into each (gbstats BaseABTest). When θ is 0 the
 * frequentist tests fall back to the post-period statistics, while the Bayesian one keeps the adjusted arms with
 * θ = 0 (its constructor puts the original objects back); the two differ only for n ≤ 1.
 */
export function pairStatistics(
  control: ArmData,
  treatment: ArmData,
  engine: "frequentist" | "bayesian",
): [ArmStatistics, ArmStatistics] {
  if (control.type !== treatment.type) {
    throw new TypeError(`control and treatment must be the same kind of statistic, got ${control.type} and ${treatment.type}`);
  }
  if (control.type === "regression_adjusted" && treatment.type === "regression_adjusted") {
    const theta = cupedTheta(control, treatment);
    if (theta === 0 && engine === "frequentist") return [armStatistics(control.post), armStatistics(treatment.post)];
    return [armStatistics(control, theta), armStatistics(treatment, theta)];
  }
  return [armStatistics(control), armStatistics(treatment)];
}
