// The always-valid sequential interval and p-value (gbstats SequentialTwoSidedTTest; Waudby-Smith et al. 2023, formulas §5).
import type { EffectEstimate } from "./effect";

/**
 * The asymptotic confidence sequence of Waudby-Smith et al. (arXiv 2103.06476v7, eq. 9 and 155; ρ from eq. 161),
 * with N = n_A + n_B and s² = Var(Δ)·N. It uses normal theory, no t and no ν. The p-value is 1/e-value, capped at 1.
 */
export function sequentialTest(
  totalUnits: number,
  effect: EffectEstimate,
  alpha: number,
  tuningParameter: number,
): { ci: [number, number]; p_value: number } {
  const N = totalUnits;
  const rho2 = (-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1)) / tuningParameter;
  const tr2p1 = N * rho2 + 1;
  const s2 = effect.variance * N;
  const width = Math.sqrt(s2) * Math.sqrt((2 * tr2p1 * Math.log(Math.sqrt(tr2p1) / alpha)) / (N * N * rho2));
  const st2 = (effect.estimate ** 2 * N) / effect.variance;
  // 1/e = exp(−ρ²st²/(2(Nρ²+1)))·√(Nρ²+1), in logs so a huge e-value gives a tiny p instead of overflowing.
  const logInverseE = (-rho2 * st2) / (2 * tr2p1) + 0.5 * Math.log(tr2p1);
  return {
    ci: [effect.estimate - width, effect.estimate + width],
    p_value: Math.min(Math.exp(logInverseE), 1),
  };
}
