// The unmodified @segment/analytics-node and posthog-node against a local `wrangler dev`: every event lands in D1 once,
// also when the first answer is lost and the client retries the batch.
import { Analytics } from "@segment/analytics-node";
import { PostHog } from "posthog-node";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { api, parseCsv, startLosingProxy, startWorker, uuidV5 } from "./worker.mjs";

const day = 86_400_000;
const date = (ms) => new Date(ms).toISOString().slice(0, 10);

let worker;
let proxy;
let call;
let project;
let key;

before(async () => {
  worker = await startWorker();
  proxy = await startLosingProxy(worker.base, ["/v1/batch", "/batch/"]);
  call = api(worker.base, worker.adminToken);
  project = `clients-${Date.now().toString(36)}`;
  await call("POST", "/v1/admin/projects", { id: project, name: "client tests" });
  key = JSON.parse(await call("POST", `/v1/admin/projects/${project}/keys`, { allowed_origins: ["https://app.example.com"] })).key;
  // The clients' custom events are registered as any project registers its names; their standard events need not be.
  await call("POST", `/v1/admin/projects/${project}/event-names`, { event_names: [{ name: "order_completed" }, { name: "purchase" }] });
});

after(async () => {
  await proxy?.stop();
  await worker?.stop();
});

/** The project's events through the CSV export API, by event_id. */
async function storedEvents() {
  const now = Date.now();
  const csv = await call("GET", `/v1/reports/events?format=csv&from=${date(now - day)}&to=${date(now + day)}&project=${project}`);
  return parseCsv(csv);
}

/** Polls the export until every id is there (bounded), then returns all rows. */
async function waitForIds(ids) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = await storedEvents();
    const have = new Set(rows.map((r) => r.event_id));
    if (ids.every((id) => have.has(id))) return rows;
    if (Date.now() > deadline) throw new Error(`missing ${ids.filter((id) => !have.has(id)).length} of ${ids.length} events\n${worker.log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const requestsTo = (pathname) => proxy.requests.filter((r) => r.pathname === pathname);

describe("unmodified clients against the local Worker", { timeout: 240_000 }, () => {
  it("@segment/analytics-node: track, identify, page, screen, group, alias land once after a retried batch", async () => {
    const analytics = new Analytics({ writeKey: key, host: proxy.base, flushAt: 50, flushInterval: 60_000, maxRetries: 5 });
    const errors = [];
    analytics.on("error", (e) => errors.push(e));
    analytics.page({ anonymousId: "seg-anon", name: "Pricing", properties: { path: "/pricing", url: "https://app.example.com/pricing" } });
    analytics.identify({ userId: "seg-user", anonymousId: "seg-anon", traits: { email: "ana@example.com", plan: "pro" } });
    analytics.track({ userId: "seg-user", event: "Order Completed", properties: { order_id: "o-1", revenue: 25, currency: "USD", products: [{ sku: "G-32", price: 18.99 }] } });
    analytics.screen({ userId: "seg-user", name: "Settings" });
    analytics.group({ userId: "seg-user", groupId: "acme", traits: { industry: "software" } });
    analytics.alias({ userId: "seg-user", previousId: "seg-legacy" });
    await analytics.closeAndFlush();
    assert.deepEqual(errors, []);

    // The first batch was accepted by the Worker, its answer replaced by 503; the client sent the same messages again.
    const sent = requestsTo("/v1/batch");
    assert.equal(sent.length, 2);
    assert.deepEqual(sent.map((r) => r.status), [200, 200]);
    assert.match(sent[0].headers.authorization, /^Basic /);
    const messageIds = sent.map((r) => JSON.parse(r.body.toString("utf8")).batch.map((m) => m.messageId));
    assert.deepEqual(messageIds[1], messageIds[0]);
    assert.equal(messageIds[0].length, 6);

    const ids = messageIds[0].map((m) => uuidV5(`${project}\u0000${m}`));
    const rows = (await waitForIds(ids)).filter((r) => ids.includes(r.event_id));
    assert.equal(rows.length, ids.length, "each Segment message is one row");
    assert.deepEqual(rows.map((r) => r.event_name).sort(), ["alias", "group", "identify", "order_completed", "page_view", "screen_view"]);
    assert.ok(!JSON.stringify(rows).includes("ana@example.com"), "traits.email is never stored in clear");

    // The anonymous page view counts as the identified user's.
    const analyticsOfUser = JSON.parse(await call("GET", `/v1/users/seg-user/analytics?project=${project}`));
    assert.equal(analyticsOfUser.total_events, 6);
  });

  it("posthog-node: capture, identify, alias land once after a retried gzip batch", async () => {
    const client = new PostHog(key, { host: proxy.base, flushAt: 50, flushInterval: 0, fetchRetryDelay: 100, fetchRetryCount: 3 });
    const errors = [];
    client.on("error", (e) => errors.push(e));
    client.capture({ distinctId: "ph-anon", event: "$pageview", properties: { $current_url: "https://app.example.com/", plan: "free" } });
    client.identify({ distinctId: "ph-user", properties: { $set: { email: "bo@example.com", plan: "pro" }, $anon_distinct_id: "ph-anon" } });
    client.capture({ distinctId: "ph-user", event: "purchase", properties: { amount: 12.5, currency: "EUR" } });
    client.alias({ distinctId: "ph-user", alias: "ph-legacy" });
    await client.shutdown();
    assert.deepEqual(errors, []);

    const sent = requestsTo("/batch/");
    assert.equal(sent.length, 2);
    assert.deepEqual(sent.map((r) => r.status), [200, 200]);
    assert.equal(sent[0].headers["content-encoding"], "gzip");
    const uuids = sent.map((r) => JSON.parse(gunzipSync(r.body).toString("utf8")).batch.map((e) => e.uuid));
    assert.deepEqual(uuids[1], uuids[0]);
    assert.equal(uuids[0].length, 4);

    const rows = (await waitForIds(uuids[0])).filter((r) => uuids[0].includes(r.event_id));
    assert.equal(rows.length, 4, "each PostHog event is one row");
    assert.deepEqual(rows.map((r) => r.event_name).sort(), ["alias", "identify", "page_view", "purchase"]);
    assert.ok(!JSON.stringify(rows).includes("bo@example.com"), "$set.email is never stored in clear");
    const analyticsOfUser = JSON.parse(await call("GET", `/v1/users/ph-user/analytics?project=${project}`));
    assert.equal(analyticsOfUser.total_events, 4);
  });

  it("nothing else was written: the project holds exactly the ten events the clients sent", async () => {
    assert.equal((await storedEvents()).length, 10);
  });
});
