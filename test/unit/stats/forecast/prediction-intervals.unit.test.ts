import { describe, expect, it } from "vitest";
import { forecastVariances, residualVariance, Z_95 } from "../../../../src/stats/forecast/prediction-intervals";

describe("residualVariance", () => {
  it("is SSE / (n − p)", () => expect(residualVariance([1, 2, 3, 4, 5, 6], 12, 4)).toBe(6));

  it("falls back to the mean squared first difference when n ≤ p, and 0 below two points", () => {
    // Differences 2, −4, 1: (4 + 16 + 1) / 3 = 7.
    expect(residualVariance([1, 3, -1, 0], 0, 4)).toBe(7);
    expect(residualVariance([5], 0, 4)).toBe(0);
  });
});

describe("forecastVariances", () => {
  const [sigma2, alpha, betaStar, gamma, m] = [2.5, 0.4, 0.3, 0.2, 7];
  // fpp §8.7's closed forms use the state-space trend weight β = α·β*.
  const beta = alpha * betaStar;
  const holtClosedForm = (h: number) =>
    sigma2 * (1 + (h - 1) * (alpha ** 2 + alpha * beta * h + (beta ** 2 * h * (2 * h - 1)) / 6));
  const seasonalClosedForm = (h: number) => {
    const k = Math.floor((h - 1) / m);
    return holtClosedForm(h) + sigma2 * gamma * k * (2 * alpha + gamma + beta * m * (k + 1));
  };

  it("matches fpp's closed form for Holt (ETS(A,A,N))", () => {
    forecastVariances(sigma2, 30, alpha, betaStar).forEach((v, i) =>
      expect(Math.abs(v - holtClosedForm(i + 1)) / v).toBeLessThan(1e-12),
    );
  });

  it("matches fpp's closed form for additive Holt–Winters (ETS(A,A,A)), seasonal term included", () => {
    const variances = forecastVariances(sigma2, 30, alpha, betaStar, { gamma, period: m });
    variances.forEach((v, i) => expect(Math.abs(v - seasonalClosedForm(i + 1)) / v).toBeLessThan(1e-12));
    // The seasonal weight first enters at h = m + 1.
    expect(variances[m - 1]).toBeCloseTo(holtClosedForm(m), 12);
    expect(variances[m]! - holtClosedForm(m + 1)).toBeGreaterThan(0);
  });

  it("starts at σ², grows with h, and is 0 for σ² = 0", () => {
    const variances = forecastVariances(sigma2, 10, alpha, betaStar);
    expect(variances[0]).toBe(sigma2);
    for (let h = 1; h < 10; h++) expect(variances[h]!).toBeGreaterThan(variances[h - 1]!);
    expect(forecastVariances(0, 5, alpha, betaStar, { gamma, period: m })).toEqual([0, 0, 0, 0, 0]);
  });

  it("Z_95 is the 97.5% normal quantile", () => expect(Z_95).toBeCloseTo(1.96, 2));
});
