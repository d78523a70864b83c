import { describe, expect, it } from "vitest";
import { MAX_EVENT_DEPTH, validateEvent, validateEvents, type ValidationContext } from "../../../src/ingest/validate-events";

const NOW = Date.parse("2026-03-15T12:00:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ctx = (over: Partial<ValidationContext> = {}): ValidationContext => ({
  now: NOW,
  registeredNames: new Set(["page_view", "button_click"]),
  historicalMigration: false,
  maxEventBytes: 1024,
  ...over,
});
const at = (ms: number) => new Date(ms).toISOString();
const codeOf = (raw: unknown, c = ctx()) => {
  const r = validateEvent(raw, 0, c);
  return "code" in r ? r.code : "ok";
};

describe("validateEvent", () => {
  it("accepts a minimal event and defaults occurredAt to ctx.now", () => {
    expect(validateEvent({ event_name: "page_view" }, 3, ctx())).toEqual({ index: 3, event: { event_name: "page_view" }, occurredAt: NOW });
  });

  it("parses occurred_at, including an offset", () => {
    const r = validateEvent({ event_name: "page_view", occurred_at: "2026-03-15T09:00:00-03:00" }, 0, ctx());
    expect(r).toMatchObject({ occurredAt: NOW });
  });

  it("drops unknown top-level fields", () => {
    const r = validateEvent({ event_name: "page_view", email: "someone@example.com" }, 0, ctx());
    expect(r).toEqual({ index: 0, event: { event_name: "page_view" }, occurredAt: NOW });
  });

  it("rejects an event nested deeper than MAX_EVENT_DEPTH before measuring it (JSON.stringify would overflow the stack)", () => {
    const nested = (depth: number): unknown => {
      let v: unknown = 1;
      for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { "0": v };
      return v;
    };
    expect(codeOf({ event_name: "page_view", extra: nested(MAX_EVENT_DEPTH - 2) })).toBe("ok");
    expect(codeOf({ event_name: "page_view", extra: nested(MAX_EVENT_DEPTH) })).toBe("invalid_event");
    expect(codeOf({ event_name: "page_view", extra: nested(100_000) }, ctx({ maxEventBytes: 10_000_000 }))).toBe("invalid_event");
  });

  it("keeps every documented field", () => {
    const event = {
      event_id: "0b6c1b7e-2f4a-4c9e-9a57-5d3f0e1c2b3a", event_name: "button_click", occurred_at: at(NOW - HOUR),
      client_session_id: "6f1d2c3b-4a5e-4f60-8172-93a4b5c6d7e8", user_id: "anon-42", request_id: "r1", resource_type: "idea",
      resource_id: "i1", decision_id: "d1", policy_id: "p1", src: "web", context: { path: "/x" }, properties: { n: 1 },
    };
    expect(validateEvent(event, 0, ctx())).toEqual({ index: 0, event, occurredAt: NOW - HOUR });
  });

  it("rejects an unregistered event_name", () => {
    expect(validateEvent({ event_name: "signup" }, 2, ctx())).toEqual({
      index: 2, code: "unknown_event_name", message: "event_name 'signup' is not registered for this project",
    });
  });

  it.each(["PageView", "page-view", "1page", "", "a".repeat(65)])("rejects the malformed event_name %j", (name) => {
    expect(codeOf({ event_name: name })).toBe("invalid_event_name");
  });

  it("rejects a missing event_name as invalid_event_name", () => {
    expect(codeOf({})).toBe("invalid_event_name");
  });

  it("accepts 23 h in the future and rejects 25 h", () => {
    expect(codeOf({ event_name: "page_view", occurred_at: at(NOW + 23 * HOUR) })).toBe("ok");
    expect(validateEvent({ event_name: "page_view", occurred_at: at(NOW + 25 * HOUR) }, 0, ctx())).toEqual({
      index: 0, code: "occurred_at_in_future", message: "occurred_at is more than 24 hours in the future",
    });
  });

  it("puts the future bound at exactly 24 h", () => {
    expect(codeOf({ event_name: "page_view", occurred_at: at(NOW + DAY) })).toBe("ok");
    expect(codeOf({ event_name: "page_view", occurred_at: at(NOW + DAY + 1) })).toBe("occurred_at_in_future");
  });

  it("accepts 29 days in the past and rejects 31", () => {
    expect(codeOf({ event_name: "page_view", occurred_at: at(NOW - 29 * DAY) })).toBe("ok");
    expect(codeOf({ event_name: "page_view", occurred_at: at(NOW - 31 * DAY) })).toBe("occurred_at_too_old");
  });

  it("lets a historical migration import old events, but not future ones", () => {
    const historical = ctx({ historicalMigration: true });
    expect(validateEvent({ event_name: "page_view", occurred_at: at(NOW - 400 * DAY) }, 0, historical)).toMatchObject({ occurredAt: NOW - 400 * DAY });
    expect(codeOf({ event_name: "page_view", occurred_at: at(NOW + 25 * HOUR) }, historical)).toBe("occurred_at_in_future");
  });

  it.each(["yesterday", "2026-03-15", "2026-03-15 12:00:00", "1700000000000", ""])("rejects the non-ISO occurred_at %j", (value) => {
    expect(codeOf({ event_name: "page_view", occurred_at: value })).toBe("invalid_occurred_at");
  });

  it("rejects a numeric occurred_at as invalid_occurred_at", () => {
    expect(codeOf({ event_name: "page_view", occurred_at: NOW })).toBe("invalid_occurred_at");
  });

  it("rejects an event_id that is not a UUID", () => {
    const r = validateEvent({ event_name: "page_view", event_id: "abc" }, 0, ctx());
    expect(r).toEqual({ index: 0, code: "invalid_field", message: expect.stringMatching(/^event_id: /) });
  });

  it("rejects a user_id over 200 characters as invalid_field", () => {
    expect(codeOf({ event_name: "page_view", user_id: "u".repeat(201) })).toBe("invalid_field");
    expect(codeOf({ event_name: "page_view", user_id: "u".repeat(200) })).toBe("ok");
  });

  it.each([
    ["someone@example.com", "an email address"], ["+14155552671", "a phone number"], ["(415) 555-2671", "a phone number"],
  ])("rejects the user_id %s as pii_value without echoing it", (userId, kind) => {
    const r = validateEvent({ event_name: "page_view", user_id: userId }, 0, ctx());
    expect(r).toEqual({ index: 0, code: "pii_value", message: `user_id looks like ${kind}; send a pseudonymous id (or set the project's pii_identifiers to pseudonymize)` });
  });

  it.each(["request_id", "resource_type", "resource_id", "decision_id", "policy_id", "src"])("checks the free-text field %s for contact data", (field) => {
    expect(validateEvent({ event_name: "page_view", [field]: "someone@example.com" }, 0, ctx())).toEqual({
      index: 0, code: "pii_value", message: `${field} looks like an email address; send a pseudonymous id (or set the project's pii_identifiers to pseudonymize)`,
    });
    expect(codeOf({ event_name: "page_view", [field]: "+14155552671" })).toBe("pii_value");
    expect(codeOf({ event_name: "page_view", [field]: "abc-123" })).toBe("ok");
  });

  it("accepts a numeric-looking user_id", () => {
    expect(codeOf({ event_name: "page_view", user_id: "1700000000000" })).toBe("ok");
  });

  it("rejects an event larger than maxEventBytes, naming MAX_EVENT_BYTES", () => {
    const raw = { event_name: "page_view", properties: { a: "x".repeat(200) } };
    const bytes = JSON.stringify(raw).length;
    expect(validateEvent(raw, 1, ctx({ maxEventBytes: bytes }))).toEqual({ index: 1, event: raw, occurredAt: NOW });
    expect(validateEvent(raw, 1, ctx({ maxEventBytes: bytes - 1 }))).toEqual({
      index: 1, code: "event_too_large", message: `The event is ${bytes} bytes; the limit is ${bytes - 1} (MAX_EVENT_BYTES)`,
    });
  });

  it.each([["a string", "page_view"], ["an array", [{ event_name: "page_view" }]], ["null", null], ["a number", 42]])(
    "rejects %s as invalid_event",
    (_, raw) => {
      expect(validateEvent(raw, 5, ctx())).toEqual({ index: 5, code: "invalid_event", message: "An event must be a JSON object" });
    },
  );

  it("passes on the first PII violation of context, then properties", () => {
    expect(validateEvent({ event_name: "page_view", context: { email: "x" }, properties: { n: NaN } }, 0, ctx())).toEqual({
      index: 0, code: "pii_key", message: "context.email is a blocked key (it may carry personal data: 'email')",
    });
    expect(validateEvent({ event_name: "page_view", properties: { note: "someone@example.com" } }, 0, ctx())).toEqual({
      index: 0, code: "pii_value", message: "properties.note looks like an email address",
    });
  });

  it("rejects a context that is not an object as invalid_field", () => {
    expect(codeOf({ event_name: "page_view", context: "x" })).toBe("invalid_field");
    expect(codeOf({ event_name: "page_view", context: [1] })).toBe("invalid_field");
  });
});

describe("validateEvents", () => {
  it("splits a mixed batch into valid and rejected, by index", () => {
    const raws = [
      { event_name: "page_view" },
      { event_name: "nope" },
      "junk",
      { event_name: "button_click", occurred_at: at(NOW - HOUR) },
      { event_name: "page_view", user_id: "someone@example.com" },
    ];
    const { valid, rejected } = validateEvents(raws, ctx());
    expect(valid).toEqual([
      { index: 0, event: { event_name: "page_view" }, occurredAt: NOW },
      { index: 3, event: { event_name: "button_click", occurred_at: at(NOW - HOUR) }, occurredAt: NOW - HOUR },
    ]);
    expect(rejected.map((r) => [r.index, r.code])).toEqual([
      [1, "unknown_event_name"],
      [2, "invalid_event"],
      [4, "pii_value"],
    ]);
  });

  it("returns empty lists for no events", () => {
    expect(validateEvents([], ctx())).toEqual({ valid: [], rejected: [] });
  });
});
