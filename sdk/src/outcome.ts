// What an ingest answer means for each event of the batch: delivered, to be retried, or dropped with a reason. Pure.
import type { QueuedEvent } from "./queue";

export interface Rejection {
  code: string;
  message: string;
  event: QueuedEvent;
}

export interface Outcome {
  /** Events to send again later (the server could not take them now). */
  retry: QueuedEvent[];
  /** Events the server refused for good: sending them again would be refused again. */
  dropped: Rejection[];
}

type Body = {
  rejected?: { index: number; code: string; message: string }[];
  error?: { code?: string; message?: string; details?: { rejected?: { index: number; code: string; message: string }[] } };
};

/** 429, 5xx and timeouts are the server's momentary state; other 4xx are about the request and will not change. */
export const retryableStatus = (status: number): boolean => status === 408 || status === 425 || status === 429 || status >= 500;

/**
 * Reads POST /v1/events' answer for `batch`: a 2xx lists per-event rejections by index, where `queue_unavailable`
 * is the one to retry (docs/ingestion.md §6); a whole-request 4xx drops every event with its code, or per event
 * when it lists them (`no_valid_events`).
 */
export function outcomeOf(status: number, body: unknown, batch: QueuedEvent[]): Outcome {
  if (retryableStatus(status)) return { retry: batch, dropped: [] };
  const b = (body && typeof body === "object" ? body : {}) as Body;
  const ok = status >= 200 && status < 300;
  const listed = ok ? b.rejected : b.error?.details?.rejected;
  const outcome: Outcome = { retry: [], dropped: [] };
  if (!ok && !Array.isArray(listed)) {
    const code = b.error?.code ?? `http_${status}`;
    const message = b.error?.message ?? `The server answered ${status}`;
    outcome.dropped = batch.map((event) => ({ code, message, event }));
    return outcome;
  }
  for (const r of Array.isArray(listed) ? listed : []) {
    const event = batch[r.index];
    if (!event) continue;
    if (r.code === "queue_unavailable") outcome.retry.push(event);
    else outcome.dropped.push({ code: r.code, message: r.message, event });
  }
  return outcome;
}
