// PostHog's capture API in workerd: posthog-node's gzip batch, posthog-js's header-less gzip, base64 and form bodies, the bomb, config and flags.
import { describe, expect, it } from "vitest";
import { call, json } from "../helpers/api";
import { POSTHOG_PAGEVIEW } from "../unit/ingest/pii-corpus";
import { base64, compatProject, everythingStored, gzip, hmac, identitiesOf, post, setPii, settledEvents } from "./helpers";
import { uuidV5 } from "../../src/compat/event-id";

const uuid7 = () => {
  const hex = Date.now().toString(16).padStart(12, "0");
  const r = crypto.randomUUID().replace(/-/g, "");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${r.slice(13, 16)}-${r.slice(16, 20)}-${r.slice(20, 32)}`;
};
const iso = (ms: number) => new Date(ms).toISOString();

/** posthog-node 5.x's /batch/ body. */
function nodeBatch(apiKey: string, events: Array<Record<string, unknown>>) {
  const now = Date.now();
  return {
    api_key: apiKey,
    batch: events.map((e) => ({ uuid: uuid7(), timestamp: iso(now - 500), type: "capture", library: "posthog-node", library_version: "5.70.0", ...e, properties: { $lib: "posthog-node", $lib_version: "5.70.0", ...(e.properties as object) } })),
    sent_at: iso(now),
  };
}

/** A real posthog-js $pageview's properties (the PII corpus's, ~100 of them) with the key as token. */
function pageviewProperties(token: string, distinctId: string) {
  return { ...Object.fromEntries(POSTHOG_PAGEVIEW.map((c) => [c.key, c.value])), token, distinct_id: distinctId };
}

type Answer = { status: number; accepted: number; rejected: Array<{ index: number; code: string; message: string }>; event_ids: string[] };

describe("PostHog /batch/ (posthog-node)", () => {
  it("takes a gzip batch (Content-Encoding: gzip) with api_key: {status: 1}, uuid kept as the event id", async () => {
    const p = await compatProject(["purchase"]);
    const body = nodeBatch(p.key, [
      { event: "purchase", distinct_id: "u-1", properties: { amount: 12.5 } },
      { event: "$identify", distinct_id: "u-1", properties: { $set: { plan: "pro", email: "ana@example.com" }, $set_once: { first_seen: "2026-01-01" }, $anon_distinct_id: "anon-1" } },
      { event: "$create_alias", distinct_id: "u-1", properties: { distinct_id: "u-1", alias: "legacy-1" } },
    ]);
    const res = await post("/batch/", await gzip(JSON.stringify(body)), { "content-type": "application/json", "content-encoding": "gzip" });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Answer;
    expect(answer).toMatchObject({ status: 1, accepted: 3, rejected: [] });
    expect(answer.event_ids).toEqual(body.batch.map((e) => e.uuid));

    const rows = await settledEvents(p.id, p.key, 3);
    const byName = Object.fromEntries(rows.map((r) => [r.event_name, r]));
    expect(Object.keys(byName).sort()).toEqual(["alias", "identify", "purchase"]);
    expect(byName.purchase).toMatchObject({ user_id: "u-1", src: "posthog-node" });
    // $set's plan is kept, its email dropped (the project refuses personal identifiers); nothing holds the address.
    expect(JSON.parse(byName.identify!.properties as string)).toEqual({
      $lib: "posthog-node", $lib_version: "5.70.0", $anon_distinct_id: "anon-1", "$set.plan": "pro", "$set_once.first_seen": "2026-01-01", $event_original: "$identify",
    });
    expect(await everythingStored(p.id)).not.toContain("ana@example.com");
    expect(await identitiesOf(p.id)).toEqual([
      { anonymous_id: "anon-1", user_id: "u-1", source: "identify" },
      { anonymous_id: "legacy-1", user_id: "u-1", source: "alias" },
    ]);
  });

  it("a retry of the same batch lands nothing twice", async () => {
    const p = await compatProject(["purchase"]);
    const body = JSON.stringify(nodeBatch(p.key, [{ event: "purchase", distinct_id: "u-2" }, { event: "$pageview", distinct_id: "u-2" }]));
    const first = (await (await post("/batch/", body, { "content-type": "application/json" })).json()) as Answer;
    const second = (await (await post("/batch/", body, { "content-type": "application/json" })).json()) as Answer;
    expect(second.event_ids).toEqual(first.event_ids);
    expect((await settledEvents(p.id, p.key, 2)).map((r) => r.event_id).sort()).toEqual([...first.event_ids].sort());
  });

  it("pseudonymises $set.email when the project says so", async () => {
    const p = await compatProject();
    await setPii(p.id, p.admin, { pii_identifiers: "pseudonymize" });
    const res = await json("/batch/", nodeBatch(p.key, [{ event: "$identify", distinct_id: "u-3", properties: { $set: { email: "Bo@Example.com" } } }]));
    expect(res.status).toBe(200);
    const [row] = await settledEvents(p.id, p.key, 1);
    expect(JSON.parse(row!.properties as string)["$set.email"]).toBe(await hmac(p.id, "bo@example.com"));
    expect(await everythingStored(p.id)).not.toMatch(/bo@example/i);
  });

  it("refuses an event by index with 200 and a batch of nothing valid with 400 (posthog-node drops on 4xx)", async () => {
    const p = await compatProject();
    const res = await json("/batch/", nodeBatch(p.key, [{ event: "$pageview", distinct_id: "u" }, { event: "unregistered thing", distinct_id: "u" }, { event: "$pageview" }]));
    expect(res.status).toBe(200);
    expect(((await res.json()) as Answer).rejected.map((r) => [r.index, r.code])).toEqual([
      [1, "unknown_event_name"],
      [2, "invalid_field"],
    ]);
    expect((await json("/batch/", nodeBatch(p.key, [{ event: "$pageview" }]))).status).toBe(400);
  });
});

describe("PostHog capture paths (posthog-js)", () => {
  it("takes a real $pageview (~100 standard properties) as gzip bytes sent as text/plain with no header", async () => {
    const p = await compatProject([], { origins: ["https://app.example.com"] });
    const id = uuid7();
    const events = [{ uuid: id, event: "$pageview", properties: pageviewProperties(p.key, "anon-js"), timestamp: iso(Date.now()) }];
    const res = await post("/e/?ip=1&_=1715000000000&ver=1.449.2&compression=gzip-js", await gzip(JSON.stringify(events)), { "content-type": "text/plain", origin: "https://app.example.com" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Answer).rejected).toEqual([]);
    const [row] = await settledEvents(p.id, p.key, 1);
    expect(row).toMatchObject({ event_id: id, event_name: "page_view", user_id: "anon-js", src: "web", client_session_id: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5c" });
    const stored = JSON.parse(row!.properties as string) as Record<string, unknown>;
    expect(Object.keys(stored).length).toBeGreaterThan(58);
    // The key (token) and the duplicate distinct_id are not kept.
    expect(stored).not.toHaveProperty("token");
    expect(stored).not.toHaveProperty("distinct_id");
    expect(stored.$current_url).toBe("https://app.example.com/pricing?plan=pro");
  });

  it("takes ?compression=base64 and sendBeacon's form body data=<base64> (of gzip too)", async () => {
    const p = await compatProject();
    const events = (name: string) => JSON.stringify([{ uuid: uuid7(), event: name, properties: { token: p.key, distinct_id: "anon-b" } }]);
    const plain = await post("/e/?compression=base64", base64(events("$pageview")), { "content-type": "text/plain" });
    const form = await post("/e/", `data=${encodeURIComponent(base64(events("$pageleave")))}&compression=base64`, { "content-type": "application/x-www-form-urlencoded" });
    const formGzip = await post("/e/", `data=${encodeURIComponent(base64(await gzip(events("$autocapture"))))}`, { "content-type": "application/x-www-form-urlencoded" });
    expect([plain.status, form.status, formGzip.status]).toEqual([200, 200, 200]);
    expect((await settledEvents(p.id, p.key, 3)).map((r) => r.event_name).sort()).toEqual(["autocapture", "page_leave", "page_view"]);
  });

  it.each(["/capture/", "/capture", "/i/v0/e/", "/e", "/batch"])("%s takes an event (single or array)", async (path) => {
    const p = await compatProject();
    const single = { api_key: p.key, event: "$pageview", distinct_id: "d", uuid: uuid7() };
    const res = await json(path, path.startsWith("/i/") ? [{ ...single, api_key: undefined, properties: { token: p.key } }] : single);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 1, accepted: 1 });
    expect(await settledEvents(p.id, p.key, 1)).toHaveLength(1);
  });

  it("an event without uuid gets a UUIDv5 of its $insert_id", async () => {
    const p = await compatProject();
    const res = await json("/e/", [{ event: "$pageview", properties: { token: p.key, distinct_id: "d", $insert_id: "k3v9x2m1p7q4r8s5" } }]);
    expect(((await res.json()) as Answer).event_ids).toEqual([await uuidV5(`${p.id}\u0000k3v9x2m1p7q4r8s5`)]);
  });

  it("a gzip bomb is 413, whether declared (Content-Encoding) or detected (magic bytes), and base64 too", async () => {
    const p = await compatProject();
    const bomb = await gzip(new Uint8Array(8 * 1024 * 1024)); // 8 MiB of zeros in ~8 KB
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const declared = await post(`/batch/?key=${p.key}`, bomb, { "content-type": "application/json", "content-encoding": "gzip" });
    const detected = await post(`/e/?key=${p.key}`, bomb, { "content-type": "text/plain" });
    const inBase64 = await post(`/e/?key=${p.key}&compression=base64`, base64(bomb), { "content-type": "text/plain" });
    for (const res of [declared, detected, inBase64]) {
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string; details: { limit: string } } }).error).toMatchObject({ code: "payload_too_large", details: { limit: "MAX_REQUEST_BYTES" } });
    }
  });

  it("malformed bodies are 400/415 in the one error shape", async () => {
    const p = await compatProject();
    const cases: Array<[BodyInit, Record<string, string>, number, string]> = [
      ["{not json", { "x-edgeloop-key": p.key }, 400, "malformed_json"],
      [new Uint8Array([0x1f, 0x8b, 1, 2, 3]), { "x-edgeloop-key": p.key }, 400, "malformed_body"],
      ["data=%%%", { "x-edgeloop-key": p.key, "content-type": "application/x-www-form-urlencoded" }, 400, "malformed_body"],
      ["x", { "x-edgeloop-key": p.key, "content-encoding": "br" }, 415, "unsupported_content_encoding"],
    ];
    for (const [body, headers, status, code] of cases) {
      const res = await post("/e/", body, headers);
      expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([status, code]);
    }
    const lz = await post(`/e/?compression=lz64&key=${p.key}`, "abc");
    expect(lz.status).toBe(415);
  });

  it("authentication: no key 401, wrong key 401, revoked 401, origin outside the allow-list 403", async () => {
    const p = await compatProject([], { origins: ["https://app.example.com"] });
    const ev = (token?: string) => JSON.stringify([{ event: "$pageview", properties: { distinct_id: "d", ...(token ? { token } : {}) } }]);
    expect((await post("/e/", ev())).status).toBe(401);
    expect((await post("/e/", ev("pk_nope"))).status).toBe(401);
    expect((await post("/e/", ev(p.key), { origin: "https://evil.example" })).status).toBe(403);
    await call(`/v1/admin/projects/${p.id}/keys/${p.keyId}`, { method: "DELETE", headers: { authorization: `Bearer ${p.admin}` } });
    expect((await post("/e/", ev(p.key))).status).toBe(401);
  });
});

describe("posthog-js config and flags", () => {
  it("GET /array/<key>/config and config.js: every feature off, events to /i/v0/e/", async () => {
    const p = await compatProject();
    const res = await call(`/array/${p.key}/config`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token: p.key, hasFeatureFlags: false, sessionRecording: false, analytics: { endpoint: "/i/v0/e/" }, supportedCompression: ["gzip", "gzip-js"] });
    const js = await call(`/array/${p.key}/config.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("javascript");
    const script = await js.text();
    // Run it the way a page would and read what it set.
    const window: { _POSTHOG_REMOTE_CONFIG?: Record<string, { config: Record<string, unknown>; siteApps: unknown[] }> } = {};
    new Function("window", script)(window);
    expect(window._POSTHOG_REMOTE_CONFIG![p.key]).toMatchObject({ config: { token: p.key, sessionRecording: false }, siteApps: [] });
    expect((await call("/array/pk_unknown/config")).status).toBe(401);
  });

  it("POST /flags/?v=2 and /decide/ answer no flags, no recording", async () => {
    const p = await compatProject();
    const flags = await post("/flags/?v=2&config=true", `data=${encodeURIComponent(base64(JSON.stringify({ token: p.key, distinct_id: "d", groups: {} })))}`, { "content-type": "application/x-www-form-urlencoded" });
    expect(flags.status).toBe(200);
    expect(await flags.json()).toMatchObject({ flags: {}, featureFlags: {}, errorsWhileComputingFlags: false, sessionRecording: false });
    const decide = await json("/decide/?v=3", { api_key: p.key, distinct_id: "d" });
    expect(decide.status).toBe(200);
    expect(await decide.json()).toMatchObject({ featureFlags: {}, sessionRecording: false });
    expect((await json("/flags/?v=2", { token: "pk_unknown", distinct_id: "d" })).status).toBe(401);
  });
});

describe("rate limits on compat routes", () => {
  it.each(["/v1/page", "/e/", "/e", "/flags/", "/array/{key}/config"])("%s counts each request once against the key's ingest limit", async (path) => {
    const p = await compatProject();
    const send = () =>
      path.startsWith("/array/")
        ? call(path.replace("{key}", p.key))
        : json(path, path === "/v1/page" ? { anonymousId: "a", writeKey: p.key } : path === "/flags/" ? { token: p.key, distinct_id: "d" } : [{ event: "$pageview", properties: { token: p.key, distinct_id: "d" } }]);
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([200, 200]);
    const remaining = [first, second].map((r) => Number(r.headers.get("x-ratelimit-remaining")));
    expect(Number(first.headers.get("x-ratelimit-limit"))).toBeGreaterThan(0);
    expect(remaining[0]! - remaining[1]!).toBe(1);
  });
});

