// The standard normal distribution: density, cdf (through the incomplete gamma) and quantile.
import { regularizedGammaQ } from "../special-functions";

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** φ(z), the standard normal density. */
export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/**
 * Φ(z) = P(Z ≤ z). erfc(u) = Q(1/2, u²), so the tail on z's side is ½·Q(1/2, z²/2): computed directly, it keeps its
 * relative precision far out (Φ(−8) ≈ 6e-16 to 15 digits) instead of coming from 1 − something.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const tail = 0.5 * regularizedGammaQ(0.5, 0.5 * z * z);
  return z < 0 ? tail : 1 - tail;
}

/** P(Z > z) = Φ(−z), without the cancellation of 1 − Φ(z) for large z. */
export function normalSurvival(z: number): number {
  return normalCdf(-z);
}

/**
 * Φ⁻¹(p): Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4) as the start, then Halley steps on Φ(x) − p, each of which
 * triples the correct digits, so two or three reach double precision. Computed on the lower tail and mirrored, so
 * Φ⁻¹(p) = −Φ⁻¹(1 − p) exactly.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile needs 0 ≤ p ≤ 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p > 0.5) return -lowerTailQuantile(1 - p);
  return lowerTailQuantile(p);
}

/** Φ⁻¹(p) for 0 < p < 0.5. */
function lowerTailQuantile(p: number): number {
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
  for (let i = 0; i < 8; i++) {
    // Halley on f(x) = Φ(x) − p with f' = φ, f'' = −xφ; u = f/f' computed as (Φ − p)/φ.
    const u = (normalCdf(x) - p) / normalPdf(x);
    const step = u / (1 + 0.5 * x * u);
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.abs(x)) break;
  }
  return x;
}
