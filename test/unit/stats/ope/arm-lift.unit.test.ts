import { describe, expect, it } from "vitest";
import { armLifts, type LoggedRound } from "../../../../src/stats/ope/arm-lift";

// Five rounds, two buckets, arms A (control) and B, computed by hand:
//   cell means q̂: (g1,A) = (1+0)/2 = 0.5, (g1,B) = 0, (g2,A) = 0, (g2,B) = 1
//   DR terms for A, q̂(x,A) + 1[a=A]/p·(r − q̂(x,a)): 0.5+2·0.5 = 1.5, 0.5, 0.5+2·(−0.5) = −0.5, 0, 0+5·0 = 0 → 0.3
//   DR terms for B: 0, 0+2·0 = 0, 0, 1+1.25·0 = 1, 1 → 0.4
//   lift B − A: per-round differences −1.5, −0.5, 0.5, 1, 1 → 0.1; sample sd 1.0839741694 (Σ(d−0.1)² = 4.7, /4);
//   95 %: 0.1 ± 1.96·1.0839741694/√5 = 0.1 ± 0.9501452521; relative 0.4/0.3 − 1 = 1/3
//   ESS of A's weights (2, 0, 2, 0, 5): 9²/33 = 2.4545…
// The naive per-arm means (A 1/3, B 1/2) differ: the logging policy gave B to g2, where rewards are higher.
const rounds: LoggedRound[] = [
  { group: "g1", action: "A", propensity: 0.5, reward: 1 },
  { group: "g1", action: "B", propensity: 0.5, reward: 0 },
  { group: "g1", action: "A", propensity: 0.5, reward: 0 },
  { group: "g2", action: "B", propensity: 0.8, reward: 1 },
  { group: "g2", action: "A", propensity: 0.2, reward: 0 },
];

describe("armLifts (doubly robust value per arm and lift over the control)", () => {
  it("matches the hand computation", () => {
    const r = armLifts(rounds, ["A", "B"], "A");
    const [a, b] = r.values;
    expect(a!.value).toBeCloseTo(0.3, 12);
    expect(b!.value).toBeCloseTo(0.4, 12);
    expect(a!.chosen).toBe(3);
    expect(a!.ess).toBeCloseTo(81 / 33, 12);
    expect(a!.lower).toBeCloseTo(-0.36466833834627616, 10);
    expect(a!.upper).toBeCloseTo(0.9646683383462762, 10);
    const lift = r.lifts[0]!;
    expect(lift.arm).toBe("B");
    expect(lift.absolute.value).toBeCloseTo(0.1, 12);
    expect(lift.absolute.lower).toBeCloseTo(-0.8501452520536004, 10);
    expect(lift.absolute.upper).toBeCloseTo(1.0501452520536003, 10);
    expect(lift.relative).toBeCloseTo(1 / 3, 12);
    expect(a!.warnings.map((w) => w.code)).toContain("few_rounds");
  });

  it("equals the plain per-arm mean under a uniform split with one bucket (weights 2, model = arm means)", () => {
    const uniform: LoggedRound[] = [1, 0, 1, 1, 0, 0, 1, 0].map((reward, i) => ({ group: "g", action: i % 2 ? "B" : "A", propensity: 0.5, reward }));
    const r = armLifts(uniform, ["A", "B"], "A");
    expect(r.values[0]!.value).toBeCloseTo((1 + 1 + 0 + 1) / 4, 12);
    expect(r.values[1]!.value).toBeCloseTo((0 + 1 + 0 + 0) / 4, 12);
  });

  it("refuses a control that is not an arm, and a propensity outside (0, 1]", () => {
    expect(() => armLifts(rounds, ["A", "B"], "C")).toThrow(RangeError);
    expect(() => armLifts([{ group: "g", action: "A", propensity: 0, reward: 1 }], ["A"], "A")).toThrow(RangeError);
  });
});
