// Forecast-error variances for Holt and additive Holt–Winters (fpp §8.7), and the residual variance they scale.

/** z for a two-sided 95% normal interval. */
export const Z_95 = 1.959963984540054;

/**
 * σ² = SSE / (n − p) of the one-step residuals, p counting smoothing weights and free initial states.
 * When n ≤ p the fit has used up the data and says nothing about its spread; then the naive random walk's
 * one-step variance stands in (fpp §5.5: the mean squared first difference), 0 below two observations.
 */
export function residualVariance(y: readonly number[], sse: number, parameterCount: number): number {
  const degreesOfFreedom = y.length - parameterCount;
  if (degreesOfFreedom >= 1) return sse / degreesOfFreedom;
  if (y.length < 2) return 0;
  let sumOfSquares = 0;
  for (let t = 1; t < y.length; t++) sumOfSquares += (y[t]! - y[t - 1]!) ** 2;
  return sumOfSquares / (y.length - 1);
}

/**
 * h-step forecast variances σ²_h = σ²·(1 + Σ_{j=1}^{h−1} c_j²) for h = 1..horizon, where c_j is the weight of the
 * one-step error j steps back in the state-space form (fpp §8.7, ETS(A,A,N) and ETS(A,A,A)):
 *   Holt:          c_j = α·(1 + j·β)
 *   Holt–Winters:  c_j = α·(1 + j·β) + γ·[j ≡ 0 mod m]
 * β here is the smoothing weight of the trend (fpp's β*; the state-space β is αβ*), and γ is already the state-space
 * γ because the seasonal update is written against l[t−1] + b[t−1]. Summing the terms reproduces fpp's closed forms
 *   σ²[1 + (h−1){α² + αβ'h + β'²h(2h−1)/6} + γk{2α + γ + β'm(k+1)}], β' = αβ, k = ⌊(h−1)/m⌋,
 * without their edge cases. Omit `seasonal` for Holt.
 */
export function forecastVariances(
  sigma2: number,
  horizon: number,
  alpha: number,
  beta: number,
  seasonal?: { gamma: number; period: number },
): number[] {
  const variances: number[] = [];
  let sumOfSquaredWeights = 0;
  for (let h = 1; h <= horizon; h++) {
    variances.push(sigma2 * (1 + sumOfSquaredWeights));
    // c_h joins the sum for step h + 1.
    const seasonalWeight = seasonal && h % seasonal.period === 0 ? seasonal.gamma : 0;
    sumOfSquaredWeights += (alpha * (1 + h * beta) + seasonalWeight) ** 2;
  }
  return variances;
}
