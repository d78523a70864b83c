// POST /v1/events and /v1/collect end to end inside workerd: edge → real Queue → consumer → real D1.
import { env, exports } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { EventRow } from "../../src/ingest/event-schema";
import { asOperator, BASE, bearer, call, ev, eventsOf, json, newProject, waitForEvents } from "../helpers/api";

const CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const DAY = 86_400_000;

/**
 * An events producer that records every sendBatch. With `forward`, it passes each batch on to the real queue (so a
 * test knows exactly what a request enqueued); without, it holds them for `deliver`, which plays the queue's part.
 */
function recordingQueue(forward?: Queue<unknown>) {
  const batches: EventRow[][] = [];
  const queue = {
    async sendBatch(messages: Iterable<MessageSendRequest<unknown>>) {
      const list = [...messages];
      batches.push(list.map((m) => m.body as EventRow));
      if (forward) await forward.sendBatch(list);
    },
    async send(body: unknown) {
      batches.push([body as EventRow]);
      if (forward) await forward.send(body);
    },
  };
  return { queue, batches };
}

/** POST to the Worker with the events queue replaced, waiting for everything the request started. */
async function postEvents(queue: object, body: unknown, headers: Record<string, string>) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/v1/events`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }),
    { ...env, EVENTS_QUEUE: queue } as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

/**
 * Hands held messages to the events consumer as one delivery, and returns when it has finished with every one of
 * them: which it acked and which it asked to retry. No waiting on the clock: the consumer's own answer per message.
 */
async function deliver(rows: EventRow[]) {
  const messages = rows.map((body, i) => ({ id: `m-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body }));
  const batch = createMessageBatch("edgeloop-events", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return { ids: messages.map((m) => m.id), acked: result.explicitAcks, retried: result.retryMessages, ackAll: result.ackAll, retryAll: result.retryBatch.retry };
}

/** Every message of the delivery was acked and none retried: the consumer finished them, successfully. */
function expectAllAcked(d: Awaited<ReturnType<typeof deliver>>) {
  expect(d.retryAll).toBe(false);
  expect(d.retried).toEqual([]);
  expect(d.ackAll || [...d.acked].sort().join() === [...d.ids].sort().join()).toBe(true);
}

describe("POST /v1/events", () => {
  it("accepts one event from a browser key, queues it and the consumer writes it enriched to D1", async () => {
    const p = await newProject();
    const eventId = crypto.randomUUID();
    const res = await json(
      "/v1/events",
      ev("idea_view_opened", { event_id: eventId, user_id: "anon-42", client_session_id: crypto.randomUUID(), resource_type: "PostIdea", resource_id: "17", properties: { content_len: 120, has_html: false } }),
      { "x-edgeloop-key": p.key, "user-agent": CHROME_WINDOWS },
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, rejected: [], event_ids: [eventId] });

    const [row] = await waitForEvents(p.id, 1);
    expect(row).toMatchObject({
      event_id: eventId,
      event_name: "idea_view_opened",
      user_id: "anon-42",
      user_identified: 0,
      resource_type: "PostIdea",
      resource_id: "17",
      browser: "Chrome",
      os: "Windows",
      device_type: "desktop",
    });
    expect(JSON.parse(row!.properties as string)).toEqual({ content_len: 120, has_html: false });
    expect(row!.received_at).toBeTypeOf("number");
    // No column holds an IP address.
    expect(Object.keys(row!).some((k) => k.includes("ip"))).toBe(false);
  });

  it("accepts an array and a {batch} body, and assigns event ids when missing", async () => {
    const p = await newProject();
    const a = await json("/v1/events", [ev("page_view"), ev("button_click")], { "x-edgeloop-key": p.key });
    const b = await json("/v1/events", { batch: [ev("form_submit"), ev("search_query"), ev("video_play")] }, { "x-edgeloop-key": p.key });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    const ids = [...((await a.json()) as { event_ids: string[] }).event_ids, ...((await b.json()) as { event_ids: string[] }).event_ids];
    expect(ids).toHaveLength(5);
    ids.forEach((id) => expect(id).toMatch(/^[0-9a-f-]{36}$/));
    const rows = await waitForEvents(p.id, 5);
    expect(rows.map((r) => r.event_id).sort()).toEqual([...ids].sort());
  });

  it("keeps the good events when others in the batch are bad, naming each rejection by index without echoing values", async () => {
    const p = await newProject();
    const secretEmail = "maria.silva@example.com";
    const now = Date.now();
    const recorder = recordingQueue(env.EVENTS_QUEUE);
    const res = await postEvents(
      recorder.queue,
      [
        ev("page_view", { properties: { page: "/a" } }),
        ev("not_registered"),
        ev("page_view", { properties: { user_email: "x" } }),
        ev("page_view", { context: { ref: secretEmail } }),
        ev("page_view", { occurred_at: new Date(now - 31 * DAY).toISOString() }),
        ev("page_view", { occurred_at: new Date(now + 25 * 3_600_000).toISOString() }),
        ev("page_view", { event_id: "not-a-uuid" }),
        "not an object",
        ev("button_click", { properties: { nested: { deep: 1 } } }),
        ev("button_click", { properties: { button_id: "save" } }),
      ],
      { "x-edgeloop-key": p.key },
    );
    expect(res.status).toBe(202);
    const text = await res.text();
    expect(text).not.toContain(secretEmail);
    const body = JSON.parse(text) as { accepted: number; rejected: Array<{ index: number; code: string; message: string }>; event_ids: string[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, "unknown_event_name"],
      [2, "pii_key"],
      [3, "pii_value"],
      [4, "occurred_at_too_old"],
      [5, "occurred_at_in_future"],
      [6, "invalid_field"],
      [7, "invalid_event"],
      [8, "not_flat"],
    ]);
    expect(body.rejected[1]!.message).toContain("properties.user_email");
    // Exactly the two accepted events were enqueued (the recorder saw all this request sent), so D1 can get no others.
    const enqueued = recorder.batches.flat();
    expect(enqueued.map((r) => r.event_id).sort()).toEqual([...body.event_ids].sort());
    expect(enqueued.map((r) => r.event_name).sort()).toEqual(["button_click", "page_view"]);
    expect(JSON.stringify(enqueued)).not.toContain(secretEmail);
    const rows = await waitForEvents(p.id, 2);
    expect(rows.map((r) => r.event_id).sort()).toEqual([...body.event_ids].sort());
  });

  it("answers 400 in the one error shape for malformed JSON and for a body that is not events", async () => {
    const p = await newProject();
    const malformed = await call("/v1/events", { method: "POST", headers: { "x-edgeloop-key": p.key, "content-type": "application/json" }, body: '{"event_name": ' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: { code: "malformed_json", message: expect.any(String) } });
    const scalar = await json("/v1/events", 42, { "x-edgeloop-key": p.key });
    expect(scalar.status).toBe(400);
    expect(((await scalar.json()) as { error: { code: string } }).error.code).toBe("invalid_body");
    const empty = await json("/v1/events", [], { "x-edgeloop-key": p.key });
    expect(((await empty.json()) as { error: { code: string } }).error.code).toBe("empty_batch");
  });

  it("answers 400 with every rejection when no event is acceptable", async () => {
    const p = await newProject();
    const res = await json("/v1/events", [ev("nope"), ev("nada")], { "x-edgeloop-key": p.key });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { rejected: unknown[] } } };
    expect(body.error.code).toBe("no_valid_events");
    expect(body.error.details.rejected).toHaveLength(2);
  });

  it("answers 413 naming the limit: batch size, request bytes, event bytes", async () => {
    const p = await newProject();
    const tooMany = await json("/v1/events", Array.from({ length: 1001 }, () => ev()), { "x-edgeloop-key": p.key });
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toMatchObject({ error: { code: "payload_too_large", details: { limit: "MAX_BATCH_SIZE", value: 1001 } } });

    const big = Array.from({ length: 30 }, () => ev("page_view", { padding: "x".repeat(20_000) }));
    const tooBig = await json("/v1/events", big, { "x-edgeloop-key": p.key });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ error: { code: "payload_too_large", details: { limit: "MAX_REQUEST_BYTES" } } });

    const oneHuge = await json("/v1/events", ev("page_view", { padding: "x".repeat(40_000) }), { "x-edgeloop-key": p.key });
    expect(oneHuge.status).toBe(413);
    expect(await oneHuge.json()).toMatchObject({ error: { code: "payload_too_large", details: { limit: "MAX_EVENT_BYTES" } } });

    // Beside a good event, an oversized one is only rejected.
    const mixed = await json("/v1/events", [ev("page_view", { padding: "x".repeat(40_000) }), ev("page_view")], { "x-edgeloop-key": p.key });
    expect(mixed.status).toBe(202);
    expect(await mixed.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, code: "event_too_large" }] });
  });

  it("rejects a deeply nested event by index (never a 500), and keeps the good one beside it", async () => {
    // Found by the fuzz property (test/fuzz/ingest.fuzz.test.ts): beside an object with an integer-like key (which
    // sends V8's JSON.stringify down its recursive path), arrays nested 10,000 deep overflowed the stack of the
    // event-size check: a 500.
    const p = await newProject();
    for (const depth of [100, 10_000]) {
      for (const field of ["padding", "properties", "context"]) {
        const deep = "[".repeat(depth) + "]".repeat(depth);
        const body = `[{"event_name":"page_view","extra":{"0":0},"${field}":${field === "padding" ? deep : `{"a":${deep}}`}},{"event_name":"page_view"}]`;
        const res = await call("/v1/events", { method: "POST", headers: { "content-type": "application/json", "x-edgeloop-key": p.key }, body });
        expect(res.status, `${field} nested ${depth} deep`).toBe(202);
        expect(await res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, code: "invalid_event" }] });
      }
    }
  });

  it("is idempotent on event_id: a re-sent event is stored once", async () => {
    const p = await newProject();
    const held = recordingQueue();
    const event = ev("page_view", { event_id: crypto.randomUUID(), user_id: "anon-1" });
    const other = ev("page_view", { event_id: crypto.randomUUID() });
    for (let i = 0; i < 3; i++) expect((await postEvents(held.queue, event, { "x-edgeloop-key": p.key })).status).toBe(202);
    expect((await postEvents(held.queue, other, { "x-edgeloop-key": p.key })).status).toBe(202);
    expect(held.batches.flat().map((r) => r.event_id)).toEqual([event.event_id, event.event_id, event.event_id, other.event_id]);

    // The queue may deliver each request apart, or all together, and (at least once) again: every delivery must be
    // acked, not retried, because re-writing a stored event is a no-op rather than a conflict.
    for (const batch of held.batches) expectAllAcked(await deliver(batch));
    expectAllAcked(await deliver(held.batches.flat()));
    expect((await eventsOf(p.id)).map((r) => r.event_id).sort()).toEqual([event.event_id, other.event_id].sort());
  });

  it("derives server-assigned ids from an Idempotency-Key, so a retried request adds nothing", async () => {
    const p = await newProject();
    const held = recordingQueue();
    const body = [ev("page_view", { user_id: "a" }), ev("button_click", { user_id: "a" })];
    const send = async (key: string) => (await (await postEvents(held.queue, body, { "x-edgeloop-key": p.key, "idempotency-key": key })).json()) as { event_ids: string[] };
    const first = await send("req-1");
    const retry = await send("req-1");
    const other = await send("req-2");
    expect(retry.event_ids).toEqual(first.event_ids);
    expect(other.event_ids).not.toEqual(first.event_ids);
    first.event_ids.forEach((id) => expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/));
    expect(held.batches.map((b) => b.map((r) => r.event_id))).toEqual([first.event_ids, first.event_ids, other.event_ids]);

    for (const batch of held.batches) expectAllAcked(await deliver(batch));
    expectAllAcked(await deliver(held.batches.flat()));
    expect((await eventsOf(p.id)).map((r) => r.event_id).sort()).toEqual([...first.event_ids, ...other.event_ids].sort());
  });

  it("scopes event ids by project: the same id in two projects is two events", async () => {
    const a = await newProject();
    const b = await newProject();
    const event = ev("page_view", { event_id: crypto.randomUUID() });
    expect((await json("/v1/events", event, { "x-edgeloop-key": a.key })).status).toBe(202);
    expect((await json("/v1/events", event, { "x-edgeloop-key": b.key })).status).toBe(202);
    expect((await waitForEvents(a.id, 1))[0]!.event_id).toBe(event.event_id);
    expect((await waitForEvents(b.id, 1))[0]!.event_id).toBe(event.event_id);
  });

  it("refuses contact data in any free-text field, and calls a non-browser UA no device", async () => {
    const p = await newProject();
    const res = await json("/v1/events", [ev("page_view", { resource_id: "ana@example.com" }), ev("page_view", { src: "+55 11 98765-4321" }), ev("page_view", { properties: { ratio: "3.14159265" } })], {
      "x-edgeloop-key": p.key,
      "user-agent": "curl/8.5.0",
    });
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, code: "pii_value" }, { index: 1, code: "pii_value" }] });
    const [row] = await waitForEvents(p.id, 1);
    expect(row).toMatchObject({ device_type: null, browser: null });
  });

  it("lets a user JWT's sub win over the body's user_id, and keeps an admin backend's user_id", async () => {
    const p = await newProject();
    const asUser = await json("/v1/events", ev("page_view", { user_id: "someone-else" }), bearer(await p.user("user-7")));
    expect(asUser.status).toBe(202);
    const asAdmin = await json("/v1/events", ev("button_click", { user_id: "user-9" }), bearer(p.admin));
    expect(asAdmin.status).toBe(202);
    const rows = await waitForEvents(p.id, 2);
    const byName = Object.fromEntries(rows.map((r) => [r.event_name, r]));
    expect(byName.page_view).toMatchObject({ user_id: "user-7", user_identified: 1 });
    expect(byName.button_click).toMatchObject({ user_id: "user-9", user_identified: 1 });
  });

  it("lets only an admin backfill history past 30 days (historical_migration)", async () => {
    const p = await newProject();
    const old = ev("page_view", { occurred_at: new Date(Date.now() - 200 * DAY).toISOString(), user_id: "u1" });
    const byUser = await json("/v1/events", { batch: [old], historical_migration: true }, bearer(await p.user("u1")));
    expect(byUser.status).toBe(403);
    expect(((await byUser.json()) as { error: { code: string } }).error.code).toBe("historical_import_forbidden");
    const byKey = await json("/v1/events?historical_migration=true", [old], { "x-edgeloop-key": p.key });
    expect(byKey.status).toBe(403);

    const withoutFlag = await json("/v1/events", [old], bearer(p.admin));
    expect(withoutFlag.status).toBe(400);
    expect(await withoutFlag.json()).toMatchObject({ error: { code: "no_valid_events", details: { rejected: [{ index: 0, code: "occurred_at_too_old" }] } } });
    const byAdmin = await json("/v1/events", { batch: [old], historical_migration: true }, bearer(p.admin));
    expect(byAdmin.status).toBe(202);
    const [row] = await waitForEvents(p.id, 1);
    expect(row!.occurred_at).toBe(Date.parse(old.occurred_at as string));
  });

  it("lets the operator write to a named project only", async () => {
    const p = await newProject();
    const noProject = await json("/v1/events", ev(), asOperator);
    expect(noProject.status).toBe(400);
    expect(((await noProject.json()) as { error: { code: string } }).error.code).toBe("project_required");
    const missing = await json("/v1/events?project=does-not-exist", ev(), asOperator);
    expect(missing.status).toBe(404);
    const ok = await json(`/v1/events?project=${p.id}`, ev(), asOperator);
    expect(ok.status).toBe(202);
    await waitForEvents(p.id, 1);
  });

  it("accepts names added to the registry, and only those", async () => {
    const p = await newProject();
    const held = recordingQueue();
    const unknown = await postEvents(held.queue, ev("checkout_started"), { "x-edgeloop-key": p.key });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: "no_valid_events", details: { rejected: [{ index: 0, code: "unknown_event_name" }] } } });
    expect(held.batches).toEqual([]); // refused before the queue: nothing to write
    const add = await json(`/v1/admin/projects/${p.id}/event-names`, { event_names: [{ name: "checkout_started", description: "Checkout opened" }] }, bearer(p.admin));
    expect(add.status).toBe(201);
    expect(((await add.json()) as { event_names: Array<{ name: string }> }).event_names.map((e) => e.name)).toContain("checkout_started");
    expect((await json("/v1/events", ev("checkout_started"), { "x-edgeloop-key": p.key })).status).toBe(202);
    await waitForEvents(p.id, 1);
  });

  it("answers 503 with Retry-After, accepting nothing, when the queue refuses", async () => {
    const p = await newProject();
    // The one injected fault: a producer whose sendBatch rejects, as Queues does when it cannot take a batch.
    let attempts = 0;
    const refuse = () => {
      attempts++;
      return Promise.reject(new Error("queue unavailable"));
    };
    const res = await postEvents({ sendBatch: refuse, send: refuse }, [ev(), ev()], { "x-edgeloop-key": p.key });
    expect(attempts).toBeGreaterThan(0); // the 503 is the queue's refusal, not an earlier failure
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: { code: "queue_unavailable" } });
    expect(body).not.toHaveProperty("accepted");
  });
});

describe("POST /v1/collect (navigator.sendBeacon)", () => {
  it("takes a text/plain body with the key in the query string", async () => {
    const p = await newProject();
    const res = await exports.default.fetch(
      new Request(`${BASE}/v1/collect?key=${p.key}`, {
        method: "POST",
        headers: { "content-type": "text/plain;charset=UTF-8", origin: "https://app.example.com" },
        body: JSON.stringify({ batch: [ev("page_view", { user_id: "anon-5" }), ev("bogus")] }),
      }),
    );
    expect(res.status).toBe(202);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1, code: "unknown_event_name" }] });
    const [row] = await waitForEvents(p.id, 1);
    expect(row).toMatchObject({ user_id: "anon-5", user_identified: 0 });
  });
});

describe("enrichment and pseudonymisation", () => {
  it("takes the country from cf and, with ANONYMIZE_USER_IDS=true, stores HMAC-SHA256(salt, project ∅ user) instead of the id", async () => {
    const p = await newProject();
    const anonymizing = { ...env, ANONYMIZE_USER_IDS: "true" };
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/v1/events`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-edgeloop-key": p.key },
        body: JSON.stringify(ev("page_view", { user_id: "anon-77" })),
        cf: { country: "BR" },
      }) as Request<unknown, IncomingRequestCfProperties>,
      anonymizing as never,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(202);
    const [row] = await waitForEvents(p.id, 1);
    // Computed independently of src/: WebCrypto HMAC over the same input.
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(env.USER_ID_SALT as string), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${p.id}\u0000anon-77`));
    const expected = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(row!.user_id).toBe(expected);
    expect(row!.country).toBe("BR");
  });
});

describe("tenancy", () => {
  it("starts each project with seed 000's nine UI events and seed 002's event types", async () => {
    const p = await newProject();
    const res = await call(`/v1/admin/projects/${p.id}/event-names`, { headers: bearer(p.admin) });
    const names = ((await res.json()) as { event_names: Array<{ name: string }> }).event_names.map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "idea_view_opened", "idea_copy_clicked", "idea_regenerate_clicked", "image_generate_clicked", "image_regenerate_clicked",
        "image_download_clicked", "image_download_succeeded", "image_download_failed", "post_save_clicked",
        "page_view", "button_click", "form_submit", "video_play", "course_complete", "search_query", "error_occurred",
      ]),
    );
    expect(names).toHaveLength(16);
  });

  it("stores only the SHA-256 of a publishable key", async () => {
    const p = await newProject();
    const stored = await env.DB.prepare("SELECT * FROM publishable_keys WHERE id = ?1").bind(p.keyId).first<Record<string, unknown>>();
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(p.key));
    expect(stored!.key_hash).toBe([...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join(""));
    expect(Object.values(stored!)).not.toContain(p.key);
  });

  it("creates projects idempotently and validates their ids", async () => {
    const p = await newProject();
    const again = await json("/v1/admin/projects", { id: p.id, name: "renamed?" }, asOperator);
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ id: p.id, name: p.id });
    const bad = await json("/v1/admin/projects", { id: "Bad Id!", name: "x" }, asOperator);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "validation_failed", details: [{ path: ["body", "id"] }] } });
  });
});
