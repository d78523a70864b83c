import { describe, expect, it } from "vitest";
import { decideWith, policyFor } from "../../../../src/decisions/policies";
import type { PolicyKind } from "../../../../src/decisions/policies/policy";
import { effectiveFloor } from "../../../../src/decisions/policies/propensity-floor";
import { seededRng } from "../../../../src/stats/random";
import { arm, DAY, expectValidDecision, input, NOON, statsOf } from "./policy-fixtures";

const kinds: PolicyKind[] = ["deterministic", "thompson", "ucb1"];

describe("policyFor / decideWith", () => {
  it("returns the policy of each kind and refuses unknown kinds", () => {
    for (const kind of kinds) expect(policyFor(kind).kind).toBe(kind);
    expect(() => policyFor("epsilon_greedy" as PolicyKind)).toThrow(RangeError);
  });

  it("decideWith(kind, input) is policyFor(kind).decide(input)", () => {
    const stats = statsOf(arm("a", 3, 9), arm("b", 5, 5));
    for (const kind of kinds) {
      expect(decideWith(kind, input({ stats, rng: seededRng(kind) }))).toEqual(policyFor(kind).decide(input({ stats, rng: seededRng(kind) })));
    }
  });
});

describe("every policy's distribution", () => {
  it("sums to 1 within 1e-9 and keeps every action ≥ the (effective) floor, across many states", () => {
    const rng = seededRng("distribution");
    const actionsets = [["a", "b"], ["a", "b", "c", "d", "e"], Array.from({ length: 24 }, (_, h) => `h${h}`)];
    for (let trial = 0; trial < 30; trial++) {
      const actions = actionsets[trial % 3]!;
      const stats = statsOf(
        ...actions.filter(() => rng() < 0.8).map((a) => arm(a, Math.floor(rng() * 50), Math.floor(rng() * 500))),
      );
      const floor = [0.01, 0.001, 0.02][trial % 3]!;
      for (const kind of kinds) {
        const d = decideWith(kind, input({ actions, stats, params: { propensityFloor: floor }, now: NOON + trial * DAY, rng }));
        // 24 actions at f = 0.02 exceed the cap on K·f: the floor they keep is 0.1/24.
        expectValidDecision(d, actions, kind === "deterministic" ? 0 : effectiveFloor(actions.length, floor));
      }
    }
  });

  it("refuses empty or duplicate actions and unusable parameters", () => {
    for (const kind of kinds) {
      expect(() => decideWith(kind, input({ actions: [], rng: seededRng(1) }))).toThrow(RangeError);
      expect(() => decideWith(kind, input({ actions: ["a", "a"], rng: seededRng(1) }))).toThrow(RangeError);
    }
    expect(() => decideWith("thompson", input({ params: { propensityFloor: -0.1 }, rng: seededRng(1) }))).toThrow(RangeError);
    expect(() => decideWith("thompson", input({ params: { priorAlpha: 0 }, rng: seededRng(1) }))).toThrow(RangeError);
    expect(() => decideWith("ucb1", input({ params: { ucbExploration: Number.NaN }, rng: seededRng(1) }))).toThrow(RangeError);
  });
});
