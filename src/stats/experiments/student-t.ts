// Student's t distribution with real degrees of freedom ν (Welch's ν is not an integer): cdf, tail and quantile.
import { betaQuantile, incompleteBetaFromLogs, logBeta } from "../special-functions";
import { normalPdf, normalQuantile, normalSurvival } from "./normal-distribution";

/** Above these ν the expansions in 1/ν are more accurate than the incomplete beta (see where they are used). */
const LARGE_NU_CDF = 1e6;
const LARGE_NU_QUANTILE = 1e4;

/**
 * P(T > t) for t ≥ 0 is ½·I_x(ν/2, 1/2) with x = ν/(ν + t²), equivalently ½·(1 − I_y(1/2, ν/2)) with y = t²/(ν + t²).
 * Whichever of x, y is smaller is formed directly, so neither loses digits to rounding near 1.
 */
export function studentTSurvival(t: number, nu: number): number {
  assertNu(nu);
  if (Number.isNaN(t)) return NaN;
  if (t < 0) return 1 - studentTSurvival(-t, nu);
  if (t === Infinity) return 0;
  if (nu > LARGE_NU_CDF) {
    // The continued fraction loses digits once ν/2 is ~1e6 and more (1e-13 here, 3e-5 at ν = 1e12); the first term of
    // the expansion in 1/ν is exact to O(ν⁻²) instead: P(T > t) = Q(t) + φ(t)(t³ + t)/(4ν).
    return normalSurvival(t) + (normalPdf(t) * (t * t * t + t)) / (4 * nu);
  }
  const t2 = t * t;
  // ln x and ln y are formed from t²/ν rather than from the rounded x: the prefactor raises x to the power ν/2, so a
  // rounding of 1e-16 in x would be an error of ν·1e-16 in the tail (5e-5 at ν = 1e12).
  const lnX = -Math.log1p(t2 / nu);
  const lnY = Math.log(t2) - Math.log(nu + t2);
  const lnB = logBeta(0.5, nu / 2);
  if (t2 < nu) return 0.5 * (1 - incompleteBetaFromLogs(t2 / (nu + t2), lnY, lnX, 0.5, nu / 2, lnB));
  return 0.5 * incompleteBetaFromLogs(nu / (nu + t2), lnX, lnY, nu / 2, 0.5, lnB);
}

/** P(T ≤ t). */
export function studentTCdf(t: number, nu: number): number {
  return t < 0 ? studentTSurvival(-t, nu) : 1 - studentTSurvival(t, nu);
}

/** The density of t with ν degrees of freedom. */
export function studentTPdf(t: number, nu: number): number {
  assertNu(nu);
  return Math.exp(-0.5 * (nu + 1) * Math.log1p((t * t) / nu) - 0.5 * Math.log(nu) - logBeta(nu / 2, 0.5));
}

/**
 * The p-quantile. For p > ½, P(|T| ≤ t) = 2p − 1 = I_y(1/2, ν/2) with y = t²/(ν + t²), so y is a Beta(1/2, ν/2)
 * quantile and t = √(ν·y/(1 − y)); then Newton steps on the cdf polish t (betaQuantile stops at 1e-13 relative in y).
 */
export function studentTQuantile(p: number, nu: number): number {
  assertNu(nu);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile needs 0 ≤ p ≤ 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, nu);
  if (nu > LARGE_NU_QUANTILE) {
    // Cornish–Fisher in 1/ν (Abramowitz & Stegun 26.7.5), three terms: the next is below 1e-15 for ν > 1e4.
    const z = normalQuantile(p);
    const z2 = z * z;
    const g1 = (z * (z2 + 1)) / 4;
    const g2 = (z * (3 + z2 * (16 + 5 * z2))) / 96;
    const g3 = (z * (-15 + z2 * (17 + z2 * (19 + 3 * z2)))) / 384;
    return z + (g1 + (g2 + g3 / nu) / nu) / nu;
  }
  const y = betaQuantile(2 * p - 1, 0.5, nu / 2);
  let t = Math.sqrt((nu * y) / (1 - y));
  const tail = 1 - p;
  for (let i = 0; i < 3; i++) {
    const step = (tail - studentTSurvival(t, nu)) / studentTPdf(t, nu);
    t -= step;
    if (Math.abs(step) <= 1e-15 * t) break;
  }
  return t;
}

function assertNu(nu: number): void {
  if (!(nu > 0 && Number.isFinite(nu))) throw new RangeError(`Student t needs degrees of freedom > 0, got ${nu}`);
}
