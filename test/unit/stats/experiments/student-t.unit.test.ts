import { describe, expect, it } from "vitest";
import { studentTCdf, studentTQuantile, studentTSurvival } from "../../../../src/stats/experiments/student-t";

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe("studentTCdf", () => {
  it("ν = 1 is Cauchy, F(t) = 1/2 + atan(t)/π; ν = 2 has F(t) = 1/2 + t/(2√(2 + t²))", () => {
    for (const t of [-30, -2, -0.1, 0.7, 3, 100]) {
      expect(relErr(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI)).toBeLessThan(1e-13);
      expect(relErr(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)))).toBeLessThan(1e-13);
    }
  });

  // scipy.stats.t.cdf / t.sf (scipy 1.17.1), at real ν (Welch's ν is not an integer; 985.25… is gbstats case
  // freq_prop_50of500_vs_65of500_relative's), and at ν past the switch to the 1/ν expansion.
  it.each([
    [2, 5, 0.050969739414929174],
    [1.5, 3.5, 0.10890909350767251],
    [1.3026252642972653, 985.2546256607317, 0.09650355784962884],
    [2.5, 1e5, 0.0062104595962795255],
    [0.1, 30, 0.4605048058951356],
    [2.5, 1e7, 0.006209673268289235],
    [2.5, 1e12, 0.006209665325855559],
  ])("P(T > %f) with ν = %f is %f", (t, nu, want) => {
    expect(relErr(studentTSurvival(t, nu), want)).toBeLessThan(1e-11);
    expect(relErr(studentTCdf(-t, nu), want)).toBeLessThan(1e-11);
  });

  it("is continuous across the switch to the expansion at ν = 1e6", () => {
    expect(relErr(studentTSurvival(2, 1e6), studentTSurvival(2, 1e6 + 1))).toBeLessThan(1e-10);
  });
});

describe("studentTQuantile", () => {
  it("matches the closed forms for ν = 1, tan(π(p − 1/2)), and ν = 2, (2p − 1)/√(2p(1 − p))", () => {
    for (const p of [0.001, 0.2, 0.6, 0.975, 0.9999]) {
      expect(relErr(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)))).toBeLessThan(1e-12);
      expect(relErr(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)))).toBeLessThan(1e-12);
    }
  });

  // scipy.stats.t.ppf (scipy 1.17.1); t(0.975, 10) = 2.228 is the textbook table value.
  it.each([
    [0.975, 10, 2.228138851986274],
    [0.975, 985.2546256607317, 1.9623746695988284],
    [0.025, 7.5, -2.3330396268649745],
    [0.999, 3, 10.214531852407383],
    [0.9995, 5000, 3.2924737233708825],
    [0.9995, 15000, 3.291175496365324],
    [0.6, 1e6, 0.25334717053784184],
    [0.975, 1e12, 1.9599639845424262],
  ])("t(%f; ν = %f) = %f", (p, nu, want) => {
    expect(relErr(studentTQuantile(p, nu), want)).toBeLessThan(1e-12);
  });

  it("round-trips through the cdf", () => {
    for (const nu of [1.5, 4, 33.3, 2000]) {
      for (const p of [0.01, 0.3, 0.9]) expect(studentTCdf(studentTQuantile(p, nu), nu)).toBeCloseTo(p, 13);
    }
  });

  it("rejects ν ≤ 0 or not finite and p outside [0, 1]", () => {
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
    expect(() => studentTSurvival(1, Infinity)).toThrow(RangeError);
    expect(() => studentTQuantile(-0.1, 5)).toThrow(RangeError);
  });
});
