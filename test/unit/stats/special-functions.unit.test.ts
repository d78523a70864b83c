import { describe, expect, it } from "vitest";
import {
  betaCdf,
  betaPdf,
  betaQuantile,
  logBeta,
  logGamma,
  regularizedGammaQ,
  regularizedIncompleteBeta as I,
} from "../../../src/stats/special-functions";

/** ln((n−1)!) by summing logarithms: an independent reference for Γ(n) = (n−1)!. */
const logFactorial = (m: number) => {
  let s = 0;
  for (let i = 2; i <= m; i++) s += Math.log(i);
  return s;
};

/** P(Binomial(n, p) ≥ k) by direct summation of the pmf, each term from exact-ish logs. */
const binomialUpperTail = (n: number, p: number, k: number) => {
  let s = 0;
  for (let j = k; j <= n; j++) {
    s += Math.exp(logFactorial(n) - logFactorial(j) - logFactorial(n - j) + j * Math.log(p) + (n - j) * Math.log1p(-p));
  }
  return s;
};

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe("logGamma", () => {
  it("matches Γ(1/2) = √π and Γ(3/2) = √π/2", () => {
    expect(relErr(logGamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(relErr(logGamma(1.5), Math.log(Math.sqrt(Math.PI) / 2))).toBeLessThan(1e-13);
  });

  it("matches Γ(n) = (n−1)! for n = 1…170", () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-15);
    for (let n = 3; n <= 170; n++) expect(relErr(logGamma(n), logFactorial(n - 1))).toBeLessThan(1e-13);
  });

  it("uses reflection below 1/2: Γ(1/4) = 3.625609908221908… (A&S Table 6.1 via Γ(1.25) = 0.9064024770554771)", () => {
    expect(relErr(logGamma(0.25), Math.log(3.625609908221908))).toBeLessThan(1e-13);
    expect(relErr(logGamma(1.25), Math.log(0.9064024770554771))).toBeLessThan(1e-12);
  });

  it("rejects x ≤ 0 and non-finite x", () => {
    for (const x of [0, -1, Number.NaN, Infinity]) expect(() => logGamma(x)).toThrow(RangeError);
  });
});

describe("logBeta", () => {
  it("matches (m−1)!(n−1)!/(m+n−1)! for integers, small and large (Stirling branch)", () => {
    for (const [m, n] of [[1, 1], [2, 3], [7, 9], [10, 10], [40, 12], [500, 9500], [3000, 12]] as const) {
      const exact = logFactorial(m - 1) + logFactorial(n - 1) - logFactorial(m + n - 1);
      expect(Math.abs(logBeta(m, n) - exact)).toBeLessThan(1e-12 * Math.max(1, Math.abs(exact)));
    }
  });

  it("is symmetric and agrees with ln Γ across the Stirling switch", () => {
    for (const [a, b] of [[10.5, 20.25], [9.99, 30], [123.4, 56.7]] as const) {
      expect(logBeta(a, b)).toBeCloseTo(logBeta(b, a), 12);
      expect(Math.abs(logBeta(a, b) - (logGamma(a) + logGamma(b) - logGamma(a + b)))).toBeLessThan(1e-11);
    }
  });
});

describe("logBeta with one small and one huge argument (Student t at large ν)", () => {
  it("B(1, q) = 1/q and B(2, q) = 1/(q(q+1)) exactly, up to q = 1e15", () => {
    for (const q of [12, 1e3, 1e6, 1e9, 1e12, 1e15]) {
      expect(Math.abs(logBeta(1, q) + Math.log(q))).toBeLessThan(1e-13 * Math.log(q));
      expect(Math.abs(logBeta(q, 2) + Math.log(q) + Math.log1p(q))).toBeLessThan(1e-13 * Math.log(q));
    }
  });

  it("B(1/2, q) = √π·Γ(q)/Γ(q + 1/2) agrees with ln Γ where that is still exact (q = 20)", () => {
    const direct = 0.5 * Math.log(Math.PI) + logGamma(20) - logGamma(20.5);
    expect(Math.abs(logBeta(0.5, 20) - direct)).toBeLessThan(1e-13);
  });
});

describe("regularizedGammaQ", () => {
  /** Q(n, x) for integer n is the Poisson probability P(N < n) with mean x: e^-x Σ_{k<n} x^k/k!. */
  const poissonBelow = (n: number, x: number) => {
    let term = Math.exp(-x);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += term;
      term *= x / (k + 1);
    }
    return sum;
  };

  it("Q(1, x) = e^-x on both sides of the series/continued-fraction switch", () => {
    for (const x of [1e-8, 0.3, 1.9, 2.1, 10, 300]) expect(relErr(regularizedGammaQ(1, x), Math.exp(-x))).toBeLessThan(1e-13);
  });

  it("Q(n, x) = P(Poisson(x) < n) for integer n", () => {
    for (const [n, x] of [[2, 0.5], [3, 2.5], [5, 4], [5, 7], [20, 15], [20, 30]] as const) {
      expect(relErr(regularizedGammaQ(n, x), poissonBelow(n, x))).toBeLessThan(1e-12);
    }
  });

  it("Q(1/2, u²) = erfc(u): erfc(1) = 0.15729920705028513 (A&S Table 7.1)", () => {
    expect(relErr(regularizedGammaQ(0.5, 1), 0.15729920705028513)).toBeLessThan(1e-13);
  });

  it("is 1 at x ≤ 0, 0 at ∞, and rejects a bad shape", () => {
    expect(regularizedGammaQ(2, 0)).toBe(1);
    expect(regularizedGammaQ(2, Infinity)).toBe(0);
    expect(regularizedGammaQ(2, 2000)).toBe(0);
    expect(() => regularizedGammaQ(0, 1)).toThrow(RangeError);
    expect(() => regularizedGammaQ(1, NaN)).toThrow(RangeError);
  });
});

describe("regularizedIncompleteBeta", () => {
  // Dyadic points, so 1 − x is exact and a symmetry check does not measure the test's own rounding of 1 − x.
  const xs = [2 ** -20, 1 / 128, 0.125, 0.3125, 0.5, 0.6875, 0.875, 1 - 1 / 128, 1 - 2 ** -20];

  // Tolerance 1e-13: the prefactor's logarithm a·ln x + b·ln(1−x) carries about (a+b)·ε of rounding (3e-14 seen at 200).
  it("I_x(1, b) = 1 − (1−x)^b", () => {
    for (const b of [0.3, 1, 2.5, 10, 200]) for (const x of xs) expect(Math.abs(I(x, 1, b) - (1 - (1 - x) ** b))).toBeLessThan(1e-13);
  });

  it("I_x(a, 1) = x^a", () => {
    for (const a of [0.3, 1, 2.5, 10, 200]) for (const x of xs) expect(Math.abs(I(x, a, 1) - x ** a)).toBeLessThan(1e-13);
  });

  it("I_x(a, b) = 1 − I_{1−x}(b, a)", () => {
    for (const [a, b] of [[0.5, 0.5], [2, 5], [40, 12], [0.2, 30], [1000, 3000]] as const) {
      for (const x of xs) expect(Math.abs(I(x, a, b) - (1 - I(1 - x, b, a)))).toBeLessThan(1e-14);
    }
  });

  it("I_0.5(a, a) = 1/2", () => {
    for (const a of [0.01, 0.3, 1, 7.5, 100, 5000]) expect(Math.abs(I(0.5, a, a) - 0.5)).toBeLessThan(1e-13);
    // For large shapes ln(x^a(1−x)^b/B) is a difference of terms of size ~(a+b), so its rounding error grows like
    // ε·(a+b): about 1e-11 at a = 1e6 (measured 8e-12), still far inside what the policies need.
    for (const a of [1e5, 1e6]) expect(Math.abs(I(0.5, a, a) - 0.5)).toBeLessThan(3e-11);
  });

  it("I_p(k, n−k+1) = P(Binomial(n, p) ≥ k), the binomial sum computed directly", () => {
    for (const [n, p] of [[10, 0.5], [20, 0.3], [100, 0.05], [250, 0.9]] as const) {
      for (let k = 1; k <= n; k++) {
        const want = binomialUpperTail(n, p, k);
        expect(Math.abs(I(p, k, n - k + 1) - want)).toBeLessThan(1e-13 + 1e-12 * want);
      }
    }
  });

  it("is 0 and 1 at the ends and rejects bad shapes", () => {
    expect(I(0, 2, 3)).toBe(0);
    expect(I(1, 2, 3)).toBe(1);
    expect(() => I(0.5, 0, 1)).toThrow(RangeError);
    expect(() => I(0.5, 1, -2)).toThrow(RangeError);
    expect(() => I(Number.NaN, 1, 1)).toThrow(RangeError);
  });

  it("converges for large shapes near the mean (a = 1e6)", () => {
    // Beta(1e6, 1e6) is symmetric: the CDF one sd above the mean is Φ(1) = 0.841344746… to O(1/√n).
    const sd = Math.sqrt(0.25 / (2e6 + 1));
    expect(Math.abs(betaCdf(0.5 + sd, 1e6, 1e6) - 0.8413447460685429)).toBeLessThan(1e-3);
  });
});

describe("betaPdf", () => {
  it("matches closed forms: Beta(2,3) = 12x(1−x)², Beta(1/2,1/2) = 1/(π√(x(1−x)))", () => {
    for (const x of [0.05, 0.3, 0.5, 0.8]) {
      expect(relErr(betaPdf(x, 2, 3), 12 * x * (1 - x) ** 2)).toBeLessThan(1e-13);
      expect(relErr(betaPdf(x, 0.5, 0.5), 1 / (Math.PI * Math.sqrt(x * (1 - x))))).toBeLessThan(1e-13);
    }
  });

  it("takes the limits at the ends and is 0 outside", () => {
    expect(betaPdf(0, 0.5, 2)).toBe(Infinity);
    expect(betaPdf(0, 1, 3)).toBeCloseTo(3, 13);
    expect(betaPdf(0, 2, 3)).toBe(0);
    expect(betaPdf(1, 2, 0.5)).toBe(Infinity);
    expect(betaPdf(1, 2, 1)).toBeCloseTo(2, 13);
    expect(betaPdf(-0.1, 2, 3)).toBe(0);
    expect(betaPdf(1.1, 2, 3)).toBe(0);
  });
});

describe("betaQuantile", () => {
  it("gives the 95% interval of Beta(1,1) as [0.025, 0.975]", () => {
    expect(Math.abs(betaQuantile(0.025, 1, 1) - 0.025)).toBeLessThan(1e-12);
    expect(Math.abs(betaQuantile(0.975, 1, 1) - 0.975)).toBeLessThan(1e-12);
  });

  it("matches closed forms: Beta(a,1) has Q(p) = p^(1/a), Beta(1,b) has Q(p) = 1 − (1−p)^(1/b)", () => {
    for (const p of [1e-9, 0.01, 0.3, 0.5, 0.9, 0.999]) {
      expect(Math.abs(betaQuantile(p, 3, 1) - p ** (1 / 3))).toBeLessThan(1e-10);
      expect(Math.abs(betaQuantile(p, 0.2, 1) - p ** 5)).toBeLessThan(1e-10 * Math.max(p ** 5, 1e-10));
      expect(Math.abs(betaQuantile(p, 1, 40) - (1 - (1 - p) ** (1 / 40)))).toBeLessThan(1e-10);
    }
  });

  it("round-trips betaQuantile(betaCdf(x)) = x to 1e-10", () => {
    const shapes = [[0.5, 0.5], [0.2, 3], [2, 50], [40, 12], [10, 20], [300, 9700], [1e4, 1e4], [3, 0.4]] as const;
    for (const [a, b] of shapes) {
      for (const x of [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
        const p = betaCdf(x, a, b);
        // Where the CDF is flat at 0 or 1 in double precision, x is not recoverable from p; skip those.
        if (p < 1e-300 || p > 1 - 1e-12) continue;
        expect(Math.abs(betaQuantile(p, a, b) - x)).toBeLessThan(1e-10 * Math.max(1, x));
      }
    }
  });

  it("handles the ends and extreme tails", () => {
    expect(betaQuantile(0, 2, 3)).toBe(0);
    expect(betaQuantile(1, 2, 3)).toBe(1);
    // Beta(0.01, 3) has I_x ≈ x^0.01·const, so its 1e-13 quantile is about 1e-1300: below doubles, returned as 0.
    expect(betaQuantile(1e-13, 0.01, 3)).toBe(0);
    const q = betaQuantile(1e-13, 9, 240);
    expect(relErr(betaCdf(q, 9, 240), 1e-13)).toBeLessThan(1e-9);
    expect(() => betaQuantile(1.5, 1, 1)).toThrow(RangeError);
  });
});
