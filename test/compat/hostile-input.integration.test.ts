// Compat routes against hostile or broken clients: impossible times, secrets in the config path, personal data in trait keys.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, json, call } from "../helpers/api";
import { basic, compatProject, everythingStored, setPii, settledEvents } from "./helpers";

type Answer = { accepted: number; rejected: Array<{ index: number; code: string }> };
const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;

describe("timestamps no Date can hold", () => {
  it.each([
    ["a numeric timestamp past Date's range", { timestamp: 1e300 }, ["invalid_occurred_at"]],
    // Unreadable sentAt: the 2024 timestamp stands, and is too old.
    ["a numeric sentAt past Date's range", { timestamp: "2024-01-01T00:00:00Z", sentAt: -1e300 }, ["occurred_at_too_old"]],
    // sentAt before the timestamp: the event is put at its arrival instead of 10^16 ms ahead.
    ["a skew correction past Date's range", { timestamp: "+275760-09-13T00:00:00.000Z", sentAt: "-271821-04-20T00:00:00.000Z" }, []],
  ])("%s: answered 200 (refused by index or corrected), never a 500", async (_, times, codes) => {
    const p = await compatProject();
    const res = await json("/v1/batch", { batch: [{ type: "page", anonymousId: "a", messageId: "ok" }, { type: "page", anonymousId: "a", messageId: "bad", ...times }] }, basic(p.key));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Answer;
    expect(answer.rejected.map((r) => [r.index, r.code])).toEqual(codes.map((code) => [1, code]));
    expect(answer.accepted).toBe(2 - codes.length);
  });

  it("PostHog: a timestamp past Date's range is refused by index, never a 500", async () => {
    const p = await compatProject();
    const res = await json("/batch/", { api_key: p.key, batch: [{ event: "$pageview", distinct_id: "d", uuid: crypto.randomUUID() }, { event: "$pageview", distinct_id: "d", timestamp: 8.7e15 }] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Answer).rejected.map((r) => r.index)).toEqual([1]);
  });
});

describe("clock-skew correction with a broken sentAt", () => {
  it("a sentAt earlier than the timestamp never moves the event into the future", async () => {
    const p = await compatProject();
    const now = Date.now();
    // sentAt a day before the call: taken at face value the event would happen a day after it arrived.
    const res = await json("/v1/batch", { sentAt: iso(now - DAY), batch: [{ type: "page", anonymousId: "a", timestamp: iso(now), messageId: "m" }] }, basic(p.key));
    expect(res.status).toBe(200);
    expect(((await res.json()) as Answer).accepted).toBe(1);
    const [row] = await settledEvents(p.id, p.key, 1);
    expect(row!.occurred_at as number).toBeLessThanOrEqual(Date.now());
    expect(row!.occurred_at as number).toBeGreaterThanOrEqual(now - 60_000);
  });

  it("a sentAt centuries ahead (a broken clock field, not a queue) does not send the event to year 0: the timestamp stands", async () => {
    const p = await compatProject();
    const now = Date.now();
    const res = await json("/v1/batch", { sentAt: "9999-12-31T23:59:59Z", batch: [{ type: "page", anonymousId: "a", timestamp: iso(now - 60_000), messageId: "m" }] }, basic(p.key));
    expect(res.status).toBe(200);
    expect(((await res.json()) as Answer).accepted).toBe(1);
    const [row] = await settledEvents(p.id, p.key, 1);
    expect(row!.occurred_at).toBe(now - 60_000);
  });
});

describe("posthog-js's remote config path", () => {
  it("takes only a publishable key: the operator token in the path is refused, not echoed into a publicly cached script", async () => {
    for (const path of [`/array/${ADMIN_TOKEN}/config.js`, `/array/${ADMIN_TOKEN}/config`]) {
      const res = await call(path);
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: { code: "invalid_key" } });
      expect(text).not.toContain(ADMIN_TOKEN);
    }
  });

  it("a publishable key still gets its config", async () => {
    const p = await compatProject();
    const res = await call(`/array/${p.key}/config`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { token: string }).token).toBe(p.key);
  });
});

describe("personal data in trait keys", () => {
  it("an email used as a trait's key is not stored, even when its value is pseudonymised", async () => {
    const p = await compatProject();
    expect((await setPii(p.id, p.admin, { pii_identifiers: "pseudonymize" })).status).toBe(200);
    const res = await json("/v1/identify", { userId: "u-1", anonymousId: "anon-1", traits: { "ana.souza@example.com": "ana.souza@example.com", plan: "pro" } }, basic(p.key));
    expect(res.status).toBe(200);
    const [row] = await settledEvents(p.id, p.key, 1);
    expect(JSON.parse(row!.properties as string)).toEqual({ "traits.plan": "pro" });
    expect(await everythingStored(p.id)).not.toMatch(/souza|example\.com/i);
  });

  it("PostHog $set with an email key: not stored either", async () => {
    const p = await compatProject();
    expect((await setPii(p.id, p.admin, { pii_identifiers: "pseudonymize" })).status).toBe(200);
    const res = await json("/batch/", {
      api_key: p.key,
      batch: [{ event: "$identify", distinct_id: "u-2", uuid: crypto.randomUUID(), properties: { $anon_distinct_id: "anon-2", $set: { "ana.souza@example.com": "+55 11 91234-5678", plan: "pro" } } }],
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Answer).accepted).toBe(1);
    await settledEvents(p.id, p.key, 1);
    expect(await everythingStored(p.id)).not.toMatch(/souza|example\.com/i);
  });
});
