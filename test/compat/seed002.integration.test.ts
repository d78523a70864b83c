// Seed 002's event shape {ts, user_id, type, src, payload} at /v1/events and at its own path /api/analytics/ingest.
import { describe, expect, it } from "vitest";
import { bearer, hs256, json } from "../helpers/api";
import { compatProject, settledEvents } from "./helpers";

const seedEvent = (extra: Record<string, unknown> = {}) => ({
  ts: new Date(Date.now() - 60_000).toISOString(),
  user_id: "user-123",
  type: "page_view",
  src: "web_app",
  payload: { page: "/dashboard", referrer: "/login", session_id: "sess-456" },
  ...extra,
});

describe("seed 002's shape", () => {
  it("at /v1/events: one event, detected by its fields, mapped field by field", async () => {
    const p = await compatProject();
    const event = seedEvent();
    const res = await json("/v1/events", event, { "x-edgeloop-key": p.key });
    expect(res.status).toBe(202);
    const [row] = await settledEvents(p.id, p.key, 1);
    expect(row).toMatchObject({ event_name: "page_view", user_id: "user-123", src: "web_app", occurred_at: Date.parse(event.ts) });
    expect(JSON.parse(row!.properties as string)).toEqual(event.payload);
  });

  it("at /api/analytics/ingest with seed 002's Bearer JWT: an array, mixed with a contract event; {ingested}; a resend adds nothing", async () => {
    const p = await compatProject();
    const token = await hs256({ sub: "backend", role: "admin", project: p.id });
    const batch = [seedEvent(), seedEvent({ type: "button_click", payload: { button_id: "save_profile" } }), { event_name: "form_submit", event_id: crypto.randomUUID() }];
    const first = await json("/api/analytics/ingest", batch, bearer(token));
    expect(first.status).toBe(202);
    const answer = (await first.json()) as { ingested: number; event_ids: string[] };
    expect(answer.ingested).toBe(3);
    // Seed 002's SDK re-queues a failed batch whole: the same events get the same ids.
    const again = (await (await json("/api/analytics/ingest", batch, bearer(token))).json()) as { event_ids: string[] };
    expect(again.event_ids).toEqual(answer.event_ids);
    const rows = await settledEvents(p.id, p.key, 3);
    expect(rows.map((r) => r.event_name).sort()).toEqual(["button_click", "form_submit", "page_view"]);
  });

  it("rejects a seed event by index like any other (unknown type, PII in the payload)", async () => {
    const p = await compatProject();
    const res = await json("/api/analytics/ingest", [seedEvent(), seedEvent({ type: "Mystery Event" }), seedEvent({ payload: { email: "a@b.com" } })], { "x-edgeloop-key": p.key });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { rejected: Array<{ index: number; code: string }> }).rejected.map((r) => [r.index, r.code])).toEqual([
      [1, "unknown_event_name"],
      [2, "pii_key"],
    ]);
    expect((await json("/api/analytics/ingest", [seedEvent()])).status).toBe(401);
  });
});
