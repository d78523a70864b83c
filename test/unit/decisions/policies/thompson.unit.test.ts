import { describe, expect, it } from "vitest";
import { effectiveFloor } from "../../../../src/decisions/policies/propensity-floor";
import { thompson } from "../../../../src/decisions/policies/thompson";
import { probabilityOfBeingBest } from "../../../../src/stats/argmax-probability";
import { seededRng } from "../../../../src/stats/random";
import { arm, DAY, expectShare, expectValidDecision, input, NOON, scriptedRng, statsOf, tally } from "./policy-fixtures";

describe("thompson: logged propensities are the sampling probabilities", () => {
  // 20k seeded decisions; every action's share and each branch's share must sit within 4 standard errors of what
  // the decisions log. This exercises the floor, ε and posterior-draw branches together.
  const N = 20_000;

  it("K = 2, day 3 of the ε schedule", () => {
    const rng = seededRng("thompson-k2");
    const stats = statsOf(arm("a", 30, 70), arm("b", 36, 64));
    const now = NOON + 3 * DAY;
    const t = tally(N, () => thompson.decide(input({ stats, now, policyStartedAt: NOON, rng })));
    const p = t.propensities;
    // Sanity: neither arm is near 0 or 1, so the check has power.
    expect(p.a!).toBeGreaterThan(0.1);
    expect(p.b!).toBeGreaterThan(0.1);
    for (const action of ["a", "b"]) expectShare(t.actions[action] ?? 0, N, p[action]!);
    const epsilon = thompson.decide(input({ stats, now, policyStartedAt: NOON, rng })).epsilon;
    expectShare(t.reasons.propensity_floor ?? 0, N, 2 * 0.01);
    expectShare(t.reasons.high_uncertainty ?? 0, N, (1 - 2 * 0.01) * epsilon);
  });

  it("K = 5 with thin and thick arms and a pooled prior, ε at its start", () => {
    const rng = seededRng("thompson-k5");
    const actions = ["v1", "v2", "v3", "v4", "v5"];
    const stats = statsOf(arm("v1", 40, 160), arm("v2", 9, 21), arm("v3", 2, 3), arm("v4", 55, 245));
    const pooled = { v1: { n: 900, successes: 190 }, v3: { n: 40, successes: 12 }, v5: { n: 0, successes: 0 } };
    const t = tally(N, () => thompson.decide(input({ actions, stats, pooled, rng })));
    // The pool must matter here, or the check says nothing about it: v3 (thin, with a pool) moves against the flat prior.
    const flat = thompson.decide(input({ actions, stats, rng })).propensities;
    expect(Math.abs(t.propensities.v3! - flat.v3!)).toBeGreaterThan(0.01);
    for (const action of actions) expectShare(t.actions[action] ?? 0, N, t.propensities[action]!);
    expectShare(t.reasons.propensity_floor ?? 0, N, 5 * 0.01);
    expectShare(t.reasons.high_uncertainty ?? 0, N, (1 - 5 * 0.01) * 0.2);
  });
});

describe("thompson: the distribution", () => {
  it("is (1−Kf)·[(1−ε)·P_TS + ε·1{most uncertain}] + f, sums to 1 and keeps every arm ≥ the floor", () => {
    const stats = statsOf(arm("a", 300, 700), arm("b", 310, 690), arm("c", 1, 2));
    const d = thompson.decide(input({ actions: ["a", "b", "c"], stats, rng: seededRng(1) }));
    expectValidDecision(d, ["a", "b", "c"], 0.01);
    const pts = probabilityOfBeingBest([
      { alpha: 301, beta: 701 },
      { alpha: 311, beta: 691 },
      { alpha: 2, beta: 3 },
    ]);
    const expected = pts.map((p, i) => 0.01 + 0.97 * (0.8 * p + (i === 2 ? 0.2 : 0)));
    expect(d.propensities.a).toBeCloseTo(expected[0]!, 12);
    expect(d.propensities.b).toBeCloseTo(expected[1]!, 12);
    expect(d.propensities.c).toBeCloseTo(expected[2]!, 12);
    expect(d.epsilon).toBe(0.2);
  });

  it("follows the configured floor, and caps its mass at MAX_FLOOR_MASS when K·f would exceed it", () => {
    const stats = statsOf(arm("a", 900, 100), arm("b", 100, 900));
    const floor5 = thompson.decide(input({ stats, params: { propensityFloor: 0.05 }, rng: seededRng(2) }));
    expectValidDecision(floor5, ["a", "b"], 0.05);
    expect(floor5.propensities.b).toBeCloseTo(0.05, 12);
    // f = 0.5 on two arms (K·f = 1) used to mean uniform play; the effective floor is 0.1/2 = 0.05.
    const capped = thompson.decide(input({ stats, params: { propensityFloor: 0.5 }, rng: seededRng(3) }));
    expectValidDecision(capped, ["a", "b"], effectiveFloor(2, 0.5));
    expect(capped.propensities.a).toBeCloseTo(0.95, 12);
    expect(capped.propensities.b).toBeCloseTo(0.05, 12);
    // The floor branch still exists, at weight 0.1: u = 0.099 takes it (→ index ⌊0.99·2⌋ = 1), u = 0.1 does not.
    const params = { propensityFloor: 0.5 };
    expect(thompson.decide(input({ stats, params, rng: scriptedRng(0.099) }))).toMatchObject({ action: "b", explored: true, reason: "propensity_floor" });
    expect(thompson.decide(input({ stats, params, rng: scriptedRng(0.1, 0.1) })).reason).toBe("high_uncertainty");
  });

  it("without ε and floor is plain Thompson sampling: explored is false and the propensity is P_TS", () => {
    const stats = statsOf(arm("a", 10, 30), arm("b", 12, 28));
    const params = { epsilon: { enabled: false, start: 0.2, end: 0.05, decayDays: 14 }, propensityFloor: 0 };
    const d = thompson.decide(input({ stats, params, rng: seededRng(4) }));
    const [pa, pb] = probabilityOfBeingBest([{ alpha: 11, beta: 31 }, { alpha: 13, beta: 29 }]);
    expect(d.propensities).toEqual({ a: pa, b: pb });
    expect(d.epsilon).toBe(0);
    expect(d.explored).toBe(false);
  });

  it("draws an empty bucket's prior from the pool: the propensities are those of the pooled posteriors, not the flat prior's", () => {
    // No own outcomes; the decision type's other buckets say a converts 80%, b 20%.
    const pooled = { a: { n: 1000, successes: 800 }, b: { n: 1000, successes: 200 } };
    const params = { epsilon: { enabled: false, start: 0, end: 0, decayDays: 1 }, propensityFloor: 0 };
    const flat = thompson.decide(input({ params, rng: seededRng(5) }));
    expect(flat.propensities.a).toBeCloseTo(0.5, 9);
    const d = thompson.decide(input({ pooled, params, rng: seededRng(5) }));
    // Prior Beta(1 + 10·m, 1 + 10·(1 − m)) with m = (s + 1)/(n + 2), written out here rather than taken from priorFor.
    const prior = (s: number, n: number) => ({ alpha: 1 + (10 * (s + 1)) / (n + 2), beta: 1 + 10 * (1 - (s + 1) / (n + 2)) });
    const [pa, pb] = probabilityOfBeingBest([prior(800, 1000), prior(200, 1000)]);
    expect(d.propensities.a).toBeCloseTo(pa!, 12);
    expect(d.propensities.b).toBeCloseTo(pb!, 12);
    expect(d.propensities.a).toBeGreaterThan(0.9);
  });

  it("gives a single action propensity 1 without drawing", () => {
    const d = thompson.decide(input({ actions: ["only"], rng: scriptedRng() }));
    expect(d).toMatchObject({ action: "only", propensity: 1, propensities: { only: 1 }, explored: false });
  });
});

describe("thompson: the branches", () => {
  // Draw order: 1) floor branch (u < K·f), 2) ε branch (u < ε), 3) one Beta draw per arm.
  const stats = statsOf(arm("sure", 500, 500), arm("thin", 1, 1), arm("thinner", 0, 1));

  it("the ε branch takes the arm with the largest posterior variance and logs high_uncertainty", () => {
    // Posteriors Beta(501,501), Beta(2,2), Beta(1,2): variances 0.00025, 0.05, 0.0556 → "thinner".
    const d = thompson.decide(input({ actions: ["sure", "thin", "thinner"], stats, rng: scriptedRng(0.5, 0.1) }));
    expect(d).toMatchObject({ action: "thinner", explored: true, reason: "high_uncertainty", epsilon: 0.2 });
  });

  it("the ε branch breaks variance ties by action order", () => {
    const tie = statsOf(arm("x", 3, 3), arm("y", 3, 3), arm("z", 300, 300));
    const d = thompson.decide(input({ actions: ["z", "y", "x"], stats: tie, rng: scriptedRng(0.5, 0) }));
    expect(d.action).toBe("y");
  });

  it("the floor branch picks uniformly by its own draw and logs propensity_floor", () => {
    const actions = ["sure", "thin", "thinner"];
    // K·f = 0.03: u ∈ [0, 0.01) → first arm, [0.01, 0.02) → second, [0.02, 0.03) → third.
    expect(thompson.decide(input({ actions, stats, rng: scriptedRng(0.015) }))).toMatchObject({
      action: "thin",
      explored: true,
      reason: "propensity_floor",
    });
    expect(thompson.decide(input({ actions, stats, rng: scriptedRng(0.029) })).action).toBe("thinner");
  });

  it("past both branches, it draws from the posteriors and the largest draw wins", () => {
    const lopsided = statsOf(arm("good", 900, 100), arm("bad", 100, 900));
    const rng = seededRng("exploit");
    for (let i = 0; i < 50; i++) {
      const d = thompson.decide(input({ actions: ["good", "bad"], stats: lopsided, params: { epsilon: { enabled: false, start: 0, end: 0, decayDays: 0 } }, rng }));
      if (!d.explored) expect(d.action).toBe("good");
    }
  });

  it("ε decays with the policy's age", () => {
    const at = (days: number) => thompson.decide(input({ stats, actions: ["sure", "thin"], now: NOON + days * DAY, rng: seededRng(days) })).epsilon;
    expect(at(0)).toBeCloseTo(0.2, 12);
    expect(at(7)).toBeCloseTo(0.1, 12);
    expect(at(14)).toBeCloseTo(0.05, 12);
    expect(at(30)).toBeCloseTo(0.05, 12);
  });
});
