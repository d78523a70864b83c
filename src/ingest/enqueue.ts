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

/** Resolves only when the queue has accepted every chunk; rejects if it refused any. */
export async function enqueueEvents(queue: Queue<unknown>, rows: EventRow[]): Promise<void> {
  const chunks = chunkForSendBatch(rows, (row) => encoder.encode(JSON.stringify(row)).length);
  await Promise.all(chunks.map((chunk) => queue.sendBatch(chunk.map((row) => ({ body: row, contentType: "json" as const })))));
}
