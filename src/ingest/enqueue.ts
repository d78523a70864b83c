// enqueueEvents: the platform write of the ingest path, one message per event, chunked to the Queues limits.
import type { EventRow } from "./event-schema";

// https://developers.cloudflare.com/queues/platform/limits/ : sendBatch takes at most 100 messages and 256 KB;
// a message is at most 128 KB. Events are capped far below that (MAX_EVENT_BYTES), so only the batch bounds bite.
export const SEND_BATCH_MAX_MESSAGES = 100;
export const SEND_BATCH_MAX_BYTES = 256 * 1024;
// Queues counts some bytes of overhead per message; leave room for it.
const PER_MESSAGE_OVERHEAD = 100;

const encoder = new TextEncoder();

/** Pure: splits rows into sendBatch-sized chunks by count and by bytes. */
export function chunkForSendBatch<T>(items: T[], sizeOf: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item) + PER_MESSAGE_OVERHEAD;
    if (current.length > 0 && (current.length >= SEND_BATCH_MAX_MESSAGES || bytes + size > SEND_BATCH_MAX_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Which rows the queue refused, by their position in the rows sent, and the first refusal's reason. */
export type EnqueueResult = { refused: number[]; error?: unknown };

/**
 * Sends every chunk and reports which rows the queue refused. Chunks go out in parallel, so one refusal does not
 * stop the others: the caller must answer for both halves, so nothing queued is reported as lost (a client retrying
 * it would write it twice) and nothing refused is reported as accepted.
 */
export async function enqueueEvents(queue: Queue<unknown>, rows: EventRow[]): Promise<EnqueueResult> {
  const positions = chunkForSendBatch(rows.map((row, position) => ({ row, position })), ({ row }) => encoder.encode(JSON.stringify(row)).length);
  const sent = await Promise.allSettled(positions.map((chunk) => queue.sendBatch(chunk.map(({ row }) => ({ body: row, contentType: "json" as const })))));
  const result: EnqueueResult = { refused: [] };
  sent.forEach((outcome, i) => {
    if (outcome.status === "fulfilled") return;
    result.refused.push(...positions[i]!.map(({ position }) => position));
    result.error ??= outcome.reason;
  });
  return result;
}
