import { describe, expect, it } from "vitest";
import { GAUSS_KRONROD_21, kronrodEstimate, nodeAt, nodeCount } from "../../../src/stats/gauss-kronrod";

const integrate = (f: (t: number) => number, t0: number, t1: number) =>
  kronrodEstimate(GAUSS_KRONROD_21, (n) => f(nodeAt(GAUSS_KRONROD_21, n, t0, t1)), t0, t1);

/** The same rule with the Kronrod weights replaced by the Gauss ones: the embedded 10-point rule alone. */
const gaussOnly = { ...GAUSS_KRONROD_21, kronrodWeights: GAUSS_KRONROD_21.gaussWeights };

describe("GAUSS_KRONROD_21", () => {
  it("has 21 nodes, ordered, inside the segment", () => {
    expect(nodeCount(GAUSS_KRONROD_21)).toBe(21);
    const nodes = Array.from({ length: 21 }, (_, n) => nodeAt(GAUSS_KRONROD_21, n, 2, 5));
    for (let n = 1; n < 21; n++) expect(nodes[n]!).toBeGreaterThan(nodes[n - 1]!);
    expect(nodes[0]!).toBeGreaterThan(2);
    expect(nodes[20]!).toBeLessThan(5);
    expect(nodes[10]).toBe(3.5);
  });

  it("integrates x^d on [−1, 1] exactly (2/(d+1) for even d) up to degree 31, and its Gauss part up to 19", () => {
    for (let d = 0; d <= 31; d++) {
      const exact = d % 2 === 0 ? 2 / (d + 1) : 0;
      expect(Math.abs(integrate((t) => t ** d, -1, 1).value - exact)).toBeLessThan(1e-15);
      if (d <= 19) {
        const g = kronrodEstimate(gaussOnly, (n) => nodeAt(gaussOnly, n, -1, 1) ** d, -1, 1).value;
        expect(Math.abs(g - exact)).toBeLessThan(1e-15);
      }
    }
    // Degree 32 is past the Kronrod rule's exactness: a sanity check that the test can fail.
    expect(Math.abs(integrate((t) => t ** 32, -1, 1).value - 2 / 33)).toBeGreaterThan(1e-12);
  });

  it("estimates a small error for a smooth integrand and a large one for a spike the Gauss points miss", () => {
    const smooth = integrate(Math.exp, 0, 1);
    expect(Math.abs(smooth.value - (Math.E - 1))).toBeLessThan(1e-15);
    expect(smooth.error).toBeLessThan(1e-13);
    // Width 0.01 at the centre, a Kronrod-only node; the nearest Gauss nodes are 7 widths away and see nothing.
    const spike = integrate((t) => Math.exp(-0.5 * ((t - 0.5) / 0.01) ** 2), 0, 1);
    expect(spike.error).toBeGreaterThan(0.1 * spike.value);
  });
});
