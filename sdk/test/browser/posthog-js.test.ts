// posthog-js, unmodified, in headless Chromium against the real Worker (issue 12 §2): it settles on edgeloop's config and
// flags answers, sends its gzip batches (as text/plain) to the compat routes, flushes as the page closes, and every event
// lands in D1 once.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openD1Reader, retrying } from "../../../bench/lib/d1-file.mjs";
import { startStaticServer } from "./static-server.mjs";
import { startWorker } from "../../../test-support/local-worker.mjs";

const PROJECT = "posthog-js-browser";
let dir: string;
let worker: Awaited<ReturnType<typeof startWorker>>;
let site: Awaited<ReturnType<typeof startStaticServer>>;
let browser: Browser;
let key: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgeloop-posthog-js-"));
  worker = await startWorker(dir);
  site = await startStaticServer();
  await worker.admin("POST", "/v1/admin/projects", { id: PROJECT, name: "posthog-js browser test" });
  await worker.admin("POST", `/v1/admin/projects/${PROJECT}/event-names`, { event_names: [{ name: "signup_clicked" }] });
  key = (await worker.admin("POST", `/v1/admin/projects/${PROJECT}/keys`, { label: "the test site", allowed_origins: [site.origin] })).key;
  browser = await chromium.launch({ executablePath: inject("chromiumPath") });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await worker?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

type Row = { event_id: string; event_name: string; user_id: string | null; properties: string | null };

async function rows(): Promise<Row[]> {
  const db = await openD1Reader(worker.persistDir, "events");
  try {
    return retrying(() => db.prepare("SELECT event_id, event_name, user_id, properties FROM events WHERE project_id = ? ORDER BY occurred_at").all(PROJECT)) as Row[];
  } finally {
    db.close();
  }
}

describe("posthog-js in a page", () => {
  it("captures a pageview, a custom event and an identify, sends its pageleave as the page closes, and each lands in D1 once", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const failures: string[] = [];
    page.on("response", (r) => {
      if (r.url().startsWith(worker.base) && r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${site.origin}/posthog.html`);
    await page.waitForFunction(() => "posthog" in window);
    await page.evaluate(
      ([apiHost, apiKey]) => {
        const ph = (window as unknown as { posthog: { init: (k: string, o: object) => void } }).posthog;
        ph.init(apiKey!, { api_host: apiHost, autocapture: false, disable_session_recording: true, disable_surveys: true, capture_pageleave: true, persistence: "localStorage", opt_out_useragent_filter: true });
      },
      [worker.base, key],
    );
    // (opt_out_useragent_filter: headless Chromium announces itself, and posthog-js drops a bot's events, as its docs say
    // for end-to-end tests.) The page stays open until its three events are in D1: posthog-js batches on its own
    // timer, and closing earlier would test when it chose to flush rather than whether edgeloop stored what it sent.
    await page.evaluate(() => {
      const ph = (window as unknown as { posthog: { capture: (e: string, p?: object) => void; identify: (id: string) => void } }).posthog;
      ph.capture("signup_clicked", { plan: "pro" });
      ph.identify("user-42");
    });
    const settled = Date.now() + 30_000;
    while (Date.now() < settled && (await rows()).length < 3) await new Promise((r) => setTimeout(r, 200));
    // Closing runs pagehide/unload: posthog-js sends $pageleave as the page goes.
    const closed = page.waitForEvent("close");
    await page.close({ runBeforeUnload: true });
    await closed;
    await context.close();

    {
      const deadline = Date.now() + 30_000;
      let found: Row[] = [];
      const names = () => found.map((r) => r.event_name).sort();
      while (Date.now() < deadline) {
        found = await rows();
        if (["identify", "page_leave", "page_view", "signup_clicked"].every((n) => names().includes(n))) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      // Each once: no retry or beacon doubled anything.
      expect(names()).toEqual(["identify", "page_leave", "page_view", "signup_clicked"]);
      const signup = found.find((r) => r.event_name === "signup_clicked")!;
      expect(JSON.parse(signup.properties ?? "{}")).toMatchObject({ plan: "pro", $lib: "web" });
      expect(found.find((r) => r.event_name === "page_leave")!.user_id).toBe("user-42");
      expect(failures).toEqual([]);
    }
  });
});
