import { describe, expect, it } from "vitest";
import { outcomeOf, retryableStatus } from "../src/outcome";
import type { QueuedEvent } from "../src/queue";

const batch: QueuedEvent[] = [0, 1, 2].map((n) => ({ event_id: `id-${n}`, event_name: "page_view", occurred_at: "2026-11-30T12:00:00.000Z" }));
const ids = (events: QueuedEvent[]) => events.map((e) => e.event_id);

describe("outcomeOf", () => {
  it("a clean 202 delivers everything", () => {
    expect(outcomeOf(202, { accepted: 3, rejected: [], event_ids: ids(batch) }, batch)).toEqual({ retry: [], dropped: [] });
  });
  it("a 202 retries queue_unavailable events and drops the others it lists, by index", () => {
    const o = outcomeOf(202, {
      accepted: 1,
      rejected: [
        { index: 2, code: "queue_unavailable", message: "send it again" },
        { index: 0, code: "unknown_event_name", message: "not registered" },
        { index: 7, code: "pii_key", message: "no such event" },
      ],
    }, batch);
    expect(ids(o.retry)).toEqual(["id-2"]);
    expect(o.dropped).toEqual([{ code: "unknown_event_name", message: "not registered", event: batch[0] }]);
  });
  it("429, 503, other 5xx and 408 retry the whole batch", () => {
    for (const status of [408, 429, 500, 502, 503]) {
      expect(retryableStatus(status)).toBe(true);
      expect(ids(outcomeOf(status, { error: { code: "rate_limited", message: "x" } }, batch).retry)).toEqual(ids(batch));
    }
  });
  it("other 4xx drop the whole batch with the server's code", () => {
    for (const [status, code] of [[401, "unauthenticated"], [403, "origin_not_allowed"], [404, "project_not_found"]] as const) {
      expect(retryableStatus(status)).toBe(false);
      const o = outcomeOf(status, { error: { code, message: "m" } }, batch);
      expect(o.retry).toEqual([]);
      expect(o.dropped.map((d) => [d.code, d.event.event_id])).toEqual(ids(batch).map((id) => [code, id]));
    }
  });
  it("a 400 that lists every rejection drops each with its own reason", () => {
    const o = outcomeOf(400, {
      error: { code: "no_valid_events", message: "all rejected", details: { rejected: [
        { index: 0, code: "pii_value", message: "a" }, { index: 1, code: "invalid_field", message: "b" }, { index: 2, code: "pii_key", message: "c" },
      ] } },
    }, batch);
    expect(o.dropped.map((d) => d.code)).toEqual(["pii_value", "invalid_field", "pii_key"]);
  });
  it("an answer without a JSON body still says what happened", () => {
    expect(outcomeOf(403, undefined, batch).dropped[0]).toMatchObject({ code: "http_403", message: "The server answered 403" });
    expect(outcomeOf(202, "not json", batch)).toEqual({ retry: [], dropped: [] });
  });
});
