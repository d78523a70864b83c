import { describe, expect, it } from "vitest";
import { epsilonAt, mostUncertainArm, posteriorVariance } from "../../../../src/decisions/policies/uncertainty-epsilon";
import { DAY, NOON } from "./policy-fixtures";

describe("epsilonAt (geometric from 0.20 to 0.05 over 14 days by default)", () => {
  it.each([
    [0, 0.2],
    [3.5, 0.2 * 0.25 ** 0.25],
    [7, 0.1],
    [14, 0.05],
    [30, 0.05],
  ])("day %s → %s", (day, want) => {
    expect(epsilonAt(NOON + day * DAY, NOON, {})).toBeCloseTo(want, 12);
  });

  it("is the start value before the policy starts and 0 when disabled", () => {
    expect(epsilonAt(NOON - DAY, NOON, {})).toBeCloseTo(0.2, 12);
    expect(epsilonAt(NOON, NOON, { epsilon: { enabled: false, start: 0.2, end: 0.05, decayDays: 14 } })).toBe(0);
  });

  it("follows a configured schedule, and is linear when an end is 0", () => {
    const params = { epsilon: { enabled: true, start: 0.4, end: 0.1, decayDays: 10 } };
    expect(epsilonAt(NOON + 5 * DAY, NOON, params)).toBeCloseTo(0.2, 12);
    expect(epsilonAt(NOON + 10 * DAY, NOON, params)).toBe(0.1);
    const toZero = { epsilon: { enabled: true, start: 0.2, end: 0, decayDays: 10 } };
    expect(epsilonAt(NOON + 5 * DAY, NOON, toZero)).toBeCloseTo(0.1, 12);
    expect(epsilonAt(NOON + 10 * DAY, NOON, toZero)).toBe(0);
    const immediate = { epsilon: { enabled: true, start: 0.2, end: 0.05, decayDays: 0 } };
    expect(epsilonAt(NOON, NOON, immediate)).toBe(0.05);
  });

  it("rejects impossible schedules", () => {
    expect(() => epsilonAt(NOON, NOON, { epsilon: { enabled: true, start: 1.5, end: 0.1, decayDays: 3 } })).toThrow(RangeError);
    expect(() => epsilonAt(NOON, NOON, { epsilon: { enabled: true, start: 0.2, end: 0.1, decayDays: -1 } })).toThrow(RangeError);
  });
});

describe("mostUncertainArm", () => {
  it("takes the largest posterior variance ab/((a+b)²(a+b+1))", () => {
    expect(posteriorVariance({ alpha: 1, beta: 1 })).toBeCloseTo(1 / 12, 15);
    expect(mostUncertainArm([{ alpha: 50, beta: 50 }, { alpha: 2, beta: 8 }, { alpha: 3, beta: 3 }])).toBe(2);
  });

  it("breaks ties by order", () => {
    expect(mostUncertainArm([{ alpha: 5, beta: 5 }, { alpha: 1, beta: 1 }, { alpha: 1, beta: 1 }])).toBe(1);
  });
});
