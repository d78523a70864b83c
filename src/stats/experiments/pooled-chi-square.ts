// Pearson's χ² test of a 2×2 table (two proportions, pooled): the textbook test that gbstats' Welch test is not (formulas §9).
import { chiSquareSurvival } from "./chi-square";
import { normalSurvival } from "./normal-distribution";

export interface ChiSquareResult {
  chi2: number;
  p_value: number;
  dof: 1;
}

/**
 * Σ(O − E)²/E over the 2×2 table of [successes, failures] per arm, E from the pooled rate; with `yates`, each
 * |O − E| is first reduced by min(0.5, |O − E|), as scipy.stats.chi2_contingency(correction=True) does.
 */
export function pooledChiSquare(
  a: { n: number; sum: number },
  b: { n: number; sum: number },
  options: { yates?: boolean } = {},
): ChiSquareResult {
  const table = [
    [a.sum, a.n - a.sum],
    [b.sum, b.n - b.sum],
  ];
  const total = a.n + b.n;
  const columns = [a.sum + b.sum, total - a.sum - b.sum];
  let chi2 = 0;
  table.forEach((row, i) => {
    const rowTotal = i === 0 ? a.n : b.n;
    row.forEach((observed, j) => {
      const expected = (rowTotal * columns[j]!) / total;
      const deviation = Math.abs(observed - expected);
      const corrected = options.yates ? deviation - Math.min(0.5, deviation) : deviation;
      chi2 += (corrected * corrected) / expected;
    });
  });
  return { chi2, p_value: chiSquareSurvival(chi2, 1), dof: 1 };
}

/** The pooled two-proportion z-test, z = (p_B − p_A)/√(p̄(1 − p̄)(1/n_A + 1/n_B)); z² is the plain χ² above. */
export function pooledZTest(a: { n: number; sum: number }, b: { n: number; sum: number }): { z: number; p_value: number } {
  const pooled = (a.sum + b.sum) / (a.n + b.n);
  const z = (b.sum / b.n - a.sum / a.n) / Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  return { z, p_value: 2 * normalSurvival(Math.abs(z)) };
}
