// P(arm i has the largest draw) for independent Beta posteriors, by adaptive Gauss–Kronrod integration: Thompson sampling's exact propensities.
import { GAUSS_KRONROD_21, kronrodEstimate, nodeAt, nodeCount } from "./gauss-kronrod";
import { betaQuantile, incompleteBetaFromLogs, logBeta } from "./special-functions";

export type BetaParameters = { alpha: number; beta: number };

/**
 * P_i = ∫₀¹ f_i(x) Π_{j≠i} F_j(x) dx for every arm at once (f, F: Beta pdf and cdf), normalised to sum to 1.
 *
 * Method: global adaptive Gauss–Kronrod 10/21 (QUADPACK's qk21 rule and error heuristic) over the vector of K
 * integrands, which share the nodes, so each F_j(x) is computed once per node.
 * - Each arm lives on [Q_j(1e-13), Q_j(1 − 1e-13)] (its quantiles): outside it f_j is taken as 0 and F_j as 0 or 1,
 *   which moves no P_i by more than 2·1e-13 per arm and skips most incomplete-beta evaluations when arms differ.
 * - The first partition puts breakpoints at every arm's ends, mean and mean ± 3 sd (dropping ones within 2 sd of a
 *   breakpoint already there), so no posterior's peak, however narrow, can fall between the nodes unnoticed, the one
 *   way an adaptive rule fails. The segment with the largest error estimate is then halved until the estimates sum
 *   to ≤ 1e-10 (each segment counting its worst arm).
 * - Near 0 the integrands behave like x^(Σa − 1) and near 1 like (1−x)^(b_i − 1). When those exponents are negative
 *   (priors below 1) the end segment is integrated in t with x = c·t^(1/Σa) (or 1 − x = c·t^(1/min b)), which turns
 *   the leading power into t⁰, so the rule sees a bounded function.
 * Measured against Evan Miller's closed form for K = 2 (see the unit test) the error is below 1e-11.
 */
export function probabilityOfBeingBest(posteriors: ReadonlyArray<BetaParameters>): number[] {
  const k = posteriors.length;
  if (k === 0) return [];
  for (const p of posteriors) {
    if (!(p.alpha > 0 && p.beta > 0 && Number.isFinite(p.alpha) && Number.isFinite(p.beta))) {
      throw new RangeError(`Beta posteriors need finite alpha, beta > 0, got alpha=${p.alpha}, beta=${p.beta}`);
    }
  }
  if (k === 1) return [1];
  const arms = posteriors.map(prepareArm);
  const integrate = makeSegmentIntegrator(arms);

  const segments = initialSegments(arms).map(integrate);
  let totalError = sumErrors(segments);
  while (totalError > TOLERANCE && segments.length < MAX_SEGMENTS) {
    let worst = 0;
    for (let s = 1; s < segments.length; s++) if (segments[s]!.error > segments[worst]!.error) worst = s;
    const { map, t0, t1 } = segments[worst]!;
    const mid = 0.5 * (t0 + t1);
    // A segment narrower than the floating-point spacing cannot be split further; its error is roundoff.
    if (!(mid > t0 && mid < t1)) break;
    segments[worst] = integrate({ map, t0, t1: mid });
    segments.push(integrate({ map, t0: mid, t1 }));
    totalError = sumErrors(segments);
  }

  const totals = new Array<number>(k).fill(0);
  for (const s of segments) for (let i = 0; i < k; i++) totals[i]! += s.values[i]!;
  // The sum is 1 up to the integration and truncation error (≈1e-12); dividing it out removes that residual.
  const sum = totals.reduce((acc, v) => acc + v, 0);
  return totals.map((v) => Math.max(0, v) / sum);
}

/** Stop refining when the summed error estimates fall below this; far inside the 1e-6 the propensities need. */
const TOLERANCE = 1e-10;
/** Breakpoints each arm asks for, in standard deviations from its mean (besides its ends). */
const CUTS_IN_SD = [-3, 0, 3];
/** A breakpoint within this many of the arm's sd of an existing one is not added: neighbours serve. */
const MERGE_WITHIN_SD = 2;
const RULE = GAUSS_KRONROD_21;
/** Each arm's mass outside its [lo, hi] on either side. */
const TAIL = 1e-13;
/** Bounds the work for pathological inputs; ordinary posteriors need tens of segments. */
const MAX_SEGMENTS = 2000;

type Arm = { a: number; b: number; lnB: number; mean: number; sd: number; lo: number; hi: number };
/** A point of the integration variable t: its x with ln x and ln(1−x) (exact even where x rounds to 0 or 1), and dx/dt. */
type Point = { x: number; lnX: number; ln1mX: number; jacobian: number };
type SegmentMap = (t: number) => Point;
type SegmentSpec = { map: SegmentMap; t0: number; t1: number };
type Segment = SegmentSpec & { values: Float64Array; error: number };

function prepareArm({ alpha: a, beta: b }: BetaParameters): Arm {
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
  // The upper end by symmetry, 1 − Q(TAIL; b, a), because Q(1 − TAIL; a, b) would invert a CDF rounded near 1.
  return { a, b, lnB: logBeta(a, b), mean, sd, lo: betaQuantile(TAIL, a, b), hi: 1 - betaQuantile(TAIL, b, a) };
}

const linear: SegmentMap = (x) => ({ x, lnX: Math.log(x), ln1mX: Math.log1p(-x), jacobian: 1 });

function initialSegments(arms: readonly Arm[]): SegmentSpec[] {
  // Poles: near 0 every integrand behaves like x^(Σa − 1), near 1 integrand i like (1−x)^(b_i − 1).
  const alphaSum = arms.reduce((acc, arm) => acc + arm.a, 0);
  const leftPole = alphaSum < 1;
  const betaMin = Math.min(...arms.map((arm) => arm.b));
  const rightPole = betaMin < 1;
  const domainLo = leftPole ? 0 : Math.min(...arms.map((arm) => arm.lo));
  const domainHi = rightPole ? 1 : Math.max(...arms.map((arm) => arm.hi));
  const cuts: number[] = [];
  // Narrowest first, so a wide arm's breakpoints do not crowd out a narrow one's.
  for (const arm of [...arms].sort((p, q) => p.sd - q.sd)) {
    const { mean, sd, lo, hi } = arm;
    // Next to a pole the power map's segment must reach the bulk of the arms, so no breakpoint goes at the arms'
    // quantile ends there (a segment [hi, 1] of width 1e-13 would leave the pole in the linear segment before it).
    const proposals = [...(leftPole ? [] : [lo]), ...CUTS_IN_SD.map((z) => mean + z * sd), ...(rightPole ? [] : [hi])];
    for (const c of proposals) {
      if (c > Math.max(lo, domainLo) && c < Math.min(hi, domainHi) && !cuts.some((cut) => Math.abs(cut - c) < MERGE_WITHIN_SD * sd)) {
        cuts.push(c);
      }
    }
  }
  const points = [domainLo, ...cuts.sort((p, q) => p - q), domainHi];
  const specs: SegmentSpec[] = [];
  for (let s = 0; s + 1 < points.length; s++) {
    const lo = points[s]!;
    const hi = points[s + 1]!;
    if (lo === 0 && leftPole) specs.push({ map: leftPowerMap(hi, 1 / alphaSum), t0: 0, t1: 1 });
    else if (hi === 1 && rightPole) specs.push({ map: rightPowerMap(1 - lo, 1 / betaMin), t0: 0, t1: 1 });
    else specs.push({ map: linear, t0: lo, t1: hi });
  }
  return specs;
}

/** x = c·t^p on t ∈ [0,1]: removes an x^(1/p − 1) singularity at 0. */
function leftPowerMap(c: number, p: number): SegmentMap {
  const lnC = Math.log(c);
  return (t) => {
    const lnX = lnC + p * Math.log(t);
    const x = Math.exp(lnX);
    return { x, lnX, ln1mX: Math.log1p(-x), jacobian: p * Math.exp(lnX - Math.log(t)) };
  };
}

/** 1 − x = c·t^p on t ∈ [0,1]: removes a (1−x)^(1/p − 1) singularity at 1. */
function rightPowerMap(c: number, p: number): SegmentMap {
  const lnC = Math.log(c);
  return (t) => {
    const ln1mX = lnC + p * Math.log(t);
    const oneMinusX = Math.exp(ln1mX);
    return { x: 1 - oneMinusX, lnX: Math.log1p(-oneMinusX), ln1mX, jacobian: p * Math.exp(ln1mX - Math.log(t)) };
  };
}

/**
 * Writes f_i(x)·Π_{j≠i} F_j(x)·dx/dt for every arm i into out, using prefix and suffix products so a zero F_j is
 * exact and no division is needed.
 */
function makeIntegrand(arms: readonly Arm[]): (point: Point, out: Float64Array, offset: number) => void {
  const k = arms.length;
  const cdf = new Float64Array(k);
  const suffix = new Float64Array(k + 1);
  return (point, out, offset) => {
    const { x, lnX, ln1mX, jacobian } = point;
    let zeros = 0;
    for (let j = 0; j < k; j++) {
      const arm = arms[j]!;
      const value = x < arm.lo ? 0 : x > arm.hi ? 1 : incompleteBetaFromLogs(x, lnX, ln1mX, arm.a, arm.b, arm.lnB);
      cdf[j] = value;
      if (value === 0) zeros++;
    }
    // Two arms with F = 0 make every product zero: no pdf is needed (the nodes left of most posteriors).
    if (zeros >= 2) {
      out.fill(0, offset, offset + k);
      return;
    }
    suffix[k] = 1;
    for (let j = k - 1; j >= 0; j--) suffix[j] = suffix[j + 1]! * cdf[j]!;
    let prefix = 1;
    for (let i = 0; i < k; i++) {
      const others = prefix * suffix[i + 1]!;
      const arm = arms[i]!;
      const inside = x >= arm.lo && x <= arm.hi;
      out[offset + i] =
        others === 0 || !inside ? 0 : others * jacobian * Math.exp((arm.a - 1) * lnX + (arm.b - 1) * ln1mX - arm.lnB);
      prefix *= cdf[i]!;
    }
  };
}

/** Returns a function applying the Gauss–Kronrod rule to one segment for all arms at once. */
function makeSegmentIntegrator(arms: readonly Arm[]): (spec: SegmentSpec) => Segment {
  const k = arms.length;
  const integrand = makeIntegrand(arms);
  const nodes = nodeCount(RULE);
  // samples[n·k + i]: integrand i at node n.
  const samples = new Float64Array(nodes * k);
  return (spec) => {
    for (let n = 0; n < nodes; n++) {
      const point = spec.map(nodeAt(RULE, n, spec.t0, spec.t1));
      // A power map's logarithms can underflow at the nodes nearest its pole: those contribute 0.
      if (Number.isFinite(point.lnX) && Number.isFinite(point.ln1mX)) integrand(point, samples, n * k);
      else samples.fill(0, n * k, n * k + k);
    }
    const values = new Float64Array(k);
    let error = 0;
    for (let i = 0; i < k; i++) {
      const estimate = kronrodEstimate(RULE, (n) => samples[n * k + i]!, spec.t0, spec.t1);
      values[i] = estimate.value;
      error = Math.max(error, estimate.error);
    }
    return { ...spec, values, error };
  };
}

function sumErrors(segments: readonly Segment[]): number {
  let total = 0;
  for (const s of segments) total += s.error;
  return total;
}
