// Deterministic bucketing, pure: GrowthBook's v2 hash and bucket ranges, and the sticky re-allocation of hash ranges.
//
// The hash and the initial ranges are GrowthBook's (packages/sdk-js/src/util.ts: hashFnv32a, hash(…, 2),
// getBucketRanges, chooseVariation), so a unit lands in the same variant here as in a GrowthBook SDK given the same
// seed, weights and coverage. What GrowthBook does not have is `reallocateRanges`: a running experiment's ranges only
// ever grow, so a changed weight or allocation never moves a unit from one variant to another (docs/experiments.md).

/** A half-open interval [start, end) of the hash space [0, 1). */
export type HashRange = [number, number];
/** Per variant (in variant order), the ranges it owns. */
export type VariantRanges = HashRange[][];

/**
 * FNV-1a, 32-bit, over UTF-16 code units, exactly as GrowthBook writes it: the shifts run on int32 and the sum on
 * doubles, which stays exact (< 2^36) and is reduced mod 2^32 by the next `^=` and the final `>>> 0`.
 */
export function fnv1a32(str: string): number {
  let hval = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) {
    hval ^= str.charCodeAt(i);
    hval += (hval << 1) + (hval << 4) + (hval << 7) + (hval << 8) + (hval << 24);
  }
  return hval >>> 0;
}

/** GrowthBook's hash version 2 (unbiased): a number in [0, 1) on a grid of 1/10000. */
export function hashV2(seed: string, value: string): number {
  return (fnv1a32(fnv1a32(seed + value) + "") % 10000) / 10000;
}

/** GrowthBook's getBucketRanges for valid input: weights sum to 1, coverage in [0, 1]. */
export function bucketRanges(weights: readonly number[], coverage: number): HashRange[] {
  let cumulative = 0;
  return weights.map((w) => {
    const start = cumulative;
    cumulative += w;
    return [start, start + coverage * w];
  });
}

/** The variant index whose ranges hold n, or -1 (not in the experiment). */
export function chooseVariant(n: number, ranges: VariantRanges): number {
  for (let i = 0; i < ranges.length; i++) {
    for (const [start, end] of ranges[i]!) if (n >= start && n < end) return i;
  }
  return -1;
}

// Ranges are sums of float weights; a difference below this is rounding, not a share of units (the hash grid is 1e-4).
const EPS = 1e-9;

const lengthOf = (ranges: readonly HashRange[]) => ranges.reduce((s, [a, b]) => s + (b - a), 0);
const contains = (outer: HashRange, inner: HashRange) => inner[0] >= outer[0] - EPS && inner[1] <= outer[1] + EPS;

/** Sorts and joins touching ranges, dropping empty ones. */
function normalise(ranges: HashRange[]): HashRange[] {
  const sorted = ranges.filter(([a, b]) => b - a > EPS).sort((x, y) => x[0] - y[0]);
  const out: HashRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + EPS) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** [0, 1) minus every range any variant owns. */
function freeSpace(current: VariantRanges): HashRange[] {
  const owned = normalise(current.flat().map(([a, b]) => [a, b] as HashRange));
  const free: HashRange[] = [];
  let at = 0;
  for (const [a, b] of owned) {
    if (a - at > EPS) free.push([at, a]);
    at = Math.max(at, b);
  }
  if (1 - at > EPS) free.push([at, 1]);
  return free;
}

export type Reallocation = { ok: true; ranges: VariantRanges } | { ok: false; shrinking: number[] };

/**
 * New ranges for new weights and coverage that keep every range a variant already owns. When GrowthBook's own ranges
 * for the new settings contain the old ones (an allocation ramp-up), they are used as they are. Otherwise each variant
 * keeps its ranges and grows into hash space no variant owns yet, next to its own ranges first. A variant whose share
 * would have to shrink cannot be served without moving its units: those variants are returned instead.
 */
export function reallocateRanges(current: VariantRanges, weights: readonly number[], coverage: number): Reallocation {
  const plain = bucketRanges(weights, coverage);
  if (current.every((owned, i) => owned.every((r) => contains(plain[i]!, r)))) return { ok: true, ranges: plain.map((r) => (r[1] - r[0] > EPS ? [r] : [])) };

  const targets = weights.map((w) => coverage * w);
  const shrinking = targets.flatMap((t, i) => (t < lengthOf(current[i]!) - EPS ? [i] : []));
  if (shrinking.length > 0) return { ok: false, shrinking };

  let free = freeSpace(current);
  const next: VariantRanges = current.map((owned) => owned.map(([a, b]) => [a, b] as HashRange));
  targets.forEach((target, i) => {
    let need = target - lengthOf(next[i]!);
    // Adjacent free space first, so a variant's ranges stay few; then the lowest free space.
    const ends = new Set(next[i]!.map(([, b]) => b));
    const order = [...free].sort((x, y) => Number(!ends.has(x[0])) - Number(!ends.has(y[0])) || x[0] - y[0]);
    for (const range of order) {
      if (need <= EPS) break;
      const take = Math.min(need, range[1] - range[0]);
      next[i]!.push([range[0], range[0] + take]);
      need -= take;
      free = free.flatMap((f) => (f === range ? (f[1] - (range[0] + take) > EPS ? [[range[0] + take, f[1]] as HashRange] : []) : [f]));
    }
    next[i] = normalise(next[i]!);
  });
  return { ok: true, ranges: next };
}
