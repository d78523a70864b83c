import { describe, expect, it } from "vitest";
import type { Principal } from "../../../src/http/principal";
import { pseudonymizeUserId, requestFacts, resolveUser, toEventRow, type RequestFacts } from "../../../src/ingest/enrich";
import type { ValidEvent } from "../../../src/ingest/validate-events";

const CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const IPHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const SALT = "unit-test-salt-0123456789";

const operator: Principal = { kind: "operator" };
const jwtUser: Principal = { kind: "jwt", sub: "sub-1", role: "user", projectId: "p1" };
const jwtAdmin: Principal = { kind: "jwt", sub: "admin-1", role: "admin", projectId: "p1" };
const key: Principal = { kind: "publishable_key", keyId: "k1", projectId: "p1", allowedOrigins: ["*"], ingestLimitPerMinute: null };

async function expectedHmac(salt: string, project: string, user: string): Promise<string> {
  const enc = new TextEncoder();
  const k = await crypto.subtle.importKey("raw", enc.encode(salt), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", k, enc.encode(`${project}\u0000${user}`));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("requestFacts", () => {
  it("reads Chrome on Windows as a desktop", () => {
    expect(requestFacts(CHROME_WINDOWS, "BR", 123)).toEqual({ receivedAt: 123, country: "BR", browser: "Chrome", os: "Windows", deviceType: "desktop" });
  });

  it("reads Safari on an iPhone as mobile iOS", () => {
    expect(requestFacts(IPHONE_SAFARI, undefined, 1)).toMatchObject({ os: "iOS", deviceType: "mobile", browser: "Mobile Safari" });
  });

  it("gives no device type to a UA without a recognised browser or OS", () => {
    expect(requestFacts("my-backend-sdk/1.0", undefined, 1)).toEqual({ receivedAt: 1, country: null, browser: null, os: null, deviceType: null });
  });

  it.each([undefined, ""])("leaves everything null without a User-Agent (%j)", (ua) => {
    expect(requestFacts(ua, undefined, 7)).toEqual({ receivedAt: 7, country: null, browser: null, os: null, deviceType: null });
  });

  it.each([["BR", "BR"], ["T1", "T1"], ["XX1", null], ["br", null], ["B", null], [42, null], [null, null], [undefined, null]])(
    "country %j → %j",
    (country, expected) => {
      expect(requestFacts(undefined, country, 0).country).toBe(expected);
    },
  );
});

describe("resolveUser", () => {
  it("uses a user JWT's sub over the body's user_id", () => {
    expect(resolveUser(jwtUser, "body-id")).toEqual({ userId: "sub-1", identified: 1 });
    expect(resolveUser(jwtUser, undefined)).toEqual({ userId: "sub-1", identified: 1 });
  });

  it("keeps an admin JWT's body user_id, identified", () => {
    expect(resolveUser(jwtAdmin, "body-id")).toEqual({ userId: "body-id", identified: 1 });
  });

  it("keeps the operator's body user_id, identified", () => {
    expect(resolveUser(operator, "body-id")).toEqual({ userId: "body-id", identified: 1 });
  });

  it("marks an admin's event without a user as not identified", () => {
    expect(resolveUser(operator, undefined)).toEqual({ userId: null, identified: 0 });
    expect(resolveUser(jwtAdmin, undefined)).toEqual({ userId: null, identified: 0 });
  });

  it("keeps a publishable key's body user_id, anonymous", () => {
    expect(resolveUser(key, "anon-1")).toEqual({ userId: "anon-1", identified: 0 });
    expect(resolveUser(key, undefined)).toEqual({ userId: null, identified: 0 });
  });
});

describe("pseudonymizeUserId", () => {
  it("is an HMAC-SHA256 over project NUL user, in 64 hex characters", async () => {
    const id = await pseudonymizeUserId(SALT, "p1", "user-42");
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(id).toBe(await expectedHmac(SALT, "p1", "user-42"));
  });

  it("is deterministic", async () => {
    expect(await pseudonymizeUserId(SALT, "p1", "user-42")).toBe(await pseudonymizeUserId(SALT, "p1", "user-42"));
  });

  it("differs across projects, salts and users", async () => {
    const base = await pseudonymizeUserId(SALT, "p1", "user-42");
    expect(await pseudonymizeUserId(SALT, "p2", "user-42")).not.toBe(base);
    expect(await pseudonymizeUserId(`${SALT}x`, "p1", "user-42")).not.toBe(base);
    expect(await pseudonymizeUserId(SALT, "p1", "user-43")).not.toBe(base);
  });

  it("cannot be confused by moving characters between project and user", async () => {
    expect(await pseudonymizeUserId(SALT, "p1", "1user")).not.toBe(await pseudonymizeUserId(SALT, "p11", "user"));
  });
});

describe("toEventRow", () => {
  const facts: RequestFacts = { receivedAt: 2000, country: "BR", browser: "Chrome", os: "Windows", deviceType: "desktop" };
  const EVENT_ID = "0b6c1b7e-2f4a-4c9e-9a57-5d3f0e1c2b3a";
  const valid = (event: ValidEvent["event"]): ValidEvent => ({ index: 0, event, occurredAt: 1000 });

  it("maps a full event to a row", async () => {
    const row = await toEventRow(
      valid({
        event_id: EVENT_ID, event_name: "page_view", client_session_id: "6f1d2c3b-4a5e-4f60-8172-93a4b5c6d7e8", user_id: "anon-1",
        request_id: "r1", resource_type: "idea", resource_id: "i1", decision_id: "d1", policy_id: "pol1", src: "web",
        context: { path: "/x" }, properties: { n: 1, ok: true },
      }),
      "p1", key, facts, null,
    );
    expect(row).toEqual({
      event_id: EVENT_ID, project_id: "p1", event_name: "page_view", occurred_at: 1000, received_at: 2000, user_id: "anon-1",
      user_identified: 0, client_session_id: "6f1d2c3b-4a5e-4f60-8172-93a4b5c6d7e8", request_id: "r1", resource_type: "idea",
      resource_id: "i1", decision_id: "d1", policy_id: "pol1", src: "web", context: '{"path":"/x"}', properties: '{"n":1,"ok":true}',
      country: "BR", browser: "Chrome", os: "Windows", device_type: "desktop",
    });
  });

  it("assigns a fresh UUID when event_id is missing, and nulls the absent fields", async () => {
    const a = await toEventRow(valid({ event_name: "page_view" }), "p1", operator, facts, null);
    const b = await toEventRow(valid({ event_name: "page_view" }), "p1", operator, facts, null);
    expect(a.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.event_id).not.toBe(b.event_id);
    expect(a).toMatchObject({
      user_id: null, user_identified: 0, client_session_id: null, request_id: null, resource_type: null, resource_id: null,
      decision_id: null, policy_id: null, src: null, context: null, properties: null,
    });
  });

  it("derives the same version-8 UUID from the same Idempotency-Key, project and index", async () => {
    const row = (project: string, key: string, index: number) =>
      toEventRow({ index, event: { event_name: "page_view" }, occurredAt: 1000 }, project, operator, facts, null, key);
    const id = (await row("p1", "idem-1", 0)).event_id;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await row("p1", "idem-1", 0)).event_id).toBe(id);
    expect(new Set([id, (await row("p1", "idem-1", 1)).event_id, (await row("p2", "idem-1", 0)).event_id, (await row("p1", "idem-2", 0)).event_id]).size).toBe(4);
  });

  it("keeps a client event_id even with an Idempotency-Key", async () => {
    const row = await toEventRow(valid({ event_id: EVENT_ID, event_name: "page_view" }), "p1", operator, facts, null, "idem-1");
    expect(row.event_id).toBe(EVENT_ID);
  });

  it("stores an empty context or properties object as null", async () => {
    const row = await toEventRow(valid({ event_name: "page_view", context: {}, properties: {} }), "p1", key, facts, null);
    expect([row.context, row.properties]).toEqual([null, null]);
  });

  it("uses the JWT subject for a user token", async () => {
    const row = await toEventRow(valid({ event_name: "page_view", user_id: "spoofed" }), "p1", jwtUser, facts, null);
    expect([row.user_id, row.user_identified]).toEqual(["sub-1", 1]);
  });

  it("pseudonymizes the user id when a salt is given", async () => {
    const row = await toEventRow(valid({ event_name: "page_view", user_id: "anon-1" }), "p1", key, facts, SALT);
    expect(row.user_id).toBe(await expectedHmac(SALT, "p1", "anon-1"));
    expect(row.user_identified).toBe(0);
  });

  it("leaves a missing user id null even with a salt", async () => {
    const row = await toEventRow(valid({ event_name: "page_view" }), "p1", key, facts, SALT);
    expect(row.user_id).toBeNull();
  });
});
