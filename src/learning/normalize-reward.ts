// normalizeReward: a spec's raw reward mapped onto [0, 1], the scale the Beta statistics and UCB1 expect.
/**
 * Clamped, not rejected: a raw reward outside the spec's range (a viral post, a range chosen for typical values)
 * saturates at 0 or 1 instead of breaking the Beta update, which needs a fractional success in [0, 1].
 */
export function normalizeReward(raw: number, range: readonly [min: number, max: number]): number {
  const [min, max] = range;
  if (!(max > min)) throw new RangeError(`reward range must have max > min, got [${min}, ${max}]`);
  const scaled = (raw - min) / (max - min);
  // NaN (a raw reward computed from garbage) counts as the worst outcome rather than poisoning the statistics.
  if (Number.isNaN(scaled)) return 0;
  return Math.min(1, Math.max(0, scaled));
}
