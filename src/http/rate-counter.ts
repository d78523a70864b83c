// The isolate's side of a rate limit: counts locally, answers at once, and learns the other isolates' counts from
// the subject's RateLimiter object through flushes that never hold a request up. Pure: time and totals come in.

export type RateDecision = { allowed: boolean; limit: number; remaining: number; resetAt: number };

/**
 * One subject's count in one isolate, for one fixed window. `knownTotal` is the subject's count across every isolate
 * as the RateLimiter object last reported it (including what this isolate had sent); `unflushed` is what this isolate
 * counted since. Their sum is the estimate every answer is made from.
 */
export type CounterState = { windowStart: number; knownTotal: number; unflushed: number; lastFlushAt: number; flushing: boolean };

export const FLUSH_INTERVAL_MS = 1000;

export function emptyCounter(): CounterState {
  return { windowStart: 0, knownTotal: 0, unflushed: 0, lastFlushAt: 0, flushing: false };
}

/**
 * Counts one hit. `flush` says whether the caller should now send `unflushed` to the object: at most once a second
 * per subject and isolate, and on every hit once the estimate is within a tenth of the limit, so the isolates agree
 * closely where it matters. A refused hit is not counted (as the object never counted it).
 */
export function countLocally(state: CounterState, now: number, limit: number, windowMs: number) {
  const windowStart = now - (now % windowMs);
  const current = state.windowStart === windowStart ? state : { ...emptyCounter(), lastFlushAt: state.lastFlushAt, flushing: state.flushing, windowStart };
  const estimate = current.knownTotal + current.unflushed;
  const allowed = estimate < limit;
  const next = allowed ? { ...current, unflushed: current.unflushed + 1 } : current;
  const counted = next.knownTotal + next.unflushed;
  const decision: RateDecision = { allowed, limit, remaining: Math.max(0, limit - counted), resetAt: windowStart + windowMs };
  const nearLimit = limit - counted <= Math.max(1, Math.floor(limit / 10));
  const flush = next.unflushed > 0 && !next.flushing && (nearLimit || now - next.lastFlushAt >= FLUSH_INTERVAL_MS);
  return { next: flush ? { ...next, flushing: true, lastFlushAt: now } : next, decision, flush };
}

/** What a flush learned: the object's total for the window it was sent for, after adding the `sent` hits. */
export function applyFlush(state: CounterState, windowStart: number, sent: number, total: number | null): CounterState {
  const done = { ...state, flushing: false };
  if (state.windowStart !== windowStart) return done; // a new window began meanwhile: its count starts from zero
  if (total === null) return done; // the object was unreachable: keep counting locally and send it all next time
  return { ...done, knownTotal: Math.max(state.knownTotal, total), unflushed: Math.max(0, state.unflushed - sent) };
}
