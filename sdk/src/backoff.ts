// Retry timing: exponential backoff with jitter, never sooner than the server's Retry-After.

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (value.trim() !== "" && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `attempt` (0 for the first retry): base·2^attempt capped at `cap`, jittered into its
 * upper half ("equal jitter", so clients that failed together spread out but none retries at once), and at least
 * what the server asked for (up to MAX_RETRY_AFTER_MS). `random` is a number in [0, 1) so the caller (and a test) chooses the source.
 */
export function retryDelay(attempt: number, random: number, retryAfterMs?: number, base = 1000, cap = 300_000): number {
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  return Math.min(Math.max(Math.round(ceiling / 2 + (random * ceiling) / 2), retryAfterMs ?? 0), MAX_RETRY_AFTER_MS);
}

/**
 * The longest Retry-After honoured. setTimeout fires at once for a delay past 2^31−1 ms (~24.8 days), so an unbounded
 * "Retry-After: 99999999" turned into a retry storm; an hour is also longer than any edgeloop refusal lasts.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;
