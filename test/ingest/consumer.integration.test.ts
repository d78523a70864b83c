// The queue consumers against real D1: batched idempotent writes, retry with backoff, dead letters and their replay.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventRow } from "../../src/ingest/event-schema";
import { asOperator, bearer, call, eventsOf, json, newProject, waitForEvents } from "../helpers/api";
import { deliver, messages } from "../helpers/queue";

function row(projectId: string, extra: Partial<EventRow> = {}): EventRow {
  return {
    event_id: crypto.randomUUID(),
    project_id: projectId,
    event_name: "page_view",
    occurred_at: Date.now(),
    received_at: Date.now(),
    user_id: "anon-1",
    user_identified: 0,
    client_session_id: null,
    request_id: null,
    resource_type: null,
    resource_id: null,
    decision_id: null,
    policy_id: null,
    src: "test",
    context: null,
    properties: '{"page":"/"}',
    country: null,
    browser: null,
    os: null,
    device_type: null,
    ...extra,
  };
}

async function deadLettersOf(projectId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM dead_letters WHERE project_id = ?1 ORDER BY id").bind(projectId).all<Record<string, unknown>>();
  return results;
}

describe("events consumer", () => {
  it("writes a full batch of 100 in one go and acks every message", async () => {
    const p = await newProject();
    const msgs = messages(Array.from({ length: 100 }, (_, i) => row(p.id, { decision_id: `d-${i}` })));
    const result = await deliver("edgeloop-events", msgs);
    expect(result.explicitAcks.sort()).toEqual(msgs.map((m) => m.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(await eventsOf(p.id)).toHaveLength(100);
  });

  it("is idempotent: a redelivered batch adds no rows", async () => {
    const p = await newProject();
    const msgs = messages([row(p.id), row(p.id), row(p.id)]);
    await deliver("edgeloop-events", msgs);
    const again = await deliver("edgeloop-events", msgs.map((m) => ({ ...m, attempts: 2 })));
    expect(again.explicitAcks).toHaveLength(3);
    expect(await eventsOf(p.id)).toHaveLength(3);
  });

  it("dead-letters a message that can never be written and still writes the good ones beside it", async () => {
    const p = await newProject();
    const good = row(p.id);
    const msgs = messages([good, { project_id: p.id, event_name: 42 }]);
    const result = await deliver("edgeloop-events", msgs);
    expect(result.explicitAcks.sort()).toEqual(msgs.map((m) => m.id).sort());
    expect((await eventsOf(p.id)).map((r) => r.event_id)).toEqual([good.event_id]);
    const letters = await deadLettersOf(p.id);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ queue: "edgeloop-events", message_id: msgs[1]!.id, reason: "invalid_event_row", attempts: 1 });
  });

  it("retries with backoff when D1 refuses the write, and writes on redelivery", async () => {
    const p = await newProject();
    const msgs = messages([row(p.id), row(p.id)], 3);
    // A real D1 failure: the table is briefly missing.
    await env.DB.exec("ALTER TABLE events RENAME TO events_offline");
    let result;
    try {
      result = await deliver("edgeloop-events", msgs);
    } finally {
      await env.DB.exec("ALTER TABLE events_offline RENAME TO events");
    }
    expect(result!.explicitAcks).toEqual([]);
    expect(result!.retryMessages.map((r) => r.msgId).sort()).toEqual(msgs.map((m) => m.id).sort());
    expect(result!.delays).toEqual([20, 20]); // third attempt: 5 s · 2²
    expect(await eventsOf(p.id)).toHaveLength(0);

    const retried = await deliver("edgeloop-events", msgs.map((m) => ({ ...m, attempts: 4 })));
    expect(retried.explicitAcks).toHaveLength(2);
    expect(await eventsOf(p.id)).toHaveLength(2);
  });
});

describe("dead-letter queue", () => {
  it("stores what exhausted its retries, once, and lets its project's admin read and replay it", async () => {
    const p = await newProject();
    const other = await newProject();
    const lost = row(p.id);
    const msgs = messages([lost], 6);
    await deliver("edgeloop-events-dlq", msgs);
    await deliver("edgeloop-events-dlq", msgs); // redelivered: still one row
    const letters = await deadLettersOf(p.id);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ queue: "edgeloop-events", reason: "max_retries_exceeded", attempts: 6 });

    const listed = (await (await call("/v1/admin/dead-letters", { headers: bearer(p.admin) })).json()) as { dead_letters: Array<{ id: number; body: EventRow }> };
    expect(listed.dead_letters.map((d) => d.body.event_id)).toEqual([lost.event_id]);
    const forOther = (await (await call("/v1/admin/dead-letters", { headers: bearer(other.admin) })).json()) as { dead_letters: unknown[] };
    expect(forOther.dead_letters).toEqual([]);
    expect((await call(`/v1/admin/dead-letters?project=${p.id}`, { headers: bearer(other.admin) })).status).toBe(403);

    const id = listed.dead_letters[0]!.id;
    await expect((await json("/v1/admin/dead-letters/replay", { ids: [id] }, bearer(other.admin))).json()).resolves.toMatchObject({ replayed: [], not_found: [id] });
    const replay = await json("/v1/admin/dead-letters/replay", { ids: [id] }, bearer(p.admin));
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ replayed: [id], not_replayable: [], not_found: [] });

    // Through the real queue and consumer into D1.
    const [written] = await waitForEvents(p.id, 1);
    expect(written!.event_id).toBe(lost.event_id);
    const after = (await (await call("/v1/admin/dead-letters?include_replayed=true", { headers: bearer(p.admin) })).json()) as { dead_letters: Array<{ replayed_at: string | null }> };
    expect(after.dead_letters[0]!.replayed_at).not.toBeNull();
  });

  it("replays as many ids as the route allows (1,000), past D1's 100 bound parameters per statement", async () => {
    // Found by the fuzz property (test/fuzz/admin.fuzz.test.ts): 101 ids or more were one IN (...) list and a 500.
    const p = await newProject();
    const lost = Array.from({ length: 150 }, () => row(p.id));
    await deliver("edgeloop-events-dlq", messages(lost, 6));
    const ids = (await deadLettersOf(p.id)).map((l) => l.id as number);
    expect(ids).toHaveLength(150);
    const unknown = Array.from({ length: 850 }, (_, i) => 10_000_000 + i);
    const res = await json(`/v1/admin/dead-letters/replay?project=${p.id}`, { ids: [...ids, ...unknown] }, asOperator);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { replayed: number[]; not_replayable: unknown[]; not_found: number[] };
    expect([...body.replayed].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(body.not_found).toEqual(unknown);
    expect((await deadLettersOf(p.id)).every((l) => l.replayed_at !== null)).toBe(true);
    await waitForEvents(p.id, 150);
  });

  it("does not replay a body that is not an event row", async () => {
    const p = await newProject();
    const msgs = messages([{ project_id: p.id, garbage: true }]);
    await deliver("edgeloop-events", msgs);
    const [letter] = await deadLettersOf(p.id);
    const res = await json(`/v1/admin/dead-letters/replay?project=${p.id}`, { ids: [letter!.id] }, asOperator);
    expect(await res.json()).toEqual({ replayed: [], not_replayable: [{ id: letter!.id, reason: "the body is not a valid event row" }], not_found: [] });
  });
});
