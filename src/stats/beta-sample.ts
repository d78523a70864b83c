// Gamma and Beta random variates from an injected Rng (Marsaglia–Tsang), for Thompson draws and Monte Carlo checks.
import type { Rng } from "./random";

/** A standard normal variate by Box–Muller; the second variate is dropped so the Rng stays the only state. */
export function normalSample(rng: Rng): number {
  // 1 − u lies in (0, 1], so the logarithm is finite.
  const r = Math.sqrt(-2 * Math.log(1 - rng()));
  return r * Math.cos(2 * Math.PI * rng());
}

/** A Gamma(shape, 1) variate. */
export function gammaSample(shape: number, rng: Rng): number {
  return Math.exp(logGammaSample(shape, rng));
}

/**
 * ln of a Gamma(shape, 1) variate. Marsaglia & Tsang, "A simple method for generating gamma variables" (ACM TOMS
 * 26(3), 2000): squeeze-and-reject on d·(1+c·z)^3 for shape ≥ 1, and for shape < 1 their boost
 * Gamma(a) = Gamma(a+1)·U^(1/a), kept in logs because U^(1/a) underflows to 0 for small a (a = 0.01 gives 1e-200
 * at U = 0.01) and a Beta ratio of two zeros would be NaN.
 */
export function logGammaSample(shape: number, rng: Rng): number {
  if (!(shape > 0 && Number.isFinite(shape))) throw new RangeError(`Gamma shape must be finite and > 0, got ${shape}`);
  if (shape < 1) return logGammaSample(shape + 1, rng) + Math.log(1 - rng()) / shape;
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = normalSample(rng);
    const t = 1 + c * z;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - rng();
    // The cheap squeeze accepts about 98% of candidates before the logarithms are needed.
    if (u < 1 - 0.0331 * z * z * z * z) return Math.log(d * v);
    if (Math.log(u) < 0.5 * z * z + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}

/** A Beta(a, b) variate as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b), computed from their logarithms. */
export function betaSample(a: number, b: number, rng: Rng): number {
  const lnX = logGammaSample(a, rng);
  const lnY = logGammaSample(b, rng);
  // X/(X+Y) = 1/(1 + e^(lnY − lnX)): no overflow or 0/0 whatever the magnitudes.
  return 1 / (1 + Math.exp(lnY - lnX));
}
