import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAnalytics, type AnalyticsError, type AnalyticsOptions, type QueuedEvent } from "../src/index";
import { accepted, json, memoryStorage, scriptedFetch, type Call } from "./helpers";

const ENDPOINT = "https://edgeloop.test";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function setup(answers: Parameters<typeof scriptedFetch>[0] = [], options: Partial<AnalyticsOptions> = {}, probe = true) {
  const storage = memoryStorage();
  const errors: AnalyticsError[] = [];
  const net = scriptedFetch(answers, probe);
  const analytics = createAnalytics({ endpoint: `${ENDPOINT}/`, key: "pk_test", storage, fetch: net.fetch, onError: (e) => errors.push(e), ...options });
  const stored = () => JSON.parse(storage.getItem("edgeloop:queue") ?? "[]") as QueuedEvent[];
  return { analytics, storage, errors, stored, ...net };
}
const batchOf = (call: Call | undefined) => (call?.body.batch ?? []) as QueuedEvent[];
const names = (call: Call | undefined) => batchOf(call).map((e) => e.event_name);

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse("2026-11-30T12:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("createAnalytics: batching", () => {
  it("sends as soon as a batch is full, with the key, as {batch} to /v1/events", async () => {
    const { analytics, calls } = setup([], { batchSize: 3 });
    analytics.track("button_click", { button: "a" });
    analytics.track("button_click", { button: "b" });
    expect(calls).toHaveLength(0);
    analytics.track("form_submit");
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(`${ENDPOINT}/v1/events`);
    expect(calls[0]!.init.method).toBe("POST");
    expect(calls[0]!.init.headers).toMatchObject({ "content-type": "application/json", "x-edgeloop-key": "pk_test" });
    expect(calls[0]!.init.keepalive).toBe(true);
    expect(names(calls[0])).toEqual(["button_click", "button_click", "form_submit"]);
    const [first] = batchOf(calls[0]);
    expect(first).toMatchObject({ event_name: "button_click", occurred_at: "2026-11-30T12:00:00.000Z", src: "web", properties: { button: "a" } });
    expect(first!.event_id).toMatch(UUID);
    expect(first!.client_session_id).toMatch(UUID);
    expect(first!.user_id).toBe(analytics.anonymousId);
    expect(first!.context).toEqual({ anonymous_id: analytics.anonymousId });
    expect(batchOf(calls[0])[2]).not.toHaveProperty("properties");
  });

  it("sends a partial batch after flushInterval, not before", async () => {
    const { analytics, calls, stored } = setup([], { flushInterval: 5000 });
    analytics.track("page_view");
    await vi.advanceTimersByTimeAsync(4999);
    expect(calls).toHaveLength(0);
    expect(stored()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    expect(stored()).toEqual([]);
  });

  it("flush() sends everything in batches and resolves when the queue is empty", async () => {
    const { analytics, calls, stored } = setup([], { batchSize: 2, flushInterval: 60_000 });
    for (let i = 0; i < 3; i++) analytics.track("button_click", { i });
    // the first two went at once, and the send that was under way took the third along
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    analytics.track("button_click", { i: 3 });
    analytics.track("button_click", { i: 4 });
    await analytics.flush();
    expect(calls.map((c) => batchOf(c).map((e) => e.properties?.i))).toEqual([[0, 1], [2], [3, 4]]);
    expect(stored()).toEqual([]);
  });
});

describe("createAnalytics: retries", () => {
  it("honours Retry-After on 429 and 503, and retries the same event ids", async () => {
    const { analytics, calls, stored, errors } = setup([
      json(429, { error: { code: "rate_limited", message: "slow down" } }, { "retry-after": "7" }),
      json(503, { error: { code: "queue_unavailable", message: "later" } }, { "retry-after": "30" }),
    ]);
    analytics.track("page_view");
    await analytics.flush();
    expect(calls).toHaveLength(1);
    expect(stored()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(6999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
    const ids = calls.map((c) => batchOf(c)[0]!.event_id);
    expect(new Set(ids).size).toBe(1);
    expect(stored()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("backs off exponentially with jitter on 5xx and network errors", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const { analytics, calls } = setup([json(500, {}), new TypeError("Failed to fetch"), json(502, {}), json(503, {})], {}, false);
    analytics.track("page_view");
    await analytics.flush();
    const times: number[] = [Date.now()];
    for (const wait of [500, 1000, 2000, 4000]) {
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(calls).toHaveLength(times.length);
      await vi.advanceTimersByTimeAsync(1);
      times.push(Date.now());
      expect(calls).toHaveLength(times.length);
    }
  });

  it("new events wait for the backoff instead of hammering a failing server", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const { analytics, calls } = setup([json(503, {}, { "retry-after": "20" })], { batchSize: 1 });
    analytics.track("page_view");
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    analytics.track("button_click");
    analytics.track("button_click");
    await vi.advanceTimersByTimeAsync(19_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map(names)).toEqual([["page_view"], ["page_view"], ["button_click"], ["button_click"]]);
  });

  it("retries only the events a 202 lists as queue_unavailable, and reports the refused ones", async () => {
    const { analytics, calls, errors, stored } = setup([
      json(202, {
        accepted: 1,
        rejected: [
          { index: 1, code: "unknown_event_name", message: "'signup' is not registered" },
          { index: 2, code: "queue_unavailable", message: "send it again" },
        ],
      }, { "retry-after": "5" }),
    ]);
    analytics.track("page_view");
    analytics.track("signup");
    analytics.track("button_click");
    await analytics.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "unknown_event_name", status: 202, message: "'signup' is not registered" });
    expect(errors[0]!.events.map((e) => e.event_name)).toEqual(["signup"]);
    expect(stored().map((e) => e.event_name)).toEqual(["button_click"]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(names(calls[1])).toEqual(["button_click"]);
    expect(batchOf(calls[1])[0]!.event_id).toBe(batchOf(calls[0])[2]!.event_id);
    expect(stored()).toEqual([]);
  });

  it("drops and reports the batch on a 4xx such as a refused origin or key", async () => {
    const { analytics, calls, errors, stored } = setup([json(403, { error: { code: "origin_not_allowed", message: "This key does not allow the origin" } })]);
    analytics.track("page_view");
    analytics.track("button_click");
    await analytics.flush();
    expect(stored()).toEqual([]);
    expect(errors).toEqual([{ code: "origin_not_allowed", message: "This key does not allow the origin", status: 403, events: batchOf(calls[0]) }]);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(1);
  });

  it("reports a request the browser blocked (the server answers, the request fails) and keeps the events", async () => {
    const { analytics, errors, stored, probes } = setup([new TypeError("Failed to fetch")]);
    analytics.track("page_view");
    await analytics.flush();
    expect(probes).toEqual([`${ENDPOINT}/healthz`]);
    expect(errors.map((e) => e.code)).toEqual(["request_blocked"]);
    expect(errors[0]!.message).toContain("allowed origins");
    expect(stored()).toHaveLength(1);
  });

  it("says nothing when the network itself is down, and delivers later", async () => {
    const { analytics, errors, stored, calls } = setup([new TypeError("Failed to fetch")], {}, false);
    analytics.track("page_view");
    await analytics.flush();
    expect(errors).toEqual([]);
    expect(stored()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2);
    expect(stored()).toEqual([]);
  });

  it("without onError, a refusal is written to the console", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const net = scriptedFetch([json(401, { error: { code: "unauthenticated", message: "Unknown key" } })]);
    const analytics = createAnalytics({ endpoint: ENDPOINT, key: "pk_bad", storage: memoryStorage(), fetch: net.fetch });
    analytics.track("page_view");
    await analytics.flush();
    expect(log).toHaveBeenCalledWith("[edgeloop] unauthenticated: Unknown key");
  });
});

describe("createAnalytics: the stored queue", () => {
  it("keeps at most maxQueue events, dropping the oldest and saying so", async () => {
    const { analytics, errors, stored } = setup([], { maxQueue: 3, batchSize: 100, flushInterval: 60_000 });
    const ids = Array.from({ length: 5 }, (_, i) => analytics.track("button_click", { i }));
    expect(stored().map((e) => e.event_id)).toEqual(ids.slice(2));
    expect(errors.map((e) => [e.code, e.events[0]!.event_id])).toEqual([["queue_full", ids[0]], ["queue_full", ids[1]]]);
  });

  it("a new page on the same storage sends what the last one left, with the same ids and anonymous id", async () => {
    const first = setup([new TypeError("offline")], { flushInterval: 60_000 }, false);
    const id = first.analytics.track("page_view");
    await first.analytics.flush();
    expect(first.stored().map((e) => e.event_id)).toEqual([id]);

    const net = scriptedFetch([]);
    const second = createAnalytics({ endpoint: ENDPOINT, key: "pk_test", storage: first.storage, fetch: net.fetch });
    expect(second.anonymousId).toBe(first.analytics.anonymousId);
    await vi.advanceTimersByTimeAsync(0);
    expect(net.calls.map((c) => batchOf(c).map((e) => e.event_id))).toEqual([[id]]);
    expect(first.stored()).toEqual([]);
  });

  it("starts a new client session after 30 idle minutes, and reset() starts a new anonymous id", async () => {
    const { analytics, stored } = setup([], { batchSize: 100, flushInterval: 3_600_000 });
    analytics.track("page_view");
    vi.setSystemTime(Date.now() + 29 * 60_000);
    analytics.track("page_view");
    vi.setSystemTime(Date.now() + 30 * 60_000);
    analytics.track("page_view");
    const before = analytics.anonymousId;
    analytics.reset();
    analytics.track("page_view");
    const sessions = stored().map((e) => e.client_session_id);
    expect(sessions[1]).toBe(sessions[0]);
    expect(sessions[2]).not.toBe(sessions[1]);
    expect(sessions[3]).not.toBe(sessions[2]);
    expect(analytics.anonymousId).not.toBe(before);
    expect(stored()[3]!.user_id).toBe(analytics.anonymousId);
  });
});

describe("createAnalytics: identity and decisions", () => {
  it("identify() sends the identify event with traits and names the user on later events; reset() forgets", () => {
    const { analytics, stored } = setup([], { batchSize: 100 });
    const anon = analytics.anonymousId;
    analytics.identify("user-42", { plan: "pro" });
    analytics.track("button_click");
    analytics.reset();
    analytics.track("button_click");
    const q = stored();
    expect(q[0]).toMatchObject({ event_name: "identify", user_id: "user-42", properties: { plan: "pro" }, context: { anonymous_id: anon } });
    expect(q[1]).toMatchObject({ user_id: "user-42" });
    expect(q[2]!.user_id).toBe(analytics.anonymousId);
    expect(analytics.userId).toBeUndefined();
  });

  it("identifyEvent: false only names the user", () => {
    const { analytics, stored } = setup([], { identifyEvent: false });
    analytics.identify("user-42");
    expect(stored()).toEqual([]);
    expect(analytics.userId).toBe("user-42");
  });

  it("decide() posts with the JWT, retries a 503 with the same request_id, and later events carry the decision", async () => {
    const decision = { decision_id: "d".repeat(64), decision_type: "image_pregen", action: "pre_generate", policy_id: "image_pregen_bandit_v0", policy_version: 0, bucket: "b", propensity: 0.5, explored: false };
    const { analytics, calls, stored } = setup(
      [json(503, { error: { code: "decision_not_recorded", message: "retry" } }, { "retry-after": "1" }), json(200, decision)],
      { token: async () => "jwt-abc", batchSize: 100 },
    );
    analytics.identify("idea-owner");
    const answer = analytics.decide("image_pregen", { post_type: "carousel" }, { resource_id: "42" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await answer).toEqual(decision);
    expect(calls.map((c) => c.url)).toEqual([`${ENDPOINT}/v1/decisions`, `${ENDPOINT}/v1/decisions`]);
    expect(calls[0]!.init.headers).toMatchObject({ authorization: "Bearer jwt-abc" });
    expect(calls[0]!.body).toMatchObject({ decision_type: "image_pregen", unit_id: "idea-owner", context: { post_type: "carousel" }, resource_id: "42" });
    expect(calls[1]!.body.request_id).toBe(calls[0]!.body.request_id);
    analytics.track("image_generate_clicked");
    expect(stored().at(-1)).toMatchObject({ decision_id: decision.decision_id, policy_id: "image_pregen_bandit_v0" });
  });

  it("decide() keeps its defaults for options given as undefined", async () => {
    const { analytics, calls } = setup([json(200, { decision_id: "d1", policy_id: "p1" })], { token: "jwt" });
    await analytics.decide("image_pregen", undefined, { unit_id: undefined, request_id: undefined });
    expect(calls[0]!.body).toMatchObject({ unit_id: analytics.anonymousId, context: {} });
    expect(calls[0]!.body.request_id).toMatch(UUID);
  });

  it("decide() rejects with the server's code when refused", async () => {
    const { analytics } = setup([json(403, { error: { code: "forbidden", message: "Publishable keys can only send events" } })]);
    await expect(analytics.decide("image_pregen")).rejects.toMatchObject({ code: "forbidden", status: 403, message: "Publishable keys can only send events" });
  });
});

describe("createAnalytics: hostile storage and servers", () => {
  it("a stored queue, anonymous id, user or session of the wrong shape is set aside: the page tracks and delivers", async () => {
    const storage = memoryStorage();
    storage.setItem("edgeloop:queue", JSON.stringify([null, 7, "x", { event_name: "no_id" }, { event_id: "e-1", event_name: "page_view", occurred_at: "2026-11-30T11:59:00Z" }]));
    storage.setItem("edgeloop:anon", "{}");
    storage.setItem("edgeloop:user", "[1]");
    storage.setItem("edgeloop:session", '{"id":5}');
    const net = scriptedFetch([]);
    const errors: AnalyticsError[] = [];
    const analytics = createAnalytics({ endpoint: ENDPOINT, key: "pk_test", storage, fetch: net.fetch, onError: (e) => errors.push(e) });
    expect(analytics.anonymousId).toMatch(UUID);
    analytics.track("button_click");
    await analytics.flush();
    const sent = net.calls.flatMap(batchOf);
    expect(sent.map((e) => e.event_name)).toEqual(["page_view", "button_click"]);
    expect(sent[1]!.user_id).toBe(analytics.anonymousId);
    expect(sent[1]!.client_session_id).toMatch(UUID);
    expect(JSON.parse(storage.getItem("edgeloop:queue")!)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("a Retry-After past what setTimeout holds (2^31 ms, else it fires at once) is capped: no retry storm", async () => {
    const { analytics, calls } = setup([json(503, {}, { "retry-after": "99999999" })], { batchSize: 1 });
    analytics.track("button_click");
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toHaveLength(1);
    // Not at once, not before an hour: the cap.
    await vi.advanceTimersByTimeAsync(3_599_000);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(2);
  });
});
