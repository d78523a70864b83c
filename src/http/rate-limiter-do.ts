// RateLimiter: one Durable Object per limited subject (a key, an IP), summing what the isolates counted per window.
import { DurableObject } from "cloudflare:workers";

/** Pure: the window's total after adding `n` hits counted in `windowStart`; an older window's hits are ignored. */
export function addHits(state: { windowStart: number; count: number }, windowStart: number, n: number) {
  if (windowStart < state.windowStart) return { next: state, total: null };
  const count = windowStart === state.windowStart ? state.count + n : n;
  return { next: { windowStart, count }, total: count };
}

/**
 * Isolates count requests themselves and send their counts here at most about once a second (src/http/rate-counter.ts),
 * so a subject's object sees one call per isolate per second, not one per request, and no request waits for it.
 * Counts live in memory: losing them on eviction only forgives part of one minute.
 */
export class RateLimiter extends DurableObject {
  private state = { windowStart: 0, count: 0 };

  /** Adds an isolate's hits to the window's total and answers the total (null for a window already over). */
  add(windowStart: number, n: number): number | null {
    const { next, total } = addHits(this.state, windowStart, n);
    this.state = next;
    return total;
  }
}
