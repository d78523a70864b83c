import { describe, expect, it } from "vitest";
import { countHit } from "../../../src/http/rate-limiter-do";

const WINDOW = 60_000;
const START = 1_700_000_040_000; // a multiple of 60,000

describe("countHit", () => {
  it("allows the first hit of a window and leaves limit − 1", () => {
    expect(countHit({ windowStart: 0, count: 0 }, START + 12_345, 3, WINDOW)).toEqual({
      next: { windowStart: START, count: 1 },
      decision: { allowed: true, limit: 3, remaining: 2, resetAt: START + WINDOW },
    });
  });

  it("counts down within the window and refuses once the limit is reached", () => {
    let state = { windowStart: 0, count: 0 };
    const answers: Array<[boolean, number]> = [];
    for (let i = 0; i < 5; i++) {
      const { next, decision } = countHit(state, START + i * 1000, 3, WINDOW);
      state = next;
      answers.push([decision.allowed, decision.remaining]);
    }
    expect(answers).toEqual([[true, 2], [true, 1], [true, 0], [false, 0], [false, 0]]);
    expect(state).toEqual({ windowStart: START, count: 3 });
  });

  it("does not count refused hits", () => {
    const { next, decision } = countHit({ windowStart: START, count: 3 }, START + 1, 3, WINDOW);
    expect(next).toEqual({ windowStart: START, count: 3 });
    expect(decision).toEqual({ allowed: false, limit: 3, remaining: 0, resetAt: START + WINDOW });
  });

  it("resets in a new window", () => {
    const { next, decision } = countHit({ windowStart: START, count: 3 }, START + WINDOW, 3, WINDOW);
    expect(next).toEqual({ windowStart: START + WINDOW, count: 1 });
    expect(decision).toEqual({ allowed: true, limit: 3, remaining: 2, resetAt: START + 2 * WINDOW });
  });

  it("puts resetAt at window start + window, for any window length", () => {
    expect(countHit({ windowStart: 0, count: 0 }, 10_999, 5, 1000).decision.resetAt).toBe(11_000);
    expect(countHit({ windowStart: 0, count: 0 }, START + WINDOW - 1, 5, WINDOW).decision.resetAt).toBe(START + WINDOW);
  });

  it("refuses everything with a limit of 0", () => {
    expect(countHit({ windowStart: 0, count: 0 }, START, 0, WINDOW).decision).toEqual({ allowed: false, limit: 0, remaining: 0, resetAt: START + WINDOW });
  });
});
