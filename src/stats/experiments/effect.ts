// The estimated effect of the treatment and its variance, absolute or relative (gbstats frequentist_diff/_variance, formulas §3).
import type { ArmStatistics } from "./arm-data";

export interface EffectEstimate {
  estimate: number;
  variance: number;
}

/**
 * Absolute: μ_B − μ_A with variance σ²_B/n_B + σ²_A/n_A. Relative: (μ_B − μ_A)/μ_A^u with the delta-method variance
 * σ²_B/((μ_A^u)²n_B) + σ²_A(μ_B^u)²/((μ_A^u)⁴n_A), the u's being the unadjusted means (CUPED adjusts only the
 * numerator and the σ²).
 */
export function effectEstimate(a: ArmStatistics, b: ArmStatistics, relative: boolean): EffectEstimate {
  if (!relative) return { estimate: b.mean - a.mean, variance: b.variance / b.n + a.variance / a.n };
  const ua = a.unadjustedMean;
  return {
    estimate: (b.mean - a.mean) / ua,
    variance: b.variance / (ua ** 2 * b.n) + (a.variance * b.unadjustedMean ** 2) / (ua ** 4 * a.n),
  };
}
