// aggregateEvents: the window's closed end, numeric property parsing, sums and the latest value per property.
import { describe, expect, it } from "vitest";
import { aggregateEvents, aggregateEventsPerWindow, type AttributedEvent } from "../../../src/learning/aggregate-events";

const event = (event_name: string, occurred_at: number, properties: unknown = null): AttributedEvent => ({
  event_name,
  occurred_at,
  properties: properties === null ? null : typeof properties === "string" ? properties : JSON.stringify(properties),
});

describe("aggregateEvents", () => {
  it("is empty for no events", () => {
    expect(aggregateEvents([], 1000)).toEqual({ counts: {}, sums: {}, latest: {} });
  });

  it("counts an event at exactly windowEnd and drops one a millisecond later", () => {
    const a = aggregateEvents([event("x", 999), event("x", 1000), event("x", 1001), event("y", 5000)], 1000);
    expect(a.counts).toEqual({ x: 2 });
  });

  it("counts events from before the decision (attribution is by decision_id; client clocks lag)", () => {
    expect(aggregateEvents([event("x", -50)], 0).counts).toEqual({ x: 1 });
  });

  it("drops an event whose occurred_at is not a number", () => {
    expect(aggregateEvents([event("x", Number.NaN)], 1000).counts).toEqual({});
  });

  it("sums finite numeric properties per event name and ignores everything else", () => {
    const a = aggregateEvents(
      [
        event("post_metrics", 1, { impressions: 100, label: "a", ok: true, nested: { n: 1 }, list: [1], nil: null }),
        event("post_metrics", 2, { impressions: 50.5, follows: -2 }),
        event("other", 3, { impressions: 7 }),
        event("post_metrics", 4, '{"impressions": "300"}'), // a numeric string is not a number
        event("post_metrics", 5, '{"impressions": 1e999}'), // parses to Infinity
        event("post_metrics", 6, "{not json"),
        event("post_metrics", 7, "[1, 2]"),
        event("post_metrics", 8, "42"),
        event("post_metrics", 9, "null"),
        event("post_metrics", 10, null),
      ],
      100,
    );
    expect(a.counts).toEqual({ post_metrics: 9, other: 1 });
    expect(a.sums).toEqual({ "post_metrics.impressions": 150.5, "post_metrics.follows": -2, "other.impressions": 7 });
    expect(a.latest).toEqual({ "post_metrics.impressions": 50.5, "post_metrics.follows": -2, "other.impressions": 7 });
  });

  it("keeps the latest value by occurred_at, whatever the input order", () => {
    const a = aggregateEvents(
      [event("m", 30, { v: 3 }), event("m", 10, { v: 1, w: 10 }), event("m", 20, { v: 2 })],
      100,
    );
    expect(a.latest).toEqual({ "m.v": 3, "m.w": 10 });
    expect(a.sums).toEqual({ "m.v": 6, "m.w": 10 });
  });

  it("breaks a tie in occurred_at by input order: the later event wins", () => {
    expect(aggregateEvents([event("m", 10, { v: 1 }), event("m", 10, { v: 2 })], 100).latest).toEqual({ "m.v": 2 });
    expect(aggregateEvents([event("m", 10, { v: 2 }), event("m", 10, { v: 1 })], 100).latest).toEqual({ "m.v": 1 });
  });

  it("ignores a property of an event outside the window for sums and latest", () => {
    const a = aggregateEvents([event("m", 10, { v: 1 }), event("m", 200, { v: 99 })], 100);
    expect(a.sums).toEqual({ "m.v": 1 });
    expect(a.latest).toEqual({ "m.v": 1 });
  });

  it("keeps names like __proto__ as data", () => {
    const a = aggregateEvents([event("__proto__", 1, '{"__proto__": 5}')], 100);
    expect(Object.getPrototypeOf(a.counts)).toBe(Object.prototype);
    expect(Object.keys(a.counts)).toEqual(["__proto__"]);
    expect(a.counts["__proto__"]).toBe(1);
    expect(a.sums["__proto__.__proto__"]).toBe(5);
  });
});

describe("aggregateEventsPerWindow", () => {
  const events = [
    event("view", 10, { position: 3 }),
    event("click", 20),
    event("download", 40, { bytes: 100, ms: 5 }),
    event("download", 40, { bytes: 300 }),
    event("view", 90, { position: 7, label: "x" }),
    event("late", 5000),
    event("broken", 30, "{not json"),
  ];

  it("gives, for each window end, exactly what aggregateEvents gives for that end alone (key order included)", () => {
    const ends = [25, 40, 100, 1000, 10_000];
    const per = aggregateEventsPerWindow(events, ends);
    expect(per).toHaveLength(ends.length);
    ends.forEach((end, i) => {
      expect(per[i]).toEqual(aggregateEvents(events, end));
      expect(JSON.stringify(per[i])).toBe(JSON.stringify(aggregateEvents(events, end)));
    });
    expect(per[1]!.latest).toEqual({ "view.position": 3, "download.bytes": 300, "download.ms": 5 });
  });

  it("with no window ends, no aggregates", () => {
    expect(aggregateEventsPerWindow(events, [])).toEqual([]);
  });
});
