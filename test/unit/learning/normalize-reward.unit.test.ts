// normalizeReward: a linear map of the spec's range onto [0, 1], clamped at both ends.
import { describe, expect, it } from "vitest";
import { normalizeReward } from "../../../src/learning/normalize-reward";

describe("normalizeReward", () => {
  it.each([
    [-0.3, 0],
    [1, 1],
    [0, 0.3 / 1.3],
    [0.35, 0.5],
    [0.8, 1.1 / 1.3],
  ])("maps %s in [-0.3, 1] to %s", (raw, expected) => {
    expect(normalizeReward(raw, [-0.3, 1])).toBeCloseTo(expected, 12);
  });

  it("clamps below the range to 0 and above it to 1", () => {
    expect(normalizeReward(-5, [0, 1])).toBe(0);
    expect(normalizeReward(-0.0001, [0, 1])).toBe(0);
    expect(normalizeReward(1.0001, [0, 1])).toBe(1);
    expect(normalizeReward(40, [-0.1, 3])).toBe(1);
    expect(normalizeReward(Number.POSITIVE_INFINITY, [0, 1])).toBe(1);
    expect(normalizeReward(Number.NEGATIVE_INFINITY, [0, 1])).toBe(0);
  });

  it("treats NaN as the worst outcome", () => {
    expect(normalizeReward(Number.NaN, [0, 1])).toBe(0);
  });

  it("rejects an empty or reversed range", () => {
    expect(() => normalizeReward(0, [1, 1])).toThrow(RangeError);
    expect(() => normalizeReward(0, [1, 0])).toThrow(RangeError);
  });
});
