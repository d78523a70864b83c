// The pending events as a plain array: bounded appends, removal by id, and beacon-sized chunks. Pure.

/** An event as the SDK sends it: the fields of POST /v1/events (docs/ingestion.md §2). */
export interface QueuedEvent {
  event_id: string;
  event_name: string;
  occurred_at: string;
  user_id?: string;
  client_session_id?: string;
  decision_id?: string;
  policy_id?: string;
  src?: string;
  context?: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

/** Appends `event`, dropping the oldest events beyond `max` (the newest tell more about the session that is still on). */
export function pushBounded(queue: QueuedEvent[], event: QueuedEvent, max: number): { queue: QueuedEvent[]; dropped: QueuedEvent[] } {
  const next = [...queue, event];
  const over = Math.max(0, next.length - Math.max(1, max));
  return { queue: next.slice(over), dropped: next.slice(0, over) };
}

/** The queue without the events whose ids are in `ids`. */
export function withoutIds(queue: QueuedEvent[], ids: Iterable<string>): QueuedEvent[] {
  const gone = new Set(ids);
  return queue.filter((e) => !gone.has(e.event_id));
}

/**
 * Splits events into request bodies of at most `maxCount` events and about `maxBytes` of JSON each (one oversized
 * event still travels alone): sendBeacon and keepalive fetches share a 64 KiB in-flight budget per page.
 */
export function chunk(events: QueuedEvent[], maxCount: number, maxBytes: number): QueuedEvent[][] {
  const chunks: QueuedEvent[][] = [];
  let current: QueuedEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = JSON.stringify(event).length + 1;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
