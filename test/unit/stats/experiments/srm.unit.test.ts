// srmPValue against gbstats 0.8.0's check_srm, and its own edges (formulas §7).
import { describe, expect, it } from "vitest";
import { srmPValue } from "../../../../src/stats/experiments";

// Inputs and p-values copied from the gbstats 0.8.0 test vectors (growthbook/growthbook@c6b15529f6); to 1e-6 absolute.
const CASES = [
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case srm_5000_5000
  { id: "srm_5000_5000", users: [5000, 5000], weights: [0.5, 0.5], p_value: 1.0 },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case srm_3400_3300_3300
  { id: "srm_3400_3300_3300", users: [3400, 3300, 3300], weights: [0.3333333333333333, 0.3333333333333333, 0.3333333333333333], p_value: 0.36787944117144245 },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case srm_3500_3300_3200
  { id: "srm_3500_3300_3200", users: [3500, 3300, 3200], weights: [0.3333333333333333, 0.3333333333333333, 0.3333333333333333], p_value: 0.0009118819655545164 },
];

describe("srmPValue reproduces gbstats 0.8.0 check_srm", () => {
  it.each(CASES.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    expect(Math.abs(srmPValue(c.users, c.weights) - c.p_value)).toBeLessThanOrEqual(1e-6);
  });
});

describe("srmPValue edges", () => {
  it("a zero-weight arm is left out of χ² but still counts in the degrees of freedom, as gbstats does", () => {
    // A switched-off third arm with no units: χ² over the two weighted arms is 2·(5100 − 5000)²/5000 = 4 and df = 2,
    // so p = e^-2 = 0.135, not the df = 1 value 0.0455.
    expect(srmPValue([5100, 4900, 0], [0.5, 0.5, 0])).toBeCloseTo(Math.exp(-2), 12);
  });

  it("uneven planned weights: 2000/8000 on 20/80 is no mismatch, 2200/7800 is", () => {
    expect(srmPValue([2000, 8000], [0.2, 0.8])).toBe(1);
    expect(srmPValue([2200, 7800], [0.2, 0.8])).toBeLessThan(1e-6);
  });

  it("no units at all gives 1; a weight per arm and two arms are required", () => {
    expect(srmPValue([0, 0], [0.5, 0.5])).toBe(1);
    expect(() => srmPValue([10, 10], [1])).toThrow(RangeError);
    expect(() => srmPValue([10], [1])).toThrow(RangeError);
  });
});
