import { describe, expect, it } from "vitest";
import { posteriorFor, priorFor } from "../../../../src/decisions/policies/empirical-bayes";
import { arm, statsOf } from "./policy-fixtures";

const mean = (p: { alpha: number; beta: number }) => p.alpha / (p.alpha + p.beta);

describe("empirical-Bayes priors", () => {
  it("an empty bucket borrows the pooled rate with strength 10: mean (1 + 10·m)/(2 + 10)", () => {
    const pooled = { a: { n: 1000, successes: 800 } };
    const m = (800 + 1) / (1000 + 2);
    const post = posteriorFor("a", {}, pooled, {});
    expect(post.alpha).toBeCloseTo(1 + 10 * m, 12);
    expect(post.beta).toBeCloseTo(1 + 10 * (1 - m), 12);
    expect(mean(post)).toBeCloseTo((1 + 10 * m) / 12, 12);
    expect(mean(post)).toBeGreaterThan(0.7);
  });

  it("a bucket with 10,000 own outcomes is dominated by its own rate", () => {
    const pooled = { a: { n: 50_000, successes: 40_000 } };
    const post = posteriorFor("a", statsOf(arm("a", 3000, 7000)), pooled, {});
    expect(Math.abs(mean(post) - 0.3)).toBeLessThan(0.001);
  });

  it("an empty pool leaves the configured prior, and a thin pool lends only its own count", () => {
    expect(priorFor("a", undefined, {})).toEqual({ alpha: 1, beta: 1 });
    expect(priorFor("a", { a: { n: 0, successes: 0 } }, { priorAlpha: 0.5, priorBeta: 2 })).toEqual({ alpha: 0.5, beta: 2 });
    const thin = priorFor("a", { a: { n: 4, successes: 4 } }, {});
    // s = min(10, 4) = 4, m = (4 + 1)/(4 + 2).
    expect(thin.alpha).toBeCloseTo(1 + 4 * (5 / 6), 12);
    expect(thin.beta).toBeCloseTo(1 + 4 * (1 / 6), 12);
  });

  it("poolingStrength 0 disables borrowing; other actions' pools are not used", () => {
    expect(priorFor("a", { a: { n: 1000, successes: 900 } }, { poolingStrength: 0 })).toEqual({ alpha: 1, beta: 1 });
    expect(priorFor("b", { a: { n: 1000, successes: 900 } }, {})).toEqual({ alpha: 1, beta: 1 });
  });

  it("adds the bucket's successes and failures to the prior", () => {
    const post = posteriorFor("a", statsOf(arm("a", 7, 3)), undefined, { priorAlpha: 2, priorBeta: 5 });
    expect(post).toEqual({ alpha: 9, beta: 8 });
  });
});
