import { describe, expect, it } from "vitest";
import { normalCdf, normalQuantile, normalSurvival } from "../../../../src/stats/experiments/normal-distribution";

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe("normalCdf", () => {
  // Reference values: scipy.stats.norm.cdf (scipy 1.17.1); Φ(1.96) and Φ(−3) also in A&S Table 26.1.
  it.each([
    [-8, 6.22096057427174e-16],
    [-3, 0.0013498980316300933],
    [-1.96, 0.024997895148220435],
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [1.96, 0.9750021048517795],
    [5, 0.9999997133484281],
  ])("Φ(%f) = %f", (z, want) => {
    expect(relErr(normalCdf(z), want)).toBeLessThan(1e-13);
  });

  it("Φ(z) + Φ(−z) = 1 and survival mirrors the cdf", () => {
    for (const z of [0.1, 1, 2.5, 6]) {
      expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 15);
      expect(normalSurvival(z)).toBe(normalCdf(-z));
    }
  });
});

describe("normalQuantile", () => {
  // scipy.stats.norm.ppf (scipy 1.17.1).
  it.each([
    [1e-12, -7.034483825301131],
    [0.001, -3.090232306167813],
    [0.025, -1.9599639845400545],
    [0.3, -0.5244005127080409],
    [0.975, 1.959963984540054],
    [0.999999, 4.753424308817087],
  ])("Φ⁻¹(%f) = %f", (p, want) => {
    expect(relErr(normalQuantile(p), want)).toBeLessThan(1e-14);
  });

  it("round-trips Φ(Φ⁻¹(p)) = p far into the tail", () => {
    for (const p of [1e-300, 1e-100, 1e-20, 1e-5, 0.2, 0.5, 0.8]) expect(relErr(normalCdf(normalQuantile(p)), p)).toBeLessThan(1e-13);
  });

  it("has ±∞ at the ends and rejects p outside [0, 1]", () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(0.5)).toBe(0);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
    expect(() => normalQuantile(NaN)).toThrow(RangeError);
  });
});
