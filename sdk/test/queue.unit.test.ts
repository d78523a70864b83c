import { describe, expect, it } from "vitest";
import { chunk, pushBounded, withoutIds, type QueuedEvent } from "../src/queue";

const ev = (n: number, extra: Partial<QueuedEvent> = {}): QueuedEvent => ({ event_id: `id-${n}`, event_name: "button_click", occurred_at: "2026-11-30T12:00:00.000Z", ...extra });

describe("pushBounded", () => {
  it("appends without copying the caller's array in place", () => {
    const q = [ev(1)];
    const { queue, dropped } = pushBounded(q, ev(2), 3);
    expect(queue.map((e) => e.event_id)).toEqual(["id-1", "id-2"]);
    expect(dropped).toEqual([]);
    expect(q).toHaveLength(1);
  });
  it("drops the oldest beyond the bound", () => {
    const { queue, dropped } = pushBounded([ev(1), ev(2), ev(3)], ev(4), 3);
    expect(queue.map((e) => e.event_id)).toEqual(["id-2", "id-3", "id-4"]);
    expect(dropped.map((e) => e.event_id)).toEqual(["id-1"]);
  });
  it("shrinks an over-full stored queue to the bound (a smaller maxQueue after a deploy)", () => {
    const { queue, dropped } = pushBounded([ev(1), ev(2), ev(3), ev(4)], ev(5), 2);
    expect(queue.map((e) => e.event_id)).toEqual(["id-4", "id-5"]);
    expect(dropped).toHaveLength(3);
  });
  it("keeps at least the new event", () => {
    expect(pushBounded([ev(1)], ev(2), 0).queue.map((e) => e.event_id)).toEqual(["id-2"]);
  });
});

describe("withoutIds", () => {
  it("removes exactly the given ids", () => {
    expect(withoutIds([ev(1), ev(2), ev(3)], ["id-2", "id-9"]).map((e) => e.event_id)).toEqual(["id-1", "id-3"]);
  });
});

describe("chunk", () => {
  it("splits by count", () => {
    const parts = chunk([ev(1), ev(2), ev(3), ev(4), ev(5)], 2, 1e6);
    expect(parts.map((p) => p.map((e) => e.event_id))).toEqual([["id-1", "id-2"], ["id-3", "id-4"], ["id-5"]]);
  });
  it("splits by JSON size, and sends an oversized event alone rather than never", () => {
    const big = ev(2, { properties: { text: "x".repeat(500) } });
    const size = JSON.stringify(ev(1)).length + 1;
    const parts = chunk([ev(1), big, ev(3), ev(4)], 100, size * 2);
    expect(parts.map((p) => p.map((e) => e.event_id))).toEqual([["id-1"], ["id-2"], ["id-3", "id-4"]]);
  });
  it("gives nothing for nothing", () => {
    expect(chunk([], 10, 100)).toEqual([]);
  });
});
