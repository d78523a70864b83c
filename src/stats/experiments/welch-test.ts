// The fixed-horizon two-sided Welch t-test's interval and p-value (gbstats TwoSidedTTest, formulas §4).
import type { ArmStatistics } from "./arm-data";
import type { EffectEstimate } from "./effect";
import { studentTQuantile, studentTSurvival } from "./student-t";

/**
 * Welch–Satterthwaite degrees of freedom from the per-unit variances, whatever the difference type, and for
 * proportions too (gbstats does so; with thousands of units it is a normal test in all but name).
 */
export function welchDegreesOfFreedom(a: ArmStatistics, b: ArmStatistics): number {
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  return (va + vb) ** 2 / (vb ** 2 / (b.n - 1) + va ** 2 / (a.n - 1));
}

/** p = 2·P(T_ν > |t|), CI = Δ ± t_ν(1 − α/2)·√Var(Δ). */
export function welchTest(
  a: ArmStatistics,
  b: ArmStatistics,
  effect: EffectEstimate,
  alpha: number,
): { ci: [number, number]; p_value: number } {
  const nu = welchDegreesOfFreedom(a, b);
  const se = Math.sqrt(effect.variance);
  const t = effect.estimate / se;
  const width = studentTQuantile(1 - alpha / 2, nu) * se;
  return { ci: [effect.estimate - width, effect.estimate + width], p_value: 2 * studentTSurvival(Math.abs(t), nu) };
}
