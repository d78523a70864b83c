// The Open Bandit Pipeline's percentile-bootstrap interval of a mean (obp.utils.estimate_confidence_interval_by_bootstrap).

export type BootstrapInterval = { mean: number; lower: number; upper: number };

/**
 * For each of `samples` resamples, n indices drawn with replacement by `randomIndex(n)` and the mean of those terms;
 * then the mean of the resample means and their alpha/2 and 1 − alpha/2 percentiles (numpy's default "linear"
 * method). Fed numpy's RandomState(seed).randint (numpy-random-state.ts), the draws and therefore the interval are
 * OBP's own, bit for bit up to summation order.
 */
export function bootstrapInterval(
  terms: ArrayLike<number>,
  randomIndex: (n: number) => number,
  opts: { samples?: number; alpha?: number } = {},
): BootstrapInterval {
  const samples = opts.samples ?? 10_000;
  const alpha = opts.alpha ?? 0.05;
  const n = terms.length;
  if (n === 0) return { mean: NaN, lower: NaN, upper: NaN };
  const means = new Float64Array(samples);
  for (let b = 0; b < samples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += terms[randomIndex(n)]!;
    means[b] = sum / n;
  }
  let total = 0;
  for (const m of means) total += m;
  const sorted = Float64Array.from(means).sort();
  return { mean: total / samples, lower: percentile(sorted, 100 * (alpha / 2)), upper: percentile(sorted, 100 * (1 - alpha / 2)) };
}

/**
 * numpy.percentile(a, q) with method="linear" on an ascending array: virtual index (n − 1)·q/100, interpolated
 * between its neighbours the way numpy's _lerp does (from the upper neighbour when the fraction is ≥ 0.5), so the
 * result has numpy's rounding.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * (q / 100);
  const below = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
  const above = Math.min(below + 1, n - 1);
  const t = virtual - below;
  const a = sorted[below]!;
  const b = sorted[above]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
