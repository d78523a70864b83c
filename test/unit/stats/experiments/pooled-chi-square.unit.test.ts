// The pooled 2×2 χ² test against scipy, and seed 003's own example judged by both tests.
import { describe, expect, it } from "vitest";
import { compareArms, pooledChiSquare, pooledZTest } from "../../../../src/stats/experiments";

const CONTROL = { type: "proportion", n: 500, sum: 50 } as const;
const TREATMENT = { type: "proportion", n: 500, sum: 65 } as const;
const within = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-6);

describe("pooledChiSquare reproduces scipy.stats.chi2_contingency", () => {
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case scipy_chi2_50of500_vs_65of500 (scipy 1.11.1, not gbstats):
  // the table [[50, 450], [65, 435]]; to 1e-6 absolute.
  it("plain: χ² = 2.210759027266028, p = 0.13705122503762468", () => {
    const got = pooledChiSquare(CONTROL, TREATMENT);
    within(got.chi2, 2.210759027266028);
    within(got.p_value, 0.13705122503762468);
    expect(got.dof).toBe(1);
  });

  it("Yates: χ² = 1.9258167526406287, p = 0.16521684072253595", () => {
    const got = pooledChiSquare(CONTROL, TREATMENT, { yates: true });
    within(got.chi2, 1.9258167526406287);
    within(got.p_value, 0.16521684072253595);
  });

  it("pooled z = 1.4868621413117045, z² = χ², p = 0.13705122503762363", () => {
    const got = pooledZTest(CONTROL, TREATMENT);
    within(got.z, 1.4868621413117045);
    within(got.z ** 2, 2.210759027266027);
    within(got.p_value, 0.13705122503762363);
  });

  it("Yates never moves a deviation past zero (scipy's min(0.5, |O − E|))", () => {
    // Expected counts equal observed: the corrected χ² is 0, not the 4·0.25/E the plain formula would give.
    expect(pooledChiSquare({ n: 100, sum: 10 }, { n: 100, sum: 10 }, { yates: true }).chi2).toBe(0);
  });
});

describe("seed 003's example, 50/500 vs 65/500 (10 % vs 13 %), is not significant at 5 %", () => {
  it("by gbstats' Welch test on the relative difference: p = 0.193", () => {
    // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case freq_prop_50of500_vs_65of500_relative.
    const got = compareArms(CONTROL, TREATMENT, { engine: "frequentist", difference_type: "relative" });
    within(got.p_value!, 0.19300711569925766);
    expect(got.p_value!).toBeGreaterThan(0.05);
    expect(got.ci[0]).toBeLessThan(0);
  });

  it("by the pooled χ² (scipy, no continuity correction): p = 0.137", () => {
    const got = pooledChiSquare(CONTROL, TREATMENT);
    within(got.p_value, 0.13705122503762468);
    expect(got.p_value).toBeGreaterThan(0.05);
  });
});
