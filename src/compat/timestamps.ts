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

function instant(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
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
 * "invalid" when a timestamp is present but unreadable (the event is rejected, as an invalid occurred_at).
 */
export function correctedTime(times: ClientTimes, receivedAt: number): number | "invalid" {
  const present = (v: unknown) => v !== undefined && v !== null && v !== "";
  if (present(times.timestamp)) {
    const ts = instant(times.timestamp);
    if (ts === null) return "invalid";
    const sent = times.ignoreSentAt ? null : instant(times.sentAt);
    return Math.round(sent === null ? ts : receivedAt - (sent - ts));
  }
  const offset = typeof times.offset === "number" && Number.isFinite(times.offset) && times.offset >= 0 ? times.offset : null;
  return Math.round(offset === null ? receivedAt : receivedAt - offset);
}
