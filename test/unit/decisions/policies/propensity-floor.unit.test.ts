import { describe, expect, it } from "vitest";
import {
  drawUniformBranch,
  effectiveFloor,
  MAX_FLOOR_MASS,
  uniformBranchProbability,
  withPropensityFloor,
} from "../../../../src/decisions/policies/propensity-floor";
import { seededRng } from "../../../../src/stats/random";
import { expectShare, scriptedRng } from "./policy-fixtures";

describe("withPropensityFloor", () => {
  it("mixes with the uniform at weight K·f: every p ≥ f, the sum stays 1", () => {
    const p = withPropensityFloor([1, 0, 0, 0], 0.01);
    expect(p[0]).toBeCloseTo(0.97, 15);
    for (const v of p.slice(1)) expect(v).toBeCloseTo(0.01, 15);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 15);
  });

  it("caps the floor's mass at MAX_FLOOR_MASS (never uniform), and is the identity when f = 0", () => {
    // f = 0.6 on two arms would be K·f = 1.2: the effective floor is 0.1/2 = 0.05, so p' = 0.05 + 0.9·p.
    const capped = withPropensityFloor([0.9, 0.1], 0.6);
    expect(capped[0]).toBeCloseTo(0.86, 15);
    expect(capped[1]).toBeCloseTo(0.14, 15);
    expect(withPropensityFloor([0.9, 0.1], 0)).toEqual([0.9, 0.1]);
    expect(uniformBranchProbability(24, 0.05)).toBeCloseTo(MAX_FLOOR_MASS, 15);
  });
});

describe("the cap on the floor's mass", () => {
  it("is 10% of decisions", () => {
    expect(MAX_FLOOR_MASS).toBe(0.1);
  });

  it("leaves small K·f alone: K = 2, f = 0.01 → branch weight 0.02, floor 0.01 per arm", () => {
    expect(effectiveFloor(2, 0.01)).toBe(0.01);
    expect(uniformBranchProbability(2, 0.01)).toBeCloseTo(0.02, 15);
  });

  it("lowers the floor for many arms: K = 24, f = 0.01 → branch weight 0.1, floor 0.1/24 per arm", () => {
    expect(effectiveFloor(24, 0.01)).toBeCloseTo(0.1 / 24, 15);
    expect(uniformBranchProbability(24, 0.01)).toBeCloseTo(0.1, 15);
  });

  it("K = 100, f = 0.01 → branch weight 0.1, floor 0.001 per arm (no longer uniform play)", () => {
    expect(effectiveFloor(100, 0.01)).toBeCloseTo(0.001, 15);
    expect(uniformBranchProbability(100, 0.01)).toBeCloseTo(0.1, 15);
    // A point mass keeps 0.9 + 0.001 rather than being flattened to 1/100.
    const p = withPropensityFloor([1, ...Array<number>(99).fill(0)], 0.01);
    expect(p[0]).toBeCloseTo(0.901, 15);
    for (const v of p.slice(1)) expect(v).toBeCloseTo(0.001, 15);
  });

  it("logs a distribution that sums to 1 with every p ≥ the effective floor", () => {
    const rng = seededRng("floor-cap");
    for (const k of [2, 3, 4, 10, 24, 64, 100]) {
      for (const f of [0, 0.001, 0.01, 0.05, 0.5]) {
        const raw = Array.from({ length: k }, () => rng() ** 4);
        const total = raw.reduce((s, v) => s + v, 0);
        const p = withPropensityFloor(raw.map((v) => v / total), f);
        expect(Math.abs(p.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
        const floor = effectiveFloor(k, f);
        expect(floor).toBeLessThanOrEqual(f);
        expect(k * floor).toBeLessThanOrEqual(MAX_FLOOR_MASS + 1e-15);
        for (const v of p) expect(v).toBeGreaterThanOrEqual(floor - 1e-15);
      }
    }
  });
});

describe("drawUniformBranch", () => {
  it("takes the branch with probability K·f (capped at MAX_FLOOR_MASS), then picks uniformly", () => {
    const rng = seededRng("floor");
    const n = 200_000;
    const counts = [0, 0, 0, 0];
    let taken = 0;
    for (let i = 0; i < n; i++) {
      // K·f = 0.2 configured; the cap makes the branch weight 0.1.
      const pick = drawUniformBranch(4, 0.05, rng);
      if (pick === undefined) continue;
      taken++;
      counts[pick]!++;
    }
    expectShare(taken, n, 0.1);
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
