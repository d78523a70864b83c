// The RateLimiter object's sum: each isolate's flushed hits added to the window's total; old windows ignored.
import { describe, expect, it } from "vitest";
import { addHits } from "../../../src/http/rate-limiter-do";

const START = 1_700_000_040_000; // a multiple of 60,000

describe("addHits", () => {
  it("sums hits sent for the current window and answers the total", () => {
    let state = { windowStart: 0, count: 0 };
    const totals: Array<number | null> = [];
    for (const n of [5, 3, 1]) {
      const { next, total } = addHits(state, START, n);
      state = next;
      totals.push(total);
    }
    expect(totals).toEqual([5, 8, 9]);
    expect(state).toEqual({ windowStart: START, count: 9 });
  });

  it("starts a new window from the hits sent for it", () => {
    expect(addHits({ windowStart: START, count: 40 }, START + 60_000, 2)).toEqual({ next: { windowStart: START + 60_000, count: 2 }, total: 2 });
  });

  it("ignores hits that arrive for a window already over", () => {
    expect(addHits({ windowStart: START + 60_000, count: 4 }, START, 7)).toEqual({ next: { windowStart: START + 60_000, count: 4 }, total: null });
  });
});
