// Builders for policy inputs and checks shared by the policy unit tests.
import { expect } from "vitest";
import type { ArmStats, PolicyDecision, PolicyInput } from "../../../../src/decisions/policies/policy";
import type { Rng } from "../../../../src/stats/random";

export const DAY = 86_400_000;
/** 2025-03-10T12:00:00Z: a fixed "now" so tests do not depend on the clock. */
export const NOON = Date.UTC(2025, 2, 10, 12);

/** ArmStats for Bernoulli outcomes: rewardSum = successes. */
export function arm(action: string, successes: number, failures: number): ArmStats {
  return { action, n: successes + failures, successes, failures, rewardSum: successes };
}

export function statsOf(...arms: ArmStats[]): Record<string, ArmStats> {
  return Object.fromEntries(arms.map((a) => [a.action, a]));
}

export function input(overrides: Partial<PolicyInput> & { rng: Rng }): PolicyInput {
  return {
    actions: ["a", "b"],
    stats: {},
    params: {},
    unitId: "unit-1",
    bucket: "post_type=reel",
    now: NOON,
    policyStartedAt: NOON,
    ...overrides,
  };
}

/** An Rng that returns the given values in order and fails the test if asked for more. */
export function scriptedRng(...values: number[]): Rng {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error(`scriptedRng: asked for draw ${i + 1}, only ${values.length} scripted`);
    return values[i++]!;
  };
}

/** An Rng a policy must not touch. */
export const forbiddenRng: Rng = () => {
  throw new Error("this policy must not use randomness");
};

/** The invariants of every decision: a distribution over exactly the actions, summing to 1, each ≥ floor, and the logged propensity is the chosen action's. */
export function expectValidDecision(d: PolicyDecision, actions: readonly string[], floor: number): void {
  expect(Object.keys(d.propensities).sort()).toEqual([...actions].sort());
  const values = Object.values(d.propensities);
  expect(Math.abs(values.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-9);
  for (const v of values) expect(v).toBeGreaterThanOrEqual(floor - 1e-15);
  expect(actions).toContain(d.action);
  expect(d.propensity).toBe(d.propensities[d.action]);
  expect(d.explored).toBe(d.reason !== undefined);
}

/** Counts of chosen actions and of each reason over n decisions. */
export function tally(n: number, decide: (i: number) => PolicyDecision) {
  const actions: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  let first: PolicyDecision | undefined;
  for (let i = 0; i < n; i++) {
    const d = decide(i);
    first ??= d;
    expect(d.propensities).toEqual(first.propensities);
    actions[d.action] = (actions[d.action] ?? 0) + 1;
    const reason = d.reason ?? "exploit";
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  return { actions, reasons, propensities: first!.propensities };
}

/** |observed share − p| within `sds` standard errors of a share, √(p(1−p)/n). */
export function expectShare(count: number, n: number, p: number, sds = 4): void {
  const se = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(count / n - p)).toBeLessThanOrEqual(sds * se + 1e-12);
}
