// When an event happened, corrected for the client's clock as Segment and PostHog correct it.

export type ClientTimes = {
  /** The client's time of the call: PostHog `timestamp`; Segment `originalTimestamp`, else `timestamp`. */
  timestamp?: unknown;
  /** The client's time of sending: PostHog `sent_at`, Segment `sentAt` (the event's, else the batch's). */
  sentAt?: unknown;
  /** PostHog's `offset`: milliseconds between the call and sending, for clients that send no timestamp. */
  offset?: unknown;
  /** PostHog's `$ignore_sent_at` property: the timestamp is trusted as it is. */
  ignoreSentAt?: boolean;
};

/** The largest distance from 1970 a Date holds (ECMA-262 §21.4.1.1): past it toISOString throws, a 500. */
const DATE_RANGE_MS = 8.64e15;
const inDateRange = (t: number) => Math.abs(t) <= DATE_RANGE_MS;

function instant(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) && inDateRange(value) ? value : null;
  if (typeof value !== "string" || value.trim() === "") return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/**
 * Both protocols measure the skew between the client's clock and the server's on the same request: the client stamps
 * the batch when it sends it (sentAt), the server notes when it arrives (receivedAt), and each event is moved by the
 * difference — occurred = receivedAt − (sentAt − timestamp). (Segment's docs: "timestamp = receivedAt − (sentAt −
 * originalTimestamp)"; PostHog's ingestion: now + (timestamp − sent_at).) The network delay is counted as skew, which
 * is milliseconds. Without sentAt the timestamp stands; without either, PostHog's offset, else the receive time.
 * A broken sentAt must not move an event where no clock put it: one earlier than the timestamp (a negative wait
 * in the client's queue) would put the event after it arrived, so it is clamped to receivedAt (PostHog also answers
 * an impossible future with "now"); one that would put the event before 1970 is a garbled field, not a queue of
 * decades, so it is ignored and the timestamp stands. "invalid" when a timestamp is present but unreadable or past
 * what a Date holds (the event is rejected, as an invalid occurred_at).
 */
export function correctedTime(times: ClientTimes, receivedAt: number): number | "invalid" {
  const present = (v: unknown) => v !== undefined && v !== null && v !== "";
  if (present(times.timestamp)) {
    const ts = instant(times.timestamp);
    if (ts === null) return "invalid";
    const sent = times.ignoreSentAt ? null : instant(times.sentAt);
    if (sent === null) return Math.round(ts);
    const corrected = receivedAt - Math.max(0, sent - ts);
    return Math.round(corrected < 0 ? ts : corrected);
  }
  const offset = typeof times.offset === "number" && Number.isFinite(times.offset) && times.offset >= 0 && times.offset <= receivedAt ? times.offset : null;
  return Math.round(offset === null ? receivedAt : receivedAt - offset);
}
