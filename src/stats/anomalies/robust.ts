// Robust location and scale: the median and the median absolute deviation, over finite numbers only.

/** Makes the MAD a consistent estimator of the standard deviation under normal noise (1 / Φ⁻¹(3/4)). */
export const MAD_TO_SIGMA = 1.4826;

/** The median of the values (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median absolute deviation from the median (not yet scaled to a standard deviation); NaN for none. */
export function mad(values: ArrayLike<number>): number {
  const center = median(values);
  const deviations = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) deviations[i] = Math.abs(values[i]! - center);
  return median(deviations);
}
