import { describe, expect, it } from "vitest";
import { chiSquareSurvival } from "../../../../src/stats/experiments/chi-square";

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe("chiSquareSurvival", () => {
  it("with 2 degrees of freedom is e^(−x/2)", () => {
    for (const x of [0.01, 2, 9, 80]) expect(relErr(chiSquareSurvival(x, 2), Math.exp(-x / 2))).toBeLessThan(1e-13);
  });

  // scipy.stats.chi2.sf (scipy 1.17.1); χ²(1) at 3.84 is the familiar 5 % point.
  it.each([
    [2, 1, 0.15729920705028105],
    [3.84, 1, 0.05004352124870519],
    [10, 3, 0.01856613546304325],
    [0.5, 4, 0.9735009788392561],
    [100, 5, 5.285148360943219e-20],
  ])("P(χ² > %f) with %i df = %f", (x, df, want) => {
    expect(relErr(chiSquareSurvival(x, df), want)).toBeLessThan(1e-12);
  });

  it("is 1 at 0 and rejects degrees of freedom ≤ 0", () => {
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(() => chiSquareSurvival(1, 0)).toThrow(RangeError);
  });
});
