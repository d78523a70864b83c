// The isolate's side of a rate limit: exact within one isolate, converging across isolates through flushes.
import { describe, expect, it } from "vitest";
import { applyFlush, countLocally, emptyCounter, FLUSH_INTERVAL_MS, type CounterState } from "../../../src/http/rate-counter";
import { addHits } from "../../../src/http/rate-limiter-do";

const WINDOW = 60_000;
const START = 1_700_000_040_000; // a multiple of 60,000

describe("countLocally in one isolate", () => {
  it("counts down exactly and refuses at the limit, without counting refused hits", () => {
    let state = emptyCounter();
    const answers: Array<[boolean, number]> = [];
    for (let i = 0; i < 5; i++) {
      const r = countLocally(state, START + i, 3, WINDOW);
      state = r.next;
      answers.push([r.decision.allowed, r.decision.remaining]);
    }
    expect(answers).toEqual([[true, 2], [true, 1], [true, 0], [false, 0], [false, 0]]);
    expect(state.unflushed).toBe(3);
  });

  it("puts resetAt at the window's end and starts again in the next window", () => {
    const first = countLocally(emptyCounter(), START + WINDOW - 1, 1, WINDOW);
    expect(first.decision).toEqual({ allowed: true, limit: 1, remaining: 0, resetAt: START + WINDOW });
    expect(countLocally(first.next, START + WINDOW - 1, 1, WINDOW).decision.allowed).toBe(false);
    const next = countLocally(first.next, START + WINDOW, 1, WINDOW);
    expect(next.decision).toEqual({ allowed: true, limit: 1, remaining: 0, resetAt: START + 2 * WINDOW });
  });

  it("refuses everything with a limit of 0", () => {
    expect(countLocally(emptyCounter(), START, 0, WINDOW).decision).toEqual({ allowed: false, limit: 0, remaining: 0, resetAt: START + WINDOW });
  });

  it("asks for a flush at most once a second far from the limit, and on every hit near it", () => {
    let state = emptyCounter();
    const flushesAt: number[] = [];
    for (let t = 0; t < 3000; t += 100) {
      const r = countLocally(state, START + t, 1000, WINDOW);
      state = r.next;
      if (r.flush) {
        flushesAt.push(t);
        state = applyFlush(state, state.windowStart, state.unflushed, state.knownTotal + state.unflushed);
      }
    }
    expect(flushesAt).toEqual([0, 1000, 2000]);

    // Within a tenth of the limit, every counted hit is sent as soon as the previous flush returned.
    let near: CounterState = { ...emptyCounter(), windowStart: START, knownTotal: 95 };
    let flushes = 0;
    for (let i = 0; i < 5; i++) {
      const r = countLocally(near, START + 1, 100, WINDOW);
      near = r.next;
      if (r.flush) {
        flushes++;
        near = applyFlush(near, START, near.unflushed, near.knownTotal + near.unflushed);
      }
    }
    expect(flushes).toBe(5);
    expect(near.knownTotal).toBe(100);
  });

  it("never has two flushes of one subject in flight", () => {
    const a = countLocally(emptyCounter(), START, 1000, WINDOW);
    expect(a.flush).toBe(true);
    const b = countLocally(a.next, START + 2 * FLUSH_INTERVAL_MS, 1000, WINDOW);
    expect(b.flush).toBe(false);
    expect(b.next.unflushed).toBe(2);
  });
});

describe("applyFlush", () => {
  it("takes the object's total, which includes what was sent, and keeps what was counted meanwhile", () => {
    const state: CounterState = { windowStart: START, knownTotal: 10, unflushed: 7, lastFlushAt: START, flushing: true };
    expect(applyFlush(state, START, 5, 40)).toEqual({ windowStart: START, knownTotal: 40, unflushed: 2, lastFlushAt: START, flushing: false });
  });

  it("keeps the local count when the object could not be reached, and ignores a flush from an old window", () => {
    const state: CounterState = { windowStart: START, knownTotal: 10, unflushed: 7, lastFlushAt: START, flushing: true };
    expect(applyFlush(state, START, 5, null)).toMatchObject({ knownTotal: 10, unflushed: 7, flushing: false });
    expect(applyFlush(state, START - WINDOW, 5, 99)).toMatchObject({ knownTotal: 10, unflushed: 7, flushing: false });
  });
});

describe("two isolates sharing one subject", () => {
  it("lose no hit, converge on the shared total, and overshoot the limit by at most one flush interval's hits", () => {
    let object = { windowStart: 0, count: 0 };
    const isolates = [emptyCounter(), emptyCounter()];
    const send = (i: number) => {
      const s = isolates[i]!;
      const { next, total } = addHits(object, s.windowStart, s.unflushed);
      object = next;
      isolates[i] = applyFlush(s, s.windowStart, s.unflushed, total);
    };
    // Each isolate takes a hit every 100 ms (10 a second), alternating, against a shared limit of 50 a minute.
    let allowed = 0;
    for (let t = 0; t < 10_000; t += 50) {
      const i = (t / 50) % 2;
      const r = countLocally(isolates[i]!, START + t, 50, WINDOW);
      isolates[i] = r.next;
      if (r.decision.allowed) allowed++;
      if (r.flush) send(i);
    }
    send(0);
    send(1);
    // Every allowed hit reached the object; both isolates now know the total.
    expect(object.count).toBe(allowed);
    expect(isolates.map((s) => s.knownTotal)).toEqual([allowed, allowed]);
    // Neither isolate stops alone at 50: the limit binds on the sum. Before it learns, the other isolate can
    // have counted at most one flush interval of its own hits (10).
    expect(allowed).toBeGreaterThanOrEqual(50);
    expect(allowed).toBeLessThanOrEqual(50 + 10);
  });
});
