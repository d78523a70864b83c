import { describe, expect, it } from "vitest";
import { drawUniformBranch, uniformBranchProbability, withPropensityFloor } from "../../../../src/decisions/policies/propensity-floor";
import { seededRng } from "../../../../src/stats/random";
import { expectShare, scriptedRng } from "./policy-fixtures";

describe("withPropensityFloor", () => {
  it("mixes with the uniform at weight K·f: every p ≥ f, the sum stays 1", () => {
    const p = withPropensityFloor([1, 0, 0, 0], 0.01);
    expect(p[0]).toBeCloseTo(0.97, 15);
    for (const v of p.slice(1)) expect(v).toBeCloseTo(0.01, 15);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 15);
  });

  it("is uniform when K·f ≥ 1 and the identity when f = 0", () => {
    expect(withPropensityFloor([0.9, 0.1], 0.6)).toEqual([0.5, 0.5]);
    expect(withPropensityFloor([0.9, 0.1], 0)).toEqual([0.9, 0.1]);
    expect(uniformBranchProbability(24, 0.05)).toBe(1);
  });
});

describe("drawUniformBranch", () => {
  it("takes the branch with probability K·f, then picks uniformly", () => {
    const rng = seededRng("floor");
    const n = 200_000;
    const counts = [0, 0, 0, 0];
    let taken = 0;
    for (let i = 0; i < n; i++) {
      const pick = drawUniformBranch(4, 0.05, rng);
      if (pick === undefined) continue;
      taken++;
      counts[pick]!++;
    }
    expectShare(taken, n, 0.2);
    for (const c of counts) expectShare(c, taken, 0.25);
  });

  it("maps the single draw: u < K·f picks index ⌊u/(K·f)·K⌋, otherwise no branch", () => {
    expect(drawUniformBranch(3, 0.01, scriptedRng(0))).toBe(0);
    expect(drawUniformBranch(3, 0.01, scriptedRng(0.0299))).toBe(2);
    expect(drawUniformBranch(3, 0.01, scriptedRng(0.03))).toBeUndefined();
  });

  it("draws nothing when the floor is 0", () => {
    expect(drawUniformBranch(3, 0, scriptedRng())).toBeUndefined();
  });
});
