// The events queue consumer: validate each message, write the batch to D1, retry what failed, dead-letter what never can.
import { database } from "../db/client";
import type { Env } from "../env";
import { log } from "../http/log";
import { storeDeadLetters } from "./dead-letters";
import { eventRowSchema, type EventRow } from "./event-schema";
import { writeEvents } from "./write-events";

/** Exponential backoff for transient write failures: 5 s, 10 s, 20 s … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

/**
 * The dead-letter queues' backoff while D1 cannot take their write: 30 s doubling to a cap of one hour. With the
 * platform's 100 deliveries (max_retries) that spans 3,810 s of doubling plus 93 hours at the cap: a dead letter
 * survives a D1 outage of almost four days before Queues gives up on it.
 */
export const DEAD_LETTER_RETRY_CAP_SECONDS = 3600;
export function deadLetterRetryDelaySeconds(attempts: number): number {
  return Math.min(DEAD_LETTER_RETRY_CAP_SECONDS, 30 * 2 ** Math.max(0, attempts - 1));
}

export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = database(env.DB);
  const good: Array<{ message: Message<unknown>; row: EventRow }> = [];
  const malformed: Message<unknown>[] = [];
  for (const message of batch.messages) {
    const parsed = eventRowSchema.safeParse(message.body);
    if (parsed.success) good.push({ message, row: parsed.data });
    else malformed.push(message);
  }

  // A body that is not an event row will never be written: retrying it only delays the good ones, so it goes
  // straight to dead_letters. If even that write fails, it is retried and reaches the DLQ through max_retries.
  if (malformed.length > 0) {
    try {
      await storeDeadLetters(
        db,
        malformed.map((m) => ({ queue: batch.queue, messageId: m.id, body: m.body, reason: "invalid_event_row", attempts: m.attempts })),
      );
      malformed.forEach((m) => m.ack());
      log.warn("events_dead_lettered", { queue: batch.queue, count: malformed.length, reason: "invalid_event_row" });
    } catch (err) {
      malformed.forEach((m) => m.retry({ delaySeconds: retryDelaySeconds(m.attempts) }));
      log.error("dead_letter_write_failed", { queue: batch.queue, error: String(err) });
    }
  }

  if (good.length === 0) return;
  try {
    await writeEvents(db, good.map((g) => g.row));
    good.forEach((g) => g.message.ack());
    log.info("events_written", { queue: batch.queue, count: good.length });
    return;
  } catch (err) {
    log.warn("events_batch_write_failed", { queue: batch.queue, count: good.length, error: String(err) });
  }
  // The batch is one transaction, so one bad row fails them all: write one by one to keep the rest moving.
  for (const { message, row } of good) {
    try {
      await writeEvents(db, [row]);
      message.ack();
    } catch (err) {
      const delaySeconds = retryDelaySeconds(message.attempts);
      message.retry({ delaySeconds });
      log.error("event_write_failed", { queue: batch.queue, event_id: row.event_id, attempts: message.attempts, retry_in_s: delaySeconds, error: String(err) });
    }
  }
}

/** The dead-letter queue's consumer: whatever exhausted its retries is stored where an operator can replay it. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env, sourceQueue: string): Promise<void> {
  try {
    await storeDeadLetters(
      database(env.DB),
      batch.messages.map((m) => ({ queue: sourceQueue, messageId: m.id, body: m.body, reason: "max_retries_exceeded", attempts: m.attempts })),
    );
  } catch (err) {
    // Throwing would redeliver at once, and back-to-back deliveries would spend all 100 in seconds of an outage.
    for (const m of batch.messages) m.retry({ delaySeconds: deadLetterRetryDelaySeconds(m.attempts) });
    log.error("dead_letter_write_failed", { queue: sourceQueue, count: batch.messages.length, attempts: batch.messages[0]?.attempts, error: String(err) });
    return;
  }
  batch.ackAll();
  log.warn("events_dead_lettered", { queue: sourceQueue, count: batch.messages.length, reason: "max_retries_exceeded" });
}
