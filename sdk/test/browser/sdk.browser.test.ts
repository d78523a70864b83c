// The SDK in headless Chromium against the real Worker (`wrangler dev`, local D1 and Queues): a page tracks, goes
// offline and queues in localStorage, comes back and delivers, survives a reload, beacons on unload; a refused origin
// reaches onError; the React hook tracks; a backend's decide() tags later events. Every event lands in D1 once.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SignJWT } from "jose";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { openD1Reader, retrying } from "../../../bench/lib/d1-file.mjs";
import { createAnalytics, type AnalyticsOptions } from "../../dist/index.js";
import { startStaticServer } from "./static-server.mjs";
import { startWorker } from "../../../test-support/local-worker.mjs";

const PROJECT = "sdk-browser";
type Worker = Awaited<ReturnType<typeof startWorker>>;
type Site = Awaited<ReturnType<typeof startStaticServer>>;
interface Row {
  event_id: string;
  event_name: string;
  user_id: string | null;
  user_identified: number;
  client_session_id: string | null;
  decision_id: string | null;
  policy_id: string | null;
  src: string | null;
  context: string | null;
  properties: string | null;
}

let dir: string;
let worker: Worker;
let site: Site;
let browser: Browser;
let key: string;
let keyForAnotherSite: string;
let failed = false;
/** Every event id the SDK returned for an event that must reach D1. */
const mustLand = new Set<string>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgeloop-sdk-"));
  worker = await startWorker(dir);
  site = await startStaticServer();
  await worker.admin("POST", "/v1/admin/projects", { id: PROJECT, name: "SDK browser tests" });
  await worker.admin("POST", `/v1/admin/projects/${PROJECT}/event-names`, { event_names: [{ name: "identify" }] });
  key = (await worker.admin("POST", `/v1/admin/projects/${PROJECT}/keys`, { label: "the test site", allowed_origins: [site.origin] })).key;
  keyForAnotherSite = (await worker.admin("POST", `/v1/admin/projects/${PROJECT}/keys`, { label: "another site", allowed_origins: ["https://app.example.com"] })).key;
  browser = await chromium.launch({ executablePath: inject("chromiumPath") });
});

afterEach(({ task }) => {
  if (task.result?.state === "fail") failed = true;
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await worker?.stop();
  if (failed) console.log(`Kept for a look: ${dir} (wrangler.log, state/)`);
  else if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------------------

async function rowsFor(ids: string[]): Promise<Row[]> {
  const db = await openD1Reader(worker.persistDir, "events");
  try {
    return retrying(() =>
      db.prepare(
        `SELECT event_id, event_name, user_id, user_identified, client_session_id, decision_id, policy_id, src, context, properties
         FROM events WHERE project_id = ? AND event_id IN (SELECT value FROM json_each(?))`,
      ).all(PROJECT, JSON.stringify(ids)),
    ) as Row[];
  } finally {
    db.close();
  }
}

/** Polls until `check` holds (no fixed sleeps: it returns as soon as the condition does), or fails after `ms`. */
async function waitFor<T>(what: string, probe: () => Promise<T>, check: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(value)}\n${worker.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for exactly these events in D1 (the consumer writes a couple of seconds after the 202). */
async function landed(ids: string[]): Promise<Map<string, Row>> {
  ids.forEach((id) => mustLand.add(id));
  const rows = await waitFor(`${ids.length} events in D1`, () => rowsFor(ids), (r) => r.length === ids.length);
  return new Map(rows.map((r) => [r.event_id, r]));
}

async function openPage(context: BrowserContext, options: Partial<AnalyticsOptions> = {}): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site.origin}/page.html`);
  await page.waitForFunction(() => "edgeloop" in window);
  await page.evaluate(
    (opts) => {
      window.analytics = window.edgeloop.createAnalytics({ ...opts, onError: (e) => window.errors.push(e) });
    },
    { endpoint: worker.base, key, ...options },
  );
  return page;
}

const track = (page: Page, name: string, properties?: Record<string, string | number>) =>
  page.evaluate(([n, p]) => window.analytics.track(n, p), [name, properties] as const);
const flush = (page: Page) => page.evaluate(() => window.analytics.flush());
const storedIds = (page: Page) =>
  page.evaluate(() => (JSON.parse(localStorage.getItem("edgeloop:queue") ?? "[]") as { event_id: string }[]).map((e) => e.event_id));
const pageErrors = (page: Page) => page.evaluate(() => window.errors.map((e) => ({ code: e.code, events: e.events.map((x) => x.event_id) })));
const requestsSince = (n: number) => worker.requests().slice(n);

/** Closes the page as a user would (pagehide and unload run); with runBeforeUnload, close() does not wait, so wait here. */
async function closePage(page: Page): Promise<void> {
  const closed = page.waitForEvent("close");
  await page.close({ runBeforeUnload: true });
  await closed;
}

// ---------------------------------------------------------------------------------------------------------------------

describe("the SDK in a page", () => {
  it("tracks events that land in D1 with the page's ids and session", async () => {
    const context = await browser.newContext();
    const page = await openPage(context, { flushInterval: 60_000 });
    const ids = [
      await page.evaluate(() => window.analytics.page({ section: "pricing" })),
      await track(page, "button_click", { button: "signup" }),
      await track(page, "form_submit", { form: "signup" }),
    ];
    expect(await storedIds(page)).toEqual(ids);
    await flush(page);
    expect(await storedIds(page)).toEqual([]);
    const rows = await landed(ids);
    const anonymousId = await page.evaluate(() => window.analytics.anonymousId);
    const [view, click, submit] = ids.map((id) => rows.get(id)!);
    expect([view!.event_name, click!.event_name, submit!.event_name]).toEqual(["page_view", "button_click", "form_submit"]);
    expect(JSON.parse(view!.properties!)).toEqual({ page: "/page.html", referrer: "", section: "pricing" });
    expect(JSON.parse(click!.properties!)).toEqual({ button: "signup" });
    expect(JSON.parse(click!.context!)).toEqual({ anonymous_id: anonymousId, path: "/page.html" });
    for (const row of [view, click, submit]) {
      expect(row).toMatchObject({ user_id: anonymousId, user_identified: 0, src: "web", client_session_id: view!.client_session_id });
    }
    expect(view!.client_session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await pageErrors(page)).toEqual([]);
    await context.close();
  });

  it("queues events in localStorage while offline and delivers them when the network returns", async () => {
    const context = await browser.newContext();
    const page = await openPage(context, { flushInterval: 60_000 });
    await context.setOffline(true);
    const ids = [await track(page, "button_click", { n: 1 }), await track(page, "button_click", { n: 2 }), await track(page, "video_play")];
    await flush(page); // fails: offline
    expect(await storedIds(page)).toEqual(ids);
    expect(await rowsFor(ids)).toEqual([]);
    expect(await pageErrors(page)).toEqual([]); // being offline is not an error to report
    await context.setOffline(false);
    await landed(ids);
    await waitFor("an empty stored queue", () => storedIds(page), (q) => q.length === 0);
    await context.close();
  });

  it("keeps what it queued offline across a reload, and the next page delivers it", async () => {
    const context = await browser.newContext();
    const page = await openPage(context, { flushInterval: 60_000 });
    const anonymousId = await page.evaluate(() => window.analytics.anonymousId);
    await context.setOffline(true);
    const ids = [await track(page, "search_query", { results: 3 }), await track(page, "button_click", { button: "more" })];
    await flush(page);
    await closePage(page); // pagehide while offline: no beacon, the queue stays stored
    await context.setOffline(false);
    const next = await openPage(context);
    expect(await next.evaluate(() => window.analytics.anonymousId)).toBe(anonymousId);
    const rows = await landed(ids);
    expect([...rows.values()].map((r) => r.user_id)).toEqual([anonymousId, anonymousId]);
    await waitFor("an empty stored queue", () => storedIds(next), (q) => q.length === 0);
    await context.close();
  });

  it("sends the last events through sendBeacon to /v1/collect when the page is left or closed", async () => {
    const context = await browser.newContext();
    const page = await openPage(context, { flushInterval: 60_000, batchSize: 100 });
    const before = worker.requests().length;
    const ids = [await track(page, "button_click", { last: 1 }), await track(page, "form_submit", { last: 2 }), await track(page, "button_click", { last: 3 })];
    expect(await storedIds(page)).toEqual(ids);
    await page.goto(`${site.origin}/other.html`); // navigation: pagehide
    await landed(ids);
    expect(await storedIds(page)).toEqual([]);

    const closing = await openPage(context, { flushInterval: 60_000, batchSize: 100 });
    const closedIds = [await track(closing, "video_play", { at: 10 }), await track(closing, "course_complete")];
    await closePage(closing);
    await landed(closedIds);

    const sent = requestsSince(before).filter((r) => r.method === "POST");
    expect(sent.filter((r) => r.path === "/v1/collect").map((r) => r.status)).toEqual([202, 202]);
    expect(sent.filter((r) => r.path === "/v1/events")).toEqual([]);
    await context.close();
  });

  it("an unload during a send stores each event once (the beacon repeats the ids in flight)", async () => {
    const context = await browser.newContext();
    const page = await openPage(context, { flushInterval: 60_000, batchSize: 100 });
    const ids = [await track(page, "button_click", { race: 1 }), await track(page, "button_click", { race: 2 })];
    await page.evaluate(() => void window.analytics.flush()); // not awaited: the page goes while the request is out
    await closePage(page);
    await landed(ids);
    await context.close();
  });

  it("reports a refused origin through onError (a 403 without CORS headers is opaque to the page)", async () => {
    const context = await browser.newContext();
    const page = await openPage(context, { key: keyForAnotherSite, flushInterval: 60_000 });
    const before = worker.requests().length;
    const id = await track(page, "button_click");
    await flush(page);
    expect(await pageErrors(page)).toEqual([{ code: "request_blocked", events: [id] }]);
    expect(requestsSince(before).filter((r) => r.path === "/v1/events" && r.method === "POST").map((r) => r.status)).toEqual([403]);
    expect(await storedIds(page)).toEqual([id]); // kept: the key's allow-list may still be fixed
    await context.close();
  });

  it("reports events the server refuses one by one, and delivers the rest of the batch", async () => {
    const context = await browser.newContext();
    const page = await openPage(context, { flushInterval: 60_000 });
    const good = await track(page, "button_click", { ok: 1 });
    const unknown = await track(page, "not_registered_here");
    const pii = await track(page, "form_submit", { user_email: "ana@example.com" });
    await flush(page);
    expect(await pageErrors(page)).toEqual([
      { code: "unknown_event_name", events: [unknown] },
      { code: "pii_key", events: [pii] },
    ]);
    expect(await storedIds(page)).toEqual([]);
    await landed([good]);
    expect(await rowsFor([unknown, pii])).toEqual([]);
    await context.close();
  });

  it("identify() names the user on the identify event and later ones", async () => {
    const context = await browser.newContext();
    const page = await openPage(context, { flushInterval: 60_000 });
    const anonymousId = await page.evaluate(() => window.analytics.anonymousId);
    await page.evaluate(() => window.analytics.identify("user-7", { plan: "pro" }));
    const after = await track(page, "button_click");
    const identifyId = (await storedIds(page))[0]!;
    await flush(page);
    const rows = await landed([identifyId, after]);
    expect(rows.get(identifyId)).toMatchObject({ event_name: "identify", user_id: "user-7", properties: JSON.stringify({ plan: "pro" }) });
    expect(JSON.parse(rows.get(identifyId)!.context!).anonymous_id).toBe(anonymousId);
    expect(rows.get(after)!.user_id).toBe("user-7");
    await context.close();
  });
});

describe("the React hook", () => {
  it("useAnalytics tracks from a component, and the page's unload delivers", async () => {
    const context = await browser.newContext();
    await context.addInitScript((cfg) => {
      window.cfg = cfg;
    }, { endpoint: worker.base, key, flushInterval: 60_000 });
    const page = await context.newPage();
    await page.goto(`${site.origin}/react.html`);
    await page.getByRole("button", { name: "Save" }).click();
    const ids = await page.waitForFunction(() => window.tracked.length === 2 && window.tracked).then((h) => h.jsonValue() as Promise<string[]>);
    await closePage(page);
    const rows = await landed(ids);
    expect(JSON.parse(rows.get(ids[0]!)!.properties!)).toEqual({ page: "/react.html", referrer: "", screen: "editor" });
    expect(rows.get(ids[1]!)).toMatchObject({ event_name: "button_click", properties: JSON.stringify({ button: "save" }) });
    await context.close();
  });
});

describe("a backend with a JWT", () => {
  it("decide() answers from the Worker, and later events carry its decision_id and policy_id", async () => {
    const token = await new SignJWT({ role: "admin", project: PROJECT })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("sdk-backend")
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(worker.secrets.JWT_SECRET));
    const errors: unknown[] = [];
    const analytics = createAnalytics({ endpoint: worker.base, token, storage: null, src: "backend", onError: (e) => errors.push(e) });
    const decision = await analytics.decide("image_pregen", { post_type: "carousel", objective: "sales" }, { unit_id: "idea-7" });
    expect(decision).toMatchObject({ decision_type: "image_pregen", bucket: "post_type=carousel|objective=sales" });
    expect(decision.decision_id).toHaveLength(64);
    const id = analytics.track("image_generate_clicked", { source: "editor" });
    await analytics.flush();
    const row = (await landed([id])).get(id)!;
    expect(row).toMatchObject({ decision_id: decision.decision_id, policy_id: decision.policy_id, src: "backend", user_identified: 1 });
    expect(errors).toEqual([]);
    await expect(createAnalytics({ endpoint: worker.base, key, storage: null }).decide("image_pregen")).rejects.toMatchObject({ status: 403, code: "forbidden" });
  });
});

describe("exactly once", () => {
  it("every event the SDK produced is in D1 once, and nothing else is", async () => {
    const db = await openD1Reader(worker.persistDir, "events");
    try {
      const rows = retrying(() => db.prepare("SELECT event_id FROM events WHERE project_id = ?").all(PROJECT)) as { event_id: string }[];
      expect(mustLand.size).toBeGreaterThan(20);
      expect(rows.length).toBe(mustLand.size);
      expect(new Set(rows.map((r) => r.event_id))).toEqual(mustLand);
    } finally {
      db.close();
    }
  });
});
