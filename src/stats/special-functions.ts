// Gamma and Beta special functions: log Γ, log B, the regularized incomplete gamma Q(a,x) and beta I_x(a,b), and the Beta distribution's pdf, cdf and quantile.

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

// Lanczos approximation with g = 7 and 9 coefficients (Godfrey's set, as printed in Numerical Recipes and on
// Wikipedia's "Lanczos approximation"): about 15 significant digits of Γ for Re(x) ≥ 0.5.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/** ln Γ(x) for x > 0 (Lanczos; the reflection formula covers 0 < x < 0.5). */
export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`logGamma needs a finite x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * ln B(a, b). For large arguments ln Γ(a) + ln Γ(b) − ln Γ(a+b) subtracts numbers near (a+b)·ln(a+b) and loses
 * their rounding error (1e-8 at a+b = 1e6), which the pdf then carries as a relative error; so when either is ≥ 10
 * this uses Stirling's form with the correction terms, as R's lbeta does (Loader; Abramowitz & Stegun 6.1.41).
 */
export function logBeta(a: number, b: number): number {
  assertShape(a, b);
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (q < 10) return logGamma(a) + logGamma(b) - logGamma(a + b);
  if (p < 10) {
    // Only q is large (Student t with ν/2 = 5e11 has B(1/2, ν/2)): ln Γ(q) − ln Γ(p+q) by Stirling's form, so the
    // two huge ln Γ never get subtracted (R's lbeta again).
    const corr = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  const corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
  return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
}

/** ln Γ(x) − Stirling's approximation, by its asymptotic series; for x ≥ 10 the terms kept leave < 1e-16. */
function stirlingCorrection(x: number): number {
  const x2 = 1 / (x * x);
  return (1 / 12 - x2 * (1 / 360 - x2 * (1 / 1260 - x2 * (1 / 1680 - x2 * (1 / 1188 - x2 * (691 / 360360)))))) / x;
}

/**
 * I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b): the continued fraction of Numerical Recipes (betai/betacf, §6.4)
 * evaluated by the modified Lentz method, on whichever side of the mean converges fast.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  assertShape(a, b);
  if (Number.isNaN(x)) throw new RangeError("regularizedIncompleteBeta needs a number x");
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return incompleteBetaFromLogs(x, Math.log(x), Math.log1p(-x), a, b, logBeta(a, b));
}

/**
 * I_x(a,b) with ln x, ln(1−x) and ln B(a,b) supplied: the argmax integration evaluates many arms at the same x and
 * shares them. Returns exactly 0 or 1 once the prefactor x^a(1−x)^b/B is below e^-700, where the true value is
 * within 1e-280 of it (the continued fraction is at most (a+b+2)/2 on the side it is used).
 */
export function incompleteBetaFromLogs(x: number, lnX: number, ln1mX: number, a: number, b: number, lnB: number): number {
  const lnFront = a * lnX + b * ln1mX - lnB;
  const lower = x < (a + 1) / (a + b + 2);
  if (lnFront < -700) return lower ? 0 : 1;
  const front = Math.exp(lnFront);
  return lower ? (front * betaContinuedFraction(x, a, b)) / a : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

const CF_EPS = 1e-15;
const CF_TINY = 1e-300;

/**
 * Q(a, x) = Γ(a, x)/Γ(a), the regularized upper incomplete gamma (so P(X > x) for X ~ Gamma(a, 1)): Numerical
 * Recipes' gser below x < a + 1 (Q = 1 − series) and gcf above it (the continued fraction by modified Lentz), each
 * on the side where it converges fast and where the value it returns does not come from a difference near 1.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0 && Number.isFinite(a))) throw new RangeError(`regularizedGammaQ needs a finite a > 0, got ${a}`);
  if (Number.isNaN(x)) throw new RangeError("regularizedGammaQ needs a number x");
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const lnFront = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) return 1 - gammaSeries(a, x, lnFront);
  return lnFront < -745 ? 0 : Math.exp(lnFront) * gammaContinuedFraction(a, x);
}

/** P(a, x) = 1 − Q(a, x) by its power series, x^a e^-x/Γ(a) · Σ x^k/(a(a+1)…(a+k)); used for x < a + 1. */
function gammaSeries(a: number, x: number, lnFront: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let k = 0; k < 10_000; k++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * CF_EPS) return sum * Math.exp(lnFront);
  }
  throw new Error(`incomplete gamma series did not converge for a=${a}, x=${x}`);
}

/** NR's gcf: the continued fraction for Q(a,x)·Γ(a)/(x^a e^-x), used for x ≥ a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / CF_TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = b + an / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < CF_EPS) return h;
  }
  throw new Error(`incomplete gamma continued fraction did not converge for a=${a}, x=${x}`);
}

/** NR's betacf: the continued fraction for I_x(a,b)·a/(x^a(1−x)^b/B); it needs O(√max(a,b)) terms near the mean. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const maxIterations = 200 + Math.ceil(20 * Math.sqrt(Math.max(a, b)));
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < CF_TINY) d = CF_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < CF_EPS) return h;
  }
  // Not reached for finite a, b (the bound above is several times the terms needed); a silent wrong CDF would be worse.
  throw new Error(`incomplete beta continued fraction did not converge for x=${x}, a=${a}, b=${b}`);
}

/** Density of Beta(a, b) at x; at the ends it is the limit (∞ when the shape parameter there is < 1). */
export function betaPdf(x: number, a: number, b: number): number {
  assertShape(a, b);
  if (x < 0 || x > 1) return 0;
  if (x === 0) return a < 1 ? Infinity : a === 1 ? Math.exp(-logBeta(a, b)) : 0;
  if (x === 1) return b < 1 ? Infinity : b === 1 ? Math.exp(-logBeta(a, b)) : 0;
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
}

/** P(X ≤ x) for X ~ Beta(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  return regularizedIncompleteBeta(x, a, b);
}

/**
 * The p-quantile of Beta(a, b): Newton's method on I_x(a,b) − p kept inside a bracket that shrinks every step, with
 * bisection whenever Newton would leave it, from NR's starting guess (invbetai, §6.14). It stops when a step moves
 * x by less than 1e-13 relative, well inside the 1e-10 asked of it; quantiles below 1e-300 are returned as 0.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  assertShape(a, b);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`betaQuantile needs 0 ≤ p ≤ 1, got ${p}`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  const lnB = logBeta(a, b);
  let lo = 0;
  let hi = 1;
  let x = quantileGuess(p, a, b);
  if (!(x > 0 && x < 1)) x = 0.5;
  for (let i = 0; i < 200; i++) {
    const lnX = Math.log(x);
    const ln1mX = Math.log1p(-x);
    const diff = incompleteBetaFromLogs(x, lnX, ln1mX, a, b, lnB) - p;
    if (diff === 0) return x;
    if (diff < 0) lo = x;
    else hi = x;
    const pdf = Math.exp((a - 1) * lnX + (b - 1) * ln1mX - lnB);
    let next = x - diff / pdf;
    // I_x(a,b) > p already at x = 1e-300: the quantile is below what we resolve (a ≪ 1 puts it at 10^-(13/a) for p = 1e-13).
    if (hi <= 1e-300) return lo;
    if (!(next > lo && next < hi)) next = bisect(lo, hi);
    if (Math.abs(next - x) <= 1e-13 * x || hi - lo <= 1e-15 * hi) return next;
    x = next;
  }
  return x;
}

/** Midpoint of the bracket; geometric when it spans orders of magnitude, so tiny quantiles (a ≪ 1) are reached in few steps. */
function bisect(lo: number, hi: number): number {
  if (lo > 0 && hi / lo > 4) return Math.sqrt(lo * hi);
  if (lo === 0 && hi < 1e-3) return hi / 1e3;
  return 0.5 * (lo + hi);
}

/** NR's invbetai initial approximation: a normal-based guess when a, b ≥ 1, tail power laws otherwise. */
function quantileGuess(p: number, a: number, b: number): number {
  if (a >= 1 && b >= 1) {
    const pp = p < 0.5 ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(pp));
    let z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) z = -z;
    const al = (z * z - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (z * Math.sqrt(al + h)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5 / 6 - 2 / (3 * h));
    return a / (a + b * Math.exp(2 * w));
  }
  const lna = Math.log(a / (a + b));
  const lnb = Math.log(b / (a + b));
  const t = Math.exp(a * lna) / a;
  const u = Math.exp(b * lnb) / b;
  const w = t + u;
  return p < t / w ? Math.pow(a * w * p, 1 / a) : 1 - Math.pow(b * w * (1 - p), 1 / b);
}

function assertShape(a: number, b: number): void {
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new RangeError(`Beta shape parameters must be finite and > 0, got a=${a}, b=${b}`);
  }
}
