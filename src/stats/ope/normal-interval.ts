// The normal-approximation 95% interval of a mean of per-round terms: mean ± z·sd/√n, with the sample sd (n − 1).

export type Interval = { mean: number; lower: number; upper: number; sd: number; halfWidth: number };

/** 1.96, as the reference values of the Open Bandit Pipeline comparison use (the exact 97.5% quantile is 1.95996…). */
export const Z95 = 1.96;

/**
 * Every OPE estimate here is a mean of independent per-round terms, so the central limit theorem gives its interval.
 * It is honest when n is large and the terms are not dominated by a few huge weights; with a small effective sample
 * size it is too narrow (see ope-warnings.ts). `ddof` 1 (default) uses the sample sd, 0 the population sd.
 */
export function normalInterval(terms: ArrayLike<number>, opts: { z?: number; ddof?: 0 | 1 } = {}): Interval {
  const n = terms.length;
  const z = opts.z ?? Z95;
  const ddof = opts.ddof ?? 1;
  if (n === 0) return { mean: NaN, lower: NaN, upper: NaN, sd: NaN, halfWidth: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += terms[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (terms[i]! - mean) ** 2;
  const sd = n - ddof > 0 ? Math.sqrt(ss / (n - ddof)) : NaN;
  const halfWidth = (z * sd) / Math.sqrt(n);
  return { mean, lower: mean - halfWidth, upper: mean + halfWidth, sd, halfWidth };
}
