// Segment's HTTP API in workerd: every route, Basic and body writeKeys, gzip, retries, identify links and traits, auth failures.
import { describe, expect, it } from "vitest";
import { bearer, call, json } from "../helpers/api";
import { basic, compatProject, everythingStored, gzip, hmac, identitiesOf, post, setPii, settledEvents } from "./helpers";
import { uuidV5 } from "../../src/compat/event-id";

const iso = (ms: number) => new Date(ms).toISOString();

/** What @segment/analytics-node 3.x posts to /v1/batch (its shape, measured). */
function nodeBatch(writeKey: string, sentAt: number, messages: Array<Record<string, unknown>>) {
  return {
    batch: messages.map((m, i) => ({
      context: { library: { name: "@segment/analytics-node", version: "3.1.0" } },
      integrations: {},
      _metadata: { jsRuntime: "node" },
      messageId: `node-next-${sentAt}-${crypto.randomUUID()}`,
      timestamp: iso(sentAt - 1000 * (messages.length - i)),
      ...m,
    })),
    writeKey,
    sentAt: iso(sentAt),
  };
}

type SegmentAnswer = { success: boolean; accepted: number; rejected: Array<{ index: number; code: string }>; event_ids: string[] };

describe("Segment /v1/batch", () => {
  it("accepts analytics-node's batch with Basic auth: {success: true}, ids from messageId, names normalised, original kept", async () => {
    const p = await compatProject(["order_completed"]);
    const body = nodeBatch(p.key, Date.now(), [
      { type: "identify", userId: "u-1", anonymousId: "anon-1", traits: { plan: "pro" } },
      { type: "track", event: "Order Completed", userId: "u-1", properties: { order_id: "o-1", revenue: 25, products: [{ sku: "G-32", price: 18.99 }] } },
      { type: "page", name: "Pricing", anonymousId: "anon-1", properties: { path: "/pricing" } },
    ]);
    const res = await json("/v1/batch", body, basic(p.key));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as SegmentAnswer;
    expect(answer).toMatchObject({ success: true, accepted: 3, rejected: [] });
    const expectedIds = await Promise.all(body.batch.map((m) => uuidV5(`${p.id}\u0000${m.messageId}`)));
    expect(answer.event_ids).toEqual(expectedIds);

    const rows = await settledEvents(p.id, p.key, 3);
    const byName = Object.fromEntries(rows.map((r) => [r.event_name, r]));
    expect(Object.keys(byName).sort()).toEqual(["identify", "order_completed", "page_view"]);
    expect(byName.order_completed).toMatchObject({ user_id: "u-1", src: "@segment/analytics-node", event_id: expectedIds[1] });
    expect(JSON.parse(byName.order_completed!.properties as string)).toEqual({ order_id: "o-1", revenue: 25, "products.0.sku": "G-32", "products.0.price": 18.99, $event_original: "Order Completed" });
    expect(JSON.parse(byName.order_completed!.context as string)).toEqual({ "library.name": "@segment/analytics-node", "library.version": "3.1.0" });
    expect(JSON.parse(byName.page_view!.properties as string)).toEqual({ path: "/pricing", name: "Pricing", $event_original: "page" });
    expect(JSON.parse(byName.identify!.properties as string)).toEqual({ "traits.plan": "pro" });
  });

  it("corrects the client's clock: occurred_at = receivedAt − (sentAt − timestamp)", async () => {
    const p = await compatProject();
    const skew = 3 * 3600_000; // the client's clock runs three hours fast
    const clientNow = Date.now() + skew;
    const before = Date.now();
    const res = await json("/v1/batch", nodeBatch(p.key, clientNow, [{ type: "page", anonymousId: "a", timestamp: iso(clientNow - 60_000) }]), basic(p.key));
    const after = Date.now();
    expect(res.status).toBe(200);
    const [row] = await settledEvents(p.id, p.key, 1);
    // One minute before the server received it, not three hours ahead.
    expect(row!.occurred_at as number).toBeGreaterThanOrEqual(before - 60_000);
    expect(row!.occurred_at as number).toBeLessThanOrEqual(after - 60_000);
  });

  it("a retry of the same batch lands nothing twice", async () => {
    const p = await compatProject(["signed_up"]);
    const body = nodeBatch(p.key, Date.now(), [
      { type: "track", event: "Signed Up", userId: "u-2" },
      { type: "screen", name: "Home", userId: "u-2" },
    ]);
    const first = (await (await json("/v1/batch", body, basic(p.key))).json()) as SegmentAnswer;
    const second = (await (await json("/v1/batch", body, basic(p.key))).json()) as SegmentAnswer;
    expect(second.event_ids).toEqual(first.event_ids);
    const rows = await settledEvents(p.id, p.key, 2);
    expect(rows.map((r) => r.event_id).sort()).toEqual([...first.event_ids].sort());
  });

  it("takes a gzip body (Content-Encoding: gzip) and the writeKey in the body alone", async () => {
    const p = await compatProject();
    const body = nodeBatch(p.key, Date.now(), [{ type: "page", anonymousId: "a-gz" }]);
    const res = await post("/v1/batch", await gzip(JSON.stringify(body)), { "content-type": "application/json", "content-encoding": "gzip" });
    expect(res.status).toBe(200);
    expect(await settledEvents(p.id, p.key, 1)).toHaveLength(1);
  });

  it("refuses part of a batch by index with 200 (Segment drops a batch on 4xx), and the whole with 400 when nothing is valid", async () => {
    const p = await compatProject();
    const partial = nodeBatch(p.key, Date.now(), [
      { type: "track", event: "Not Registered", userId: "u" },
      { type: "page", anonymousId: "a" },
      { type: "track", userId: "u" },
      { type: "page" },
    ]);
    const res = await json("/v1/batch", partial, basic(p.key));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as SegmentAnswer;
    expect(answer.accepted).toBe(1);
    expect(answer.rejected.map((r) => [r.index, r.code])).toEqual([
      [0, "unknown_event_name"],
      [2, "invalid_event_name"],
      [3, "invalid_field"],
    ]);
    const none = await json("/v1/batch", nodeBatch(p.key, Date.now(), [{ type: "nope", userId: "u" }]), basic(p.key));
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("no_valid_events");
  });
});

describe("Segment single-call routes", () => {
  it.each([
    ["/v1/track", "signed_up", { event: "Signed Up", userId: "u-3", properties: { plan: "pro" } }],
    ["/v1/identify", "identify", { userId: "u-3", anonymousId: "anon-3", traits: { plan: "pro" } }],
    ["/v1/page", "page_view", { anonymousId: "anon-3", name: "Home", properties: { path: "/" } }],
    ["/v1/screen", "screen_view", { userId: "u-3", name: "Settings" }],
    ["/v1/group", "group", { userId: "u-3", groupId: "acme", traits: { plan: "enterprise" } }],
    ["/v1/alias", "alias", { userId: "u-3", previousId: "anon-9" }],
  ])("%s takes one message (writeKey in the body) and stores it as %s", async (path, name, message) => {
    const p = await compatProject(["signed_up"]);
    const res = await json(path, { ...message, writeKey: p.key, messageId: `m-${path}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, accepted: 1 });
    const rows = await settledEvents(p.id, p.key, 1);
    expect(rows.map((r) => [r.event_name, r.event_id])).toEqual([[name, await uuidV5(`${p.id}\u0000m-${path}`)]]);
  });
});

describe("Segment identify and alias", () => {
  it("link the anonymous id to the user, once, in D1", async () => {
    const p = await compatProject();
    await json("/v1/identify", { userId: "u-7", anonymousId: "anon-7", messageId: "i-1" }, basic(p.key));
    await json("/v1/identify", { userId: "u-8", anonymousId: "anon-7", messageId: "i-2" }, basic(p.key)); // a second account on the same device
    await json("/v1/alias", { userId: "u-7", previousId: "old-7", messageId: "a-1" }, basic(p.key));
    await settledEvents(p.id, p.key, 3);
    expect(await identitiesOf(p.id)).toEqual([
      { anonymous_id: "anon-7", user_id: "u-7", source: "identify" },
      { anonymous_id: "old-7", user_id: "u-7", source: "alias" },
    ]);
  });

  it("drop traits.email when the project refuses personal identifiers, and keep the other traits", async () => {
    const p = await compatProject();
    const res = await json("/v1/identify", { userId: "u-9", anonymousId: "anon-9", traits: { email: "Ana.Souza@example.com", name: "Ana Souza", plan: "pro" } }, basic(p.key));
    expect(res.status).toBe(200);
    const [row] = await settledEvents(p.id, p.key, 1);
    expect(JSON.parse(row!.properties as string)).toEqual({ "traits.plan": "pro" });
    const stored = await everythingStored(p.id);
    expect(stored).not.toMatch(/ana/i);
  });

  it("pseudonymise traits.email when the project says so: only the HMAC is in D1", async () => {
    const p = await compatProject();
    expect((await setPii(p.id, p.admin, { pii_identifiers: "pseudonymize" })).status).toBe(200);
    const res = await json("/v1/identify", { userId: "u-10", anonymousId: "anon-10", traits: { email: "Ana.Souza@example.com", plan: "pro" } }, basic(p.key));
    expect(res.status).toBe(200);
    const [row] = await settledEvents(p.id, p.key, 1);
    expect(JSON.parse(row!.properties as string)).toEqual({ "traits.plan": "pro", "traits.email": await hmac(p.id, "ana.souza@example.com") });
    expect(await everythingStored(p.id)).not.toMatch(/ana|example\.com/i);
  });
});

describe("Segment authentication", () => {
  const message = (key?: string) => ({ type: "page", anonymousId: "a", ...(key ? { writeKey: key } : {}) });

  it("no key: 401", async () => {
    const res = await json("/v1/batch", { batch: [message()] });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
  });

  it("a wrong key (Basic or body): 401 invalid_key", async () => {
    for (const res of [await json("/v1/batch", { batch: [message()] }, basic("pk_wrong")), await json("/v1/page", message("pk_wrong"))]) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_key");
    }
  });

  it("a revoked key: 401", async () => {
    const p = await compatProject();
    expect((await call(`/v1/admin/projects/${p.id}/keys/${p.keyId}`, { method: "DELETE", headers: bearer(p.admin) })).status).toBe(200);
    expect((await json("/v1/page", message(), basic(p.key))).status).toBe(401);
  });

  it("a browser origin outside the key's allow-list: 403; inside it: 200 with CORS", async () => {
    const p = await compatProject([], { origins: ["https://app.example.com"] });
    const denied = await json("/v1/page", message(), { ...basic(p.key), origin: "https://evil.example" });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe("origin_not_allowed");
    const allowed = await json("/v1/page", message(), { ...basic(p.key), origin: "https://app.example.com" });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
  });
});
