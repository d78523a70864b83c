import { describe, expect, it } from "vitest";
import { chunkForSendBatch, enqueueEvents, SEND_BATCH_MAX_BYTES, SEND_BATCH_MAX_MESSAGES } from "../../../src/ingest/enqueue";
import type { EventRow } from "../../../src/ingest/event-schema";

const OVERHEAD = 100;
type Item = { id: number; size: number };
const items = (sizes: number[]): Item[] => sizes.map((size, id) => ({ id, size }));
const sizeOf = (i: Item) => i.size;
const chunkBytes = (chunk: Item[]) => chunk.reduce((sum, i) => sum + i.size + OVERHEAD, 0);

describe("chunkForSendBatch", () => {
  it("uses the Queues limits: 100 messages, 256 KB", () => {
    expect(SEND_BATCH_MAX_MESSAGES).toBe(100);
    expect(SEND_BATCH_MAX_BYTES).toBe(256 * 1024);
  });

  it("returns no chunks for no items", () => {
    expect(chunkForSendBatch([], sizeOf)).toEqual([]);
  });

  it("splits 250 small items into 100, 100, 50", () => {
    const input = items(Array(250).fill(10));
    const chunks = chunkForSendBatch(input, sizeOf);
    expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunks.flat()).toEqual(input);
  });

  it("splits large items by bytes, counting 100 bytes of overhead each", () => {
    // 50,000 + 100 bytes each: five fit in 262,144, six do not.
    const input = items(Array(12).fill(50_000));
    const chunks = chunkForSendBatch(input, sizeOf);
    expect(chunks.map((c) => c.length)).toEqual([5, 5, 2]);
    for (const chunk of chunks) expect(chunkBytes(chunk)).toBeLessThanOrEqual(SEND_BATCH_MAX_BYTES);
    expect(chunks.flat()).toEqual(input);
  });

  it("fills a chunk up to exactly the byte limit", () => {
    const half = SEND_BATCH_MAX_BYTES / 2 - OVERHEAD;
    expect(chunkForSendBatch(items([half, half]), sizeOf).map((c) => c.length)).toEqual([2]);
    expect(chunkForSendBatch(items([half, half + 1]), sizeOf).map((c) => c.length)).toEqual([1, 1]);
  });

  it("gives an item over the limit a chunk of its own and loses nothing", () => {
    const input = items([10, 300_000, 10, 10]);
    const chunks = chunkForSendBatch(input, sizeOf);
    expect(chunks.map((c) => c.map((i) => i.id))).toEqual([[0], [1], [2, 3]]);
  });

  it("keeps order and every item for mixed sizes, within both limits", () => {
    const sizes = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 20_000) + (i % 37 === 0 ? 120_000 : 0));
    const input = items(sizes);
    const chunks = chunkForSendBatch(input, sizeOf);
    expect(chunks.flat()).toEqual(input);
    for (const chunk of chunks) {
      expect(chunk.length).toBeGreaterThan(0);
      expect(chunk.length).toBeLessThanOrEqual(SEND_BATCH_MAX_MESSAGES);
      expect(chunkBytes(chunk)).toBeLessThanOrEqual(SEND_BATCH_MAX_BYTES);
    }
  });
});

describe("enqueueEvents", () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ event_id: `e-${i}` }) as unknown as EventRow);

  it("sends every chunk, each row once as a JSON message, and resolves only after all were accepted", async () => {
    const sent: Array<Array<{ body: unknown; contentType?: string }>> = [];
    const queue = { sendBatch: async (messages: Iterable<MessageSendRequest<unknown>>) => void sent.push([...messages]) } as unknown as Queue<unknown>;
    const input = rows(250);
    await enqueueEvents(queue, input);
    expect(sent.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(sent.flat().map((m) => m.body)).toEqual(input);
    expect(sent.flat().every((m) => m.contentType === "json")).toBe(true);
  });

  it("reports the rows of a refused chunk by position, and still sends the other chunks", async () => {
    let calls = 0;
    const sent: unknown[] = [];
    const queue = {
      sendBatch: async (messages: Iterable<MessageSendRequest<unknown>>) => {
        if (++calls === 2) throw new Error("queue unavailable");
        sent.push(...[...messages].map((m) => m.body));
      },
    } as unknown as Queue<unknown>;
    const input = rows(250);
    const result = await enqueueEvents(queue, input);
    expect(calls).toBe(3);
    expect(result.refused).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i));
    expect(String(result.error)).toContain("queue unavailable");
    expect(sent).toEqual([...input.slice(0, 100), ...input.slice(200)]);
  });

  it("reports nothing refused when every chunk was taken", async () => {
    const queue = { sendBatch: async () => undefined } as unknown as Queue<unknown>;
    expect(await enqueueEvents(queue, rows(150))).toEqual({ refused: [] });
  });
});
