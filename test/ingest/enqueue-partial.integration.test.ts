// When the queue takes one chunk of a request and refuses another, the answer names exactly what was queued, so a
// client that resends only the refused events never writes an accepted one twice, with or without event ids.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { BASE, eventsOf, json, newProject, waitForEvents } from "../helpers/api";

type IngestAnswer = { accepted: number; rejected: Array<{ index: number; code: string }>; event_ids: string[] };

/** The real queue, except that the given sendBatch calls (1-based) are refused, as Queues refuses a batch it cannot take. */
function refusingCalls(...refused: number[]) {
  let calls = 0;
  const queue = env.EVENTS_QUEUE as Queue<unknown>;
  return {
    ...env,
    EVENTS_QUEUE: {
      send: (body: unknown) => queue.send(body),
      sendBatch: (messages: Iterable<MessageSendRequest<unknown>>) => (refused.includes(++calls) ? Promise.reject(new Error("queue unavailable")) : queue.sendBatch(messages)),
    },
  };
}

async function post(target: ReturnType<typeof refusingCalls>, key: string, body: unknown) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/v1/events`, { method: "POST", headers: { "content-type": "application/json", "x-edgeloop-key": key }, body: JSON.stringify(body) }),
    target as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

const events = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ event_name: "page_view", user_id: `${tag}-${i}` }));

describe("a request the queue takes only in part", () => {
  it("answers 202 naming the 100 queued events and listing the 50 refused by index; resending those adds exactly 50", async () => {
    const p = await newProject();
    const batch = events(150, "u");
    const res = await post(refusingCalls(2), p.key, batch);
    expect(res.status).toBe(202);
    expect(res.headers.get("retry-after")).toBe("5");
    const body = (await res.json()) as IngestAnswer;
    expect(body.accepted).toBe(100);
    expect(body.event_ids).toHaveLength(100);
    expect(body.rejected.map((r) => r.index)).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    expect(new Set(body.rejected.map((r) => r.code))).toEqual(new Set(["queue_unavailable"]));

    const written = await waitForEvents(p.id, 100);
    expect(new Set(written.map((r) => r.event_id))).toEqual(new Set(body.event_ids));

    // The client resends exactly what was refused, with no event ids and no Idempotency-Key.
    const again = await json("/v1/events", body.rejected.map((r) => batch[r.index]), { "x-edgeloop-key": p.key });
    expect(((await again.json()) as IngestAnswer).accepted).toBe(50);
    const all = await waitForEvents(p.id, 150);
    expect(all).toHaveLength(150);
    expect(new Set(all.map((r) => r.user_id))).toEqual(new Set(batch.map((e) => e.user_id)));
  });

  it("keeps validation rejections and queue refusals apart, in request order", async () => {
    const p = await newProject();
    const batch: unknown[] = events(120, "v");
    batch.splice(3, 0, { event_name: "not_registered" });
    const res = await post(refusingCalls(1), p.key, batch);
    const body = (await res.json()) as IngestAnswer;
    // 120 valid events: the first chunk (100, refused) and the second (20, queued).
    expect(res.status).toBe(202);
    expect(body.accepted).toBe(20);
    expect(body.rejected).toHaveLength(101);
    expect(body.rejected.find((r) => r.index === 3)!.code).toBe("unknown_event_name");
    expect(body.rejected.filter((r) => r.code === "queue_unavailable")).toHaveLength(100);
    expect(body.rejected.map((r) => r.index)).toEqual([...body.rejected.map((r) => r.index)].sort((a, b) => a - b));
    expect((await waitForEvents(p.id, 20)).map((r) => r.event_id).sort()).toEqual([...body.event_ids].sort());
  });

  it("answers 503 and names nothing accepted only when every chunk was refused", async () => {
    const p = await newProject();
    const res = await post(refusingCalls(1, 2), p.key, events(150, "w"));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("queue_unavailable");
    expect(await eventsOf(p.id)).toHaveLength(0);
  });
});
