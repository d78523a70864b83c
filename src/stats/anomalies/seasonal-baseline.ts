// The seasonal baseline of one point: what the series' recent periods say it should be, and how far it usually strays.
import { MAD_TO_SIGMA, mad, median } from "./robust";

/** A series sampled at a regular step; null where the value is unknown (skipped, never read as 0). */
export type Series = ReadonlyArray<number | null>;

export type BaselineOptions = {
  /** Samples per seasonal cycle: 7 for daily values with a weekly pattern, 288 for 5-minute values with a daily one. */
  period: number;
  /** How many whole periods before the point are read (the most recent ones). */
  maxPeriods: number;
  /** Fewer whole periods of history than this (since the first known value): no verdict. */
  minPeriods: number;
  /** A period's level is taken only when at least this share of its samples is known. */
  minFill: number;
};

export type Baseline =
  | {
      ok: true;
      /** Level of the last period plus the seasonal offset of the point's phase. */
      expected: number;
      /** 1.4826 · MAD of the de-seasonalised residuals, inflated for the few samples behind each offset (before any floor). */
      scale: number;
      level: number;
      offset: number;
      /** Whole periods read, and how many same-phase samples the offset is the median of. */
      periods: number;
      samePhase: number;
    }
  | { ok: false; reason: "insufficient_history" };

const INSUFFICIENT = { ok: false, reason: "insufficient_history" } as const;

/** Index of the first known value (series.length if none). */
export function firstKnown(series: Series): number {
  let i = 0;
  while (i < series.length && series[i] === null) i++;
  return i;
}

/**
 * The baseline of point t from the whole periods just before it (t itself is never read):
 *
 * - the history is cut into blocks of one period ending at t: block j = [t − (j+1)·P, t − j·P);
 * - each block's level is its median (a whole period's median is free of the seasonal pattern, and of a spike),
 *   refined once as the median of the block with the phase offsets removed (a block with unknown samples);
 * - a sample's residual is its value minus its block's level; the offset of a phase is the median residual of that
 *   phase across the blocks, so a weekday that always spends more is expected to;
 * - expected(t) = level of the latest block + offset of t's phase;
 * - the scale is 1.4826 · MAD of the residuals once their phase offsets are removed. Those residuals are in-sample
 *   (each took part in its own offset), so they understate the error of a new point: with n samples per offset the
 *   ratio is √((n+1)/(n−1)) for a mean, and the scale is inflated by it (×1.73 at two periods, ×1.13 at eight).
 *
 * `firstIndex` is where the series is known to start (pass firstKnown(series) once for a long series).
 */
export function seasonalBaseline(series: Series, t: number, opts: BaselineOptions, firstIndex = firstKnown(series)): Baseline {
  const P = opts.period;
  const periods = Math.min(opts.maxPeriods, Math.floor((t - firstIndex) / P));
  if (periods < opts.minPeriods || periods < 1) return INSUFFICIENT;
  const minCount = Math.max(1, Math.ceil(opts.minFill * P));

  // The known samples of each block with enough of them (block j = [t − (j+1)·P, t − j·P)), by position in the block:
  // position q holds the samples s with (t − s) mod P = (P − q) mod P, so q = 0 is t's phase.
  const blocks: Array<{ q: number[]; v: number[] }> = [];
  for (let j = 0; j < periods; j++) {
    const start = t - (j + 1) * P;
    const q: number[] = [];
    const v: number[] = [];
    for (let s = start; s < start + P; s++) {
      const x = series[s];
      if (x !== null && x !== undefined && Number.isFinite(x)) {
        q.push(s - start);
        v.push(x);
      }
    }
    if (v.length >= minCount) blocks.push({ q, v });
    else if (j === 0) return INSUFFICIENT; // the level the expectation starts from is unknown
  }

  // Two passes, as STL's inner loop does: levels from raw medians give first offsets; then each level is the median
  // of its block with those offsets removed. Without the second pass, a block missing its high days (unknown, not 0)
  // would have a low level, and the next day would be expected low.
  const firstOffsets = phaseOffsets(blocks, blocks.map((b) => median(b.v)), P, 1);
  const levels = blocks.map((b) => median(b.v.map((x, i) => x - (firstOffsets[b.q[i]!] ?? 0))));
  const byPhase: number[][] = Array.from({ length: P }, () => []);
  blocks.forEach((b, j) => b.v.forEach((x, i) => byPhase[b.q[i]!]!.push(x - levels[j]!)));
  const latestLevel = levels[0]!;

  // Same phase as t: s = t − j·P, the first sample of each block.
  const samePhase = byPhase[0]!.length;
  if (samePhase < 2) return INSUFFICIENT;
  const residuals: number[] = [];
  let offset = Number.NaN;
  for (let q = 0; q < P; q++) {
    const phase = byPhase[q]!;
    if (phase.length < 2) continue; // one sample is its own offset: a residual of 0 would shrink the scale
    const o = median(phase);
    if (q === 0) offset = o;
    for (const r of phase) residuals.push(r - o);
  }
  if (residuals.length < P) return INSUFFICIENT;
  const inflation = Math.sqrt((samePhase + 1) / (samePhase - 1));
  return { ok: true, expected: latestLevel + offset, scale: MAD_TO_SIGMA * mad(residuals) * inflation, level: latestLevel, offset, periods, samePhase };
}

/** Per position in the period, the median residual (x − its block's level); null with fewer than `min` samples. */
function phaseOffsets(blocks: Array<{ q: number[]; v: number[] }>, levels: number[], P: number, min: number): Array<number | null> {
  const byPhase: number[][] = Array.from({ length: P }, () => []);
  blocks.forEach((b, j) => b.v.forEach((x, i) => byPhase[b.q[i]!]!.push(x - levels[j]!)));
  return byPhase.map((r) => (r.length >= min ? median(r) : null));
}
