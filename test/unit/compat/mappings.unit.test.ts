// The client mappings as pure functions: Segment, PostHog and seed 002 payloads in, contract events and links out.
import { describe, expect, it } from "vitest";
import { mapPostHog, postHogApiKey } from "../../../src/compat/posthog";
import { isSeed002Event, mapSeed002Items, seed002Event } from "../../../src/compat/seed002";
import { mapSegment, segmentWriteKey } from "../../../src/compat/segment";

const received = Date.parse("2026-11-10T12:00:00.000Z");
const opts = { receivedAt: received, allowedKeys: new Set<string>() };

describe("mapSegment", () => {
  it("maps analytics-node's batch: names, user, time, context, properties, ids, links", () => {
    const body = {
      writeKey: "pk_x",
      sentAt: "2026-11-10T12:00:01.000Z",
      batch: [
        { type: "identify", userId: "u1", anonymousId: "a1", messageId: "m1", timestamp: "2026-11-10T12:00:00.500Z", traits: { email: "a@b.com", plan: "pro" }, context: { ip: "1.2.3.4", library: { name: "@segment/analytics-node", version: "3.1.0" } }, integrations: {}, _metadata: {} },
        { type: "track", event: "Order Completed", userId: 42, messageId: "m2", properties: { revenue: 10 } },
      ],
    };
    const { events, rejected } = mapSegment(body, opts);
    expect(rejected).toEqual([]);
    expect(events[0]).toEqual({
      index: 0,
      clientId: "m1",
      link: { anonymousId: "a1", userId: "u1" },
      personal: { "traits.email": "a@b.com" },
      event: {
        event_name: "identify",
        occurred_at: "2026-11-10T11:59:59.500Z",
        user_id: "u1",
        src: "@segment/analytics-node",
        context: { "library.name": "@segment/analytics-node", "library.version": "3.1.0" },
        properties: { "traits.plan": "pro" },
      },
    });
    expect(events[1]!.event).toMatchObject({ event_name: "order_completed", user_id: "42", src: "segment", properties: { revenue: 10, $event_original: "Order Completed" } });
    expect(segmentWriteKey(body)).toBe("pk_x");
  });

  it("takes the type from a single-call route, and an alias links previousId", () => {
    const { events } = mapSegment({ userId: "u", previousId: "old", messageId: "x" }, { ...opts, type: "alias" });
    expect(events[0]).toMatchObject({ link: { anonymousId: "old", userId: "u" }, event: { event_name: "alias", properties: { previous_id: "old" } } });
  });

  it("rejects by index: bad type, no user, track without event, alias without previousId, a bad timestamp", () => {
    const { rejected } = mapSegment(
      { batch: [{ type: "x", userId: "u" }, { type: "page" }, { type: "track", userId: "u" }, { type: "alias", userId: "u" }, { type: "page", userId: "u", timestamp: "soon" }, "str"] },
      opts,
    );
    expect(rejected.map((r) => [r.index, r.code])).toEqual([
      [0, "invalid_field"],
      [1, "invalid_field"],
      [2, "invalid_event_name"],
      [3, "invalid_field"],
      [4, "invalid_occurred_at"],
      [5, "invalid_event"],
    ]);
  });

  it("a message without messageId is identified by its content", () => {
    const a = mapSegment({ type: "page", anonymousId: "a", properties: { x: 1, y: 2 } }, { ...opts, type: "page" }).events[0]!;
    const b = mapSegment({ properties: { y: 2, x: 1 }, anonymousId: "a", type: "page" }, { ...opts, type: "page" }).events[0]!;
    expect(a.clientId).toBe(b.clientId);
  });
});

describe("mapPostHog", () => {
  it("maps a posthog-js event: token and distinct_id dropped from properties, $session_id as the session, $set split", () => {
    const { events } = mapPostHog(
      [{ uuid: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5a", event: "$identify", timestamp: "2026-11-10T12:00:00Z", properties: { token: "pk_x", distinct_id: "u1", $anon_distinct_id: "a1", $lib: "web", $session_id: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5c", $ip: "1.2.3.4" }, $set: { email: "a@b.com", plan: "pro" } }],
      opts,
    );
    expect(events[0]).toEqual({
      index: 0,
      clientId: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5a",
      link: { anonymousId: "a1", userId: "u1" },
      personal: { "$set.email": "a@b.com" },
      event: {
        event_name: "identify",
        occurred_at: "2026-11-10T12:00:00.000Z",
        user_id: "u1",
        src: "web",
        client_session_id: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5c",
        properties: { $anon_distinct_id: "a1", $lib: "web", $session_id: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5c", "$set.plan": "pro", $event_original: "$identify" },
      },
    });
  });

  it("reads the key from api_key, token or the first event's properties.token; historical_migration from the batch", () => {
    expect(postHogApiKey({ api_key: "pk_a", batch: [] })).toBe("pk_a");
    expect(postHogApiKey([{ event: "e", properties: { token: "pk_b" } }])).toBe("pk_b");
    expect(postHogApiKey({ token: "pk_c" })).toBe("pk_c");
    expect(postHogApiKey([{ event: "e" }])).toBeUndefined();
    expect(mapPostHog({ batch: [], historical_migration: true }, opts).historicalMigration).toBe(true);
  });

  it("$create_alias links the alias; falls back to $insert_id for the id; rejects by index", () => {
    const { events, rejected } = mapPostHog(
      { batch: [{ event: "$create_alias", distinct_id: "u", properties: { alias: "old", $insert_id: "ins-1" } }, { event: "", distinct_id: "u" }, { event: "x" }] },
      opts,
    );
    expect(events[0]).toMatchObject({ clientId: "ins-1", link: { anonymousId: "old", userId: "u" } });
    expect(rejected.map((r) => [r.index, r.code])).toEqual([
      [1, "invalid_event_name"],
      [2, "invalid_field"],
    ]);
  });
});

describe("seed 002", () => {
  const event = { ts: "2024-01-01T12:00:00", user_id: "user-123", type: "page_view", src: "web_app", payload: { page: "/dashboard" } };

  it("is recognised by its fields and mapped, a time without offset read as UTC", () => {
    expect(isSeed002Event(event)).toBe(true);
    expect(isSeed002Event({ event_name: "x", type: "y" })).toBe(false);
    expect(seed002Event(event)).toMatchObject({ event: { event_name: "page_view", occurred_at: "2024-01-01T12:00:00Z", user_id: "user-123", src: "web_app", properties: { page: "/dashboard" } } });
  });

  it("passes contract events through, keeps request indexes, and gives equal content equal ids", async () => {
    const mapped = await mapSeed002Items([{ event_name: "button_click" }, event, { ...event }], "p");
    expect(mapped.indexOf).toEqual([0, 1, 2]);
    const [, a, b] = mapped.events as Array<{ event_id?: string }>;
    expect(a!.event_id).toBe(b!.event_id);
    expect((await mapSeed002Items([{ event_name: "x" }], "p")).indexOf).toBeUndefined();
  });
});
