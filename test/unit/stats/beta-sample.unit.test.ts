import { describe, expect, it } from "vitest";
import { betaSample, gammaSample, normalSample } from "../../../src/stats/beta-sample";
import { seededRng } from "../../../src/stats/random";

const N = 100_000;

function moments(xs: number[]) {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) * (x - mean), 0) / (xs.length - 1);
  return { mean, variance };
}

/**
 * Tolerances are 5 standard errors of the estimate: SE(mean) = σ/√N, and SE(sample variance) = σ²·√((γ₂ + 2)/N)
 * with γ₂ the excess kurtosis (the large-N variance of s²). Seeded, so a pass is reproducible.
 */
const within = (got: number, want: number, se: number) => expect(Math.abs(got - want)).toBeLessThan(5 * se);

describe("betaSample", () => {
  it.each([
    [0.3, 0.7],
    [0.5, 2],
    [0.05, 0.05],
    [2, 5],
    [40, 12],
    [200, 3000],
  ])("Beta(%s, %s): mean a/(a+b) and variance ab/((a+b)²(a+b+1)) over 100k seeded draws", (a, b) => {
    const rng = seededRng(`beta/${a}/${b}`);
    const xs = Array.from({ length: N }, () => betaSample(a, b, rng));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    const s = a + b;
    const mean = a / s;
    const variance = (a * b) / (s * s * (s + 1));
    const excessKurtosis = (6 * ((a - b) ** 2 * (s + 1) - a * b * (s + 2))) / (a * b * (s + 2) * (s + 3));
    const got = moments(xs);
    within(got.mean, mean, Math.sqrt(variance / N));
    within(got.variance, variance, variance * Math.sqrt((excessKurtosis + 2) / N));
  });

  it("stays finite for tiny shapes, where both gamma variates underflow as plain numbers", () => {
    const rng = seededRng("tiny");
    const xs = Array.from({ length: 10_000 }, () => betaSample(0.005, 0.005, rng));
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it("repeats with the same seed", () => {
    const draw = () => {
      const rng = seededRng(9);
      return Array.from({ length: 20 }, () => betaSample(3, 4, rng));
    };
    expect(draw()).toEqual(draw());
  });
});

describe("gammaSample", () => {
  it.each([0.2, 0.9, 1, 3.5, 50])("Gamma(%s): mean and variance equal the shape (excess kurtosis 6/k)", (k) => {
    const rng = seededRng(`gamma/${k}`);
    const got = moments(Array.from({ length: N }, () => gammaSample(k, rng)));
    within(got.mean, k, Math.sqrt(k / N));
    within(got.variance, k, k * Math.sqrt((6 / k + 2) / N));
  });

  it("rejects shapes ≤ 0", () => {
    expect(() => gammaSample(0, seededRng(1))).toThrow(RangeError);
    expect(() => betaSample(1, -1, seededRng(1))).toThrow(RangeError);
  });
});

describe("normalSample", () => {
  it("has mean 0 and variance 1 (excess kurtosis 0)", () => {
    const rng = seededRng("normal");
    const got = moments(Array.from({ length: N }, () => normalSample(rng)));
    within(got.mean, 0, Math.sqrt(1 / N));
    within(got.variance, 1, Math.sqrt(2 / N));
  });
});
