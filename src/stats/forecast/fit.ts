// Fits Holt and additive Holt–Winters to a series: heuristic initial states, then smoothing weights minimising one-step SSE (grid, then compass search).
import {
  holtLinear,
  holtWintersAdditive,
  type HoltParams,
  type HoltResult,
  type HoltWintersParams,
  type HoltWintersResult,
} from "./exponential-smoothing";

/** The coarse grid every smoothing weight is tried on before the local search: deterministic and cheap (9^3 fits for Holt–Winters). */
export const SMOOTHING_GRID: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

// Weights stay inside (0, 1): 0 would freeze a component at its heuristic start, 1 would forget everything before the
// last observation, and neither is a model worth reporting.
const WEIGHT_MIN = 1e-4;
const WEIGHT_MAX = 1 - 1e-4;
const SEARCH_FIRST_STEP = 0.05;
const SEARCH_LAST_STEP = 1e-7;
const SEARCH_MAX_EVALUATIONS = 4000;

export type HoltFit = HoltParams & {
  sse: number;
  /** Smoothing weights plus free initial states (α, β, l0, b0): the n − p of the residual variance. */
  parameterCount: number;
  result: HoltResult;
};

export type HoltWintersFit = HoltWintersParams & {
  sse: number;
  /** α, β, γ, l0, b0 and the m − 1 free seasonal states (they sum to zero): m + 4. */
  parameterCount: number;
  result: HoltWintersResult;
};

/**
 * Holt's initial states from the first two observations: level y0 and trend y1 − y0 *after* y0. In statsmodels'
 * timing (states before y0) that is l0 = y0 − (y1 − y0), b0 = y1 − y0. Placing them before y0 instead (statsmodels'
 * `l0 = y0` taken literally) would forecast y0 as y1 and start every fit with a residual of −(y1 − y0), which biases
 * α and β and leaves a perfect line with a non-zero residual variance. With this choice the first two residuals
 * are zero whatever α and β are, so they carry no information, which parameterCount accounts for.
 */
export function holtInitialStates(y: readonly number[]): { l0: number; b0: number } {
  if (y.length < 2) throw new RangeError(`Holt's initial states need 2 observations, got ${y.length}`);
  const b0 = y[1]! - y[0]!;
  return { l0: y[0]! - b0, b0 };
}

/**
 * Holt–Winters' initial states from the first two seasons (the classical heuristic, statsmodels' "simple"
 * initialisation, then placed in time):
 *   b0 = (mean of season 2 − mean of season 1) / m
 *   the mean of season 1 is the level at its middle, time (m − 1)/2, so the level just before y0 (time −1) is
 *   l0 = mean₁ − b0·(m + 1)/2
 *   s0[i] = y[i] − (l0 + (i + 1)·b0) = (y[i] − mean₁) − b0·(i − (m − 1)/2), which still sums to zero.
 * statsmodels puts l0 = mean₁ and s0 = y[0..m) − mean₁ before y0 unchanged, which on a trending series folds the
 * slope into the seasonals and misses the first season by the trend; detrending the first season gives a perfect
 * line or a perfect repeating pattern zero residuals from the start. The whole first season then has zero
 * residuals whatever α, β, γ are (the states only advance by b0).
 */
export function holtWintersInitialStates(
  y: readonly number[],
  period: number,
): { l0: number; b0: number; s0: number[] } {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`period must be a positive integer, got ${period}`);
  if (y.length < 2 * period) {
    throw new RangeError(`Holt–Winters' initial states need two seasons (${2 * period} observations), got ${y.length}`);
  }
  const mean1 = mean(y.slice(0, period));
  const mean2 = mean(y.slice(period, 2 * period));
  const b0 = (mean2 - mean1) / period;
  const l0 = mean1 - (b0 * (period + 1)) / 2;
  const s0 = y.slice(0, period).map((value, i) => value - (l0 + (i + 1) * b0));
  return { l0, b0, s0 };
}

/** Holt's linear trend with the heuristic initial states and α, β minimising the one-step SSE. */
export function fitHolt(y: readonly number[]): HoltFit {
  const initial = holtInitialStates(y);
  const fitWith = ([alpha, beta]: number[]) => holtLinear(y, { alpha: alpha!, beta: beta!, ...initial });
  const { point } = minimiseSmoothingWeights((weights) => sumOfSquaredResiduals(y, fitWith(weights).fitted), 2);
  const result = fitWith(point);
  return {
    alpha: point[0]!,
    beta: point[1]!,
    ...initial,
    sse: sumOfSquaredResiduals(y, result.fitted),
    parameterCount: 4,
    result,
  };
}

/** Additive Holt–Winters with the heuristic initial states and α, β, γ minimising the one-step SSE. */
export function fitHoltWinters(y: readonly number[], period: number): HoltWintersFit {
  const initial = holtWintersInitialStates(y, period);
  const fitWith = ([alpha, beta, gamma]: number[]) =>
    holtWintersAdditive(y, { alpha: alpha!, beta: beta!, gamma: gamma!, period, ...initial });
  const { point } = minimiseSmoothingWeights((weights) => sumOfSquaredResiduals(y, fitWith(weights).fitted), 3);
  const result = fitWith(point);
  return {
    alpha: point[0]!,
    beta: point[1]!,
    gamma: point[2]!,
    period,
    ...initial,
    sse: sumOfSquaredResiduals(y, result.fitted),
    parameterCount: period + 4,
    result,
  };
}

export function sumOfSquaredResiduals(y: readonly number[], fitted: readonly number[]): number {
  let sse = 0;
  for (let t = 0; t < y.length; t++) sse += (y[t]! - fitted[t]!) ** 2;
  return sse;
}

/**
 * Minimises `objective` over [WEIGHT_MIN, WEIGHT_MAX]^dimensions: the best point of SMOOTHING_GRID^dimensions
 * (first in grid order on ties), then a compass search from it that tries ± step on each coordinate, moves on
 * any strict improvement and halves the step when none is found. SSE surfaces of exponential smoothing are often
 * flat or multi-modal; the grid keeps the search out of the worst local minima, and strict improvement keeps the
 * result a deterministic function of the data.
 */
export function minimiseSmoothingWeights(
  objective: (weights: number[]) => number,
  dimensions: number,
): { point: number[]; value: number } {
  let point: number[] = [];
  let value = Infinity;
  for (const candidate of gridPoints(dimensions)) {
    const candidateValue = objective(candidate);
    if (candidateValue < value) [point, value] = [candidate, candidateValue];
  }
  let step = SEARCH_FIRST_STEP;
  let evaluations = 0;
  while (step >= SEARCH_LAST_STEP && evaluations < SEARCH_MAX_EVALUATIONS) {
    let moved = false;
    for (let d = 0; d < dimensions; d++) {
      for (const direction of [1, -1]) {
        const coordinate = Math.min(WEIGHT_MAX, Math.max(WEIGHT_MIN, point[d]! + direction * step));
        if (coordinate === point[d]) continue;
        const candidate = point.slice();
        candidate[d] = coordinate;
        const candidateValue = objective(candidate);
        evaluations++;
        if (candidateValue < value) {
          [point, value, moved] = [candidate, candidateValue, true];
          break;
        }
      }
    }
    if (!moved) step /= 2;
  }
  return { point, value };
}

function* gridPoints(dimensions: number): Generator<number[]> {
  if (dimensions === 0) {
    yield [];
    return;
  }
  for (const head of SMOOTHING_GRID) for (const tail of gridPoints(dimensions - 1)) yield [head, ...tail];
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
