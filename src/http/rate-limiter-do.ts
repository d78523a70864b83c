// RateLimiter: one Durable Object per limited subject (a key, an IP), counting requests in fixed one-minute windows.
import { DurableObject } from "cloudflare:workers";

export type RateDecision = { allowed: boolean; limit: number; remaining: number; resetAt: number };

/** Pure: the next window state and the answer for one hit. */
export function countHit(state: { windowStart: number; count: number }, now: number, limit: number, windowMs: number) {
  const windowStart = now - (now % windowMs);
  const count = state.windowStart === windowStart ? state.count : 0;
  const allowed = count < limit;
  const next = { windowStart, count: allowed ? count + 1 : count };
  const decision: RateDecision = { allowed, limit, remaining: Math.max(0, limit - next.count), resetAt: windowStart + windowMs };
  return { next, decision };
}

/**
 * Counts live in memory: a DO is single-threaded, so the count is exact, and losing it on eviction only
 * forgives part of one minute. One object serves ~1,000 requests/s; subjects are spread over many objects.
 */
export class RateLimiter extends DurableObject {
  private state = { windowStart: 0, count: 0 };

  hit(limit: number, windowMs = 60_000): RateDecision {
    const { next, decision } = countHit(this.state, Date.now(), limit, windowMs);
    this.state = next;
    return decision;
  }
}
