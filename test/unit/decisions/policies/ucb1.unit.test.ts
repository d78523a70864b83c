import { describe, expect, it } from "vitest";
import { effectiveFloor } from "../../../../src/decisions/policies/propensity-floor";
import { ucb1 } from "../../../../src/decisions/policies/ucb1";
import { seededRng } from "../../../../src/stats/random";
import { arm, expectShare, expectValidDecision, input, scriptedRng, statsOf, tally } from "./policy-fixtures";

const hours = Array.from({ length: 24 }, (_, h) => `h${h}`);

describe("ucb1", () => {
  it("tries untried arms first, splitting the propensity among them", () => {
    const stats = statsOf(arm("a", 9, 1), arm("c", 5, 5));
    // Draw order: floor branch (0.5 ≥ K·f = 0.04: not taken), then the tie-break among b and d: 0.75 → d.
    const d = ucb1.decide(input({ actions: ["a", "b", "c", "d"], stats, rng: scriptedRng(0.5, 0.75) }));
    expect(d.action).toBe("d");
    expect(d.explored).toBe(false);
    expectValidDecision(d, ["a", "b", "c", "d"], 0.01);
    expect(d.propensities.a).toBeCloseTo(0.01, 15);
    expect(d.propensities.c).toBeCloseTo(0.01, 15);
    expect(d.propensities.b).toBeCloseTo(0.01 + 0.96 / 2, 15);
    expect(d.propensities.d).toBeCloseTo(0.01 + 0.96 / 2, 15);
  });

  it("with every arm tried, picks the highest mean + sqrt(c·ln N / n)", () => {
    const stats = statsOf(
      { action: "a", n: 100, successes: 60, failures: 40, rewardSum: 60 },
      { action: "b", n: 50, successes: 28, failures: 22, rewardSum: 28 },
      { action: "c", n: 10, successes: 3, failures: 7, rewardSum: 3 },
    );
    const index = (sum: number, n: number, c = 2) => sum / n + Math.sqrt((c * Math.log(160)) / n);
    // a: 0.6 + 0.318 = 0.918; b: 0.56 + 0.450 = 1.010; c: 0.3 + 1.007 = 1.307 → c.
    expect(index(3, 10)).toBeGreaterThan(index(28, 50));
    const d = ucb1.decide(input({ actions: ["a", "b", "c"], stats, rng: scriptedRng(0.9) }));
    expect(d.action).toBe("c");
    expect(d.propensity).toBeCloseTo(0.01 + 0.97, 15);
    // A smaller exploration constant favours the mean: c = 0.1 → a: 0.6 + 0.071, b: 0.56 + 0.101, c: 0.3 + 0.225 → a.
    expect(index(60, 100, 0.1)).toBeGreaterThan(index(28, 50, 0.1));
    expect(ucb1.decide(input({ actions: ["a", "b", "c"], stats, params: { ucbExploration: 0.1 }, rng: scriptedRng(0.9) })).action).toBe("a");
  });

  it("uses fractional rewards through rewardSum", () => {
    const stats = statsOf({ action: "a", n: 10, successes: 0, failures: 10, rewardSum: 7.5 }, { action: "b", n: 10, successes: 5, failures: 5, rewardSum: 5 });
    expect(ucb1.decide(input({ stats, rng: scriptedRng(0.9) })).action).toBe("a");
  });

  it("takes the floor branch on a low first draw and logs propensity_floor", () => {
    const stats = statsOf(arm("a", 50, 50), arm("b", 10, 90));
    const d = ucb1.decide(input({ stats, rng: scriptedRng(0.015) }));
    expect(d).toMatchObject({ action: "b", explored: true, reason: "propensity_floor", epsilon: 0 });
    expect(d.propensity).toBeCloseTo(0.01, 15);
  });

  it("samples as it logs: 20k seeded decisions over 24 hours, half of them untried", () => {
    const stats = statsOf(...hours.slice(0, 12).map((h, i) => arm(h, 5 + i, 40)));
    const n = 20_000;
    const rng = seededRng("ucb-hours");
    const t = tally(n, () => ucb1.decide(input({ actions: hours, stats, rng })));
    for (const h of hours) expectShare(t.actions[h] ?? 0, n, t.propensities[h]!);
    // K·f = 24 · 0.01 = 0.24, capped at MAX_FLOOR_MASS = 0.1.
    expectShare(t.reasons.propensity_floor ?? 0, n, 0.1);
  });

  it("caps the floor's mass for many arms and returns a single action with propensity 1", () => {
    // 24 hours, f = 0.05 (K·f = 1.2, formerly uniform play): the effective floor is 0.1/24 and the top hour keeps 0.9 of the mass.
    const byHour = statsOf(...hours.map((h) => arm(h, h === "h9" ? 30 : 10, 30)));
    const d = ucb1.decide(input({ actions: hours, stats: byHour, params: { propensityFloor: 0.05 }, rng: scriptedRng(0.5) }));
    expect(d).toMatchObject({ action: "h9", explored: false });
    expectValidDecision(d, hours, effectiveFloor(24, 0.05));
    expect(d.propensities.h9).toBeCloseTo(0.9 + 0.1 / 24, 15);
    for (const h of hours.filter((x) => x !== "h9")) expect(d.propensities[h]).toBeCloseTo(0.1 / 24, 15);
    // 100 arms at the default f = 0.01 (K·f = 1): floor 0.001 per arm; u = 0.0999 < 0.1 takes the floor branch → arm 99.
    const arms = Array.from({ length: 100 }, (_, i) => `a${i}`);
    const byArm = statsOf(...arms.map((a) => arm(a, a === "a0" ? 30 : 10, 30)));
    const e = ucb1.decide(input({ actions: arms, stats: byArm, rng: scriptedRng(0.0999) }));
    expect(e).toMatchObject({ action: "a99", explored: true, reason: "propensity_floor" });
    expectValidDecision(e, arms, 0.001);
    expect(e.propensity).toBeCloseTo(0.001, 15);
    expect(e.propensities.a0).toBeCloseTo(0.901, 15);
    expect(ucb1.decide(input({ actions: ["x"], rng: scriptedRng() }))).toMatchObject({ action: "x", propensity: 1, explored: false });
  });
});
