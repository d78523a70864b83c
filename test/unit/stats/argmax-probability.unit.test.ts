import { describe, expect, it } from "vitest";
import { probabilityOfBeingBest } from "../../../src/stats/argmax-probability";
import { betaSample } from "../../../src/stats/beta-sample";
import { seededRng } from "../../../src/stats/random";

/**
 * P(p_B > p_A) for p_A ~ Beta(αA, βA), p_B ~ Beta(αB, βB) with integer αB and βB, exactly:
 *   Σ_{i=0}^{αB−1} B(αA+i, βA+βB) / ((βB+i)·B(1+i, βB)·B(αA, βA))
 * (Evan Miller, "Formulas for Bayesian A/B Testing", 2015; the finite sum needs αB integer, and βB integer lets
 * every Beta-function ratio below be a finite product, so this reference uses no Gamma function at all).
 * Term i = r_i·c_i with r_i = B(αA+i, βA+βB)/B(αA, βA) and c_i = 1/((βB+i)·B(1+i, βB)) = Π_{k<i} (βB+k)/(k+1),
 * r_0 = Π_{k<βB} (βA+k)/(αA+βA+k), r_{i+1} = r_i·(αA+i)/(αA+βA+βB+i); kept in logs so large counts do not overflow.
 */
function millerProbabilityBBeatsA(aA: number, bA: number, aB: number, bB: number): number {
  let logR = 0;
  for (let k = 0; k < bB; k++) logR += Math.log((bA + k) / (aA + bA + k));
  let logC = 0;
  let sum = 0;
  for (let i = 0; i < aB; i++) {
    sum += Math.exp(logR + logC);
    logR += Math.log((aA + i) / (aA + bA + bB + i));
    logC += Math.log((bB + i) / (i + 1));
  }
  return sum;
}

const beta = (alpha: number, b: number) => ({ alpha, beta: b });

/** Seeded Monte Carlo: the share of draws in which each arm's Beta draw is the largest. */
function monteCarlo(posteriors: { alpha: number; beta: number }[], draws: number, seed: string): number[] {
  const rng = seededRng(seed);
  const wins = new Array<number>(posteriors.length).fill(0);
  for (let d = 0; d < draws; d++) {
    let best = -1;
    let arg = 0;
    posteriors.forEach((p, i) => {
      const x = betaSample(p.alpha, p.beta, rng);
      if (x > best) [best, arg] = [x, i];
    });
    wins[arg]!++;
  }
  return wins.map((w) => w / draws);
}

describe("probabilityOfBeingBest against Evan Miller's closed form (K = 2)", () => {
  it.each([
    [1, 1, 1, 1],
    [1, 1, 2, 1],
    [10, 20, 12, 18],
    [2, 50, 40, 12],
    [40, 12, 2, 50],
    [100, 900, 120, 880],
    [500, 9500, 530, 9470],
    [1, 3000, 1, 2999],
    [3, 1, 1, 3],
    [2217, 468, 2685, 494],
    // Fractional A (priors other than Beta(1,1), empirical-Bayes shrinkage); the closed form only needs B integer.
    [0.3, 2, 2, 3],
    [0.5, 0.5, 1, 1],
    [4.7, 96.3, 3, 97],
  ])("A = Beta(%s, %s), B = Beta(%s, %s) to 1e-9", (aA, bA, aB, bB) => {
    const [pA, pB] = probabilityOfBeingBest([beta(aA, bA), beta(aB, bB)]);
    const exact = millerProbabilityBBeatsA(aA, bA, aB, bB);
    expect(Math.abs(pB! - exact)).toBeLessThan(1e-9);
    expect(Math.abs(pA! - (1 - exact))).toBeLessThan(1e-9);
  });

  it("over 200 seeded random pairs (shapes 1…3000, half of them close rivals), max error < 1e-9", () => {
    const rng = seededRng("miller-sweep");
    const shape = () => Math.max(1, Math.round(Math.exp(rng() * Math.log(3000))));
    let maxError = 0;
    for (let n = 0; n < 200; n++) {
      const [aA, bA] = [shape(), shape()];
      let [aB, bB] = [shape(), shape()];
      if (n % 2 === 0) {
        // A rival with a rate within ±20% of A's and a comparable count: where P is far from 0 and 1.
        const count = Math.max(2, Math.round((aA + bA) * (0.5 + rng())));
        aB = Math.max(1, Math.round(count * (aA / (aA + bA)) * (0.8 + 0.4 * rng())));
        bB = Math.max(1, count - aB);
      }
      const pB = probabilityOfBeingBest([beta(aA, bA), beta(aB, bB)])[1]!;
      maxError = Math.max(maxError, Math.abs(pB - millerProbabilityBBeatsA(aA, bA, aB, bB)));
    }
    expect(maxError).toBeLessThan(1e-9);
  });
});

describe("probabilityOfBeingBest, structure", () => {
  it.each([2, 3, 24])("identical posteriors give 1/K each (K = %s)", (k) => {
    for (const p of [beta(1, 1), beta(7, 93), beta(0.5, 0.5), beta(2000, 8000)]) {
      for (const v of probabilityOfBeingBest(new Array(k).fill(p))) expect(Math.abs(v - 1 / k)).toBeLessThan(1e-12);
    }
  });

  it("sums to 1 within 1e-12 and permutes with its input", () => {
    const posteriors = [beta(3, 40), beta(9, 100), beta(1, 1), beta(0.4, 2), beta(50, 500), beta(12, 90)];
    const p = probabilityOfBeingBest(posteriors);
    expect(Math.abs(p.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
    const reversed = probabilityOfBeingBest([...posteriors].reverse());
    p.forEach((v, i) => expect(Math.abs(v - reversed[posteriors.length - 1 - i]!)).toBeLessThan(1e-12));
  });

  it("handles K = 0 and K = 1, and rejects non-positive shapes", () => {
    expect(probabilityOfBeingBest([])).toEqual([]);
    expect(probabilityOfBeingBest([beta(2, 3)])).toEqual([1]);
    expect(() => probabilityOfBeingBest([beta(0, 1), beta(1, 1)])).toThrow(RangeError);
    expect(() => probabilityOfBeingBest([beta(1, Number.NaN), beta(1, 1)])).toThrow(RangeError);
  });

  it("handles priors below 1 at both ends (poles in the densities)", () => {
    // Beta(0.2, 0.2) vs Beta(1, 1) is symmetric about 1/2, so each is best with probability 1/2.
    const [a, b] = probabilityOfBeingBest([beta(0.2, 0.2), beta(1, 1)]);
    expect(Math.abs(a! - 0.5)).toBeLessThan(1e-9);
    expect(Math.abs(b! - 0.5)).toBeLessThan(1e-9);
    // Σα < 1: every integrand has a pole at 0.
    const three = probabilityOfBeingBest([beta(0.2, 5), beta(0.3, 5), beta(0.1, 5)]);
    expect(Math.abs(three.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
    const mc = monteCarlo([beta(0.2, 5), beta(0.3, 5), beta(0.1, 5)], 50_000, "poles");
    three.forEach((p, i) => expect(Math.abs(p - mc[i]!)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / 50_000)));
  });
});

describe("probabilityOfBeingBest against seeded Monte Carlo (200k draws)", () => {
  // Tolerance per arm: 4.5 standard errors of a share, √(p(1−p)/200000) (at most 0.0011), plus 1e-9.
  const check = (posteriors: { alpha: number; beta: number }[], seed: string) => {
    const exact = probabilityOfBeingBest(posteriors);
    const mc = monteCarlo(posteriors, 200_000, seed);
    exact.forEach((p, i) => expect(Math.abs(p - mc[i]!)).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / 200_000) + 1e-9));
  };

  it("K = 3", () => check([beta(12, 88), beta(15, 85), beta(3, 17)], "k3"), 60_000);

  it(
    "K = 24 (a posting-hour shape: rates 3–7%, 200–500 outcomes per hour)",
    () => {
      const rng = seededRng("k24-stats");
      const posteriors = Array.from({ length: 24 }, (_, hour) => {
        const n = 200 + Math.floor(rng() * 300);
        const successes = Math.round(n * (0.03 + 0.04 * Math.sin(hour / 4) ** 2));
        return beta(1 + successes, 1 + n - successes);
      });
      check(posteriors, "k24");
    },
    120_000,
  );
});
