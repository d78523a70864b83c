// The anti-PII guard end to end: project settings (GET/PATCH), identifiers refused or pseudonymised, allow-list, SDK properties.
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { BASE, bearer, call, ev, eventsOf, json, newProject, waitForEvents } from "../helpers/api";

const SALT = env.USER_ID_SALT as string;

async function hmac(project: string, value: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(SALT), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, enc.encode(`${project}\u0000${value}`));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

type ProjectView = { pii_identifiers: string; pii_allowed_keys: string[] };
const patch = (project: string, token: string, body: unknown) => json(`/v1/admin/projects/${project}`, body, bearer(token), "PATCH");
type Ingest = { accepted: number; rejected: Array<{ index: number; code: string; message: string }>; event_ids: string[] };

describe("project PII settings", () => {
  it("start as refuse with no allowed keys, and a project admin changes them with PATCH", async () => {
    const p = await newProject();
    const initial = (await (await call(`/v1/admin/projects/${p.id}`, { headers: bearer(p.admin) })).json()) as ProjectView;
    expect(initial).toMatchObject({ pii_identifiers: "refuse", pii_allowed_keys: [] });

    const res = await patch(p.id, p.admin, { pii_identifiers: "pseudonymize", pii_allowed_keys: ["email_verified", "$feature/new-onboarding"] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ pii_identifiers: "pseudonymize", pii_allowed_keys: ["email_verified", "$feature/new-onboarding"] });
    // Other fields are left alone; [] clears the list.
    expect(await (await patch(p.id, p.admin, { pii_allowed_keys: [] })).json()).toMatchObject({ pii_identifiers: "pseudonymize", pii_allowed_keys: [] });
  });

  it.each([
    [{ pii_identifiers: "shred" }],
    [{ pii_allowed_keys: ["not a key"] }],
    [{ pii_allowed_keys: ["a", "a"] }],
    [{ pii_allowed_keys: Array.from({ length: 101 }, (_, i) => `k${i}`) }],
    [{ pii_allowed_keys: "email" }],
  ])("refuses an invalid setting %j with 400", async (body) => {
    const p = await newProject();
    const res = await patch(p.id, p.admin, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it("refuses pseudonymize on a deployment without USER_ID_SALT", async () => {
    const p = await newProject();
    const res = await worker.fetch(
      new Request(`${BASE}/v1/admin/projects/${p.id}`, { method: "PATCH", headers: { "content-type": "application/json", ...bearer(p.admin) }, body: JSON.stringify({ pii_identifiers: "pseudonymize" }) }),
      { ...env, USER_ID_SALT: undefined } as never,
      createExecutionContext(),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("user_id_salt_required");
  });
});

describe("identifiers that look like personal data", () => {
  it("refuses a user JWT whose sub is an email (default refuse): pii_value, nothing stored", async () => {
    const p = await newProject();
    const token = await p.user("john.doe@example.com");
    const res = await json("/v1/events", [ev("page_view"), ev("button_click", { user_id: "anon-1" })], bearer(token));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain("john.doe");
    const body = JSON.parse(text) as { error: { code: string; details: { rejected: Ingest["rejected"] } } };
    expect(body.error.code).toBe("no_valid_events");
    expect(body.error.details.rejected.map((r) => [r.index, r.code])).toEqual([[0, "pii_value"], [1, "pii_value"]]);
    expect(body.error.details.rejected[0]!.message).toMatch(/^user_id \(the user token's sub\) looks like an email address/);
    // A later good event is written alone: nothing of the refused ones was queued.
    await json("/v1/events", ev("form_submit"), bearer(await p.user("u-1")));
    await waitForEvents(p.id, 1);
    expect((await eventsOf(p.id)).map((r) => r.event_name)).toEqual(["form_submit"]);
  });

  it("stores the HMAC of an email sub under pseudonymize, and user analytics finds it by the clear id", async () => {
    const p = await newProject();
    expect((await patch(p.id, p.admin, { pii_identifiers: "pseudonymize" })).status).toBe(200);
    const token = await p.user("john.doe@example.com");
    const res = await json("/v1/events", ev("page_view", { user_id: "ignored" }), bearer(token));
    expect(res.status).toBe(202);
    const [row] = await waitForEvents(p.id, 1);
    expect(row).toMatchObject({ user_id: await hmac(p.id, "john.doe@example.com"), user_identified: 1 });
    expect(JSON.stringify(row)).not.toContain("john.doe");

    const analytics = await call(`/v1/users/${encodeURIComponent("john.doe@example.com")}/analytics`, { headers: bearer(token) });
    expect(analytics.status).toBe(200);
    expect(await analytics.json()).toMatchObject({ user_id: "john.doe@example.com", total_events: 1 });
  });

  it("pseudonymises every other identifier field the same way, and leaves ordinary ids as sent", async () => {
    const p = await newProject();
    await patch(p.id, p.admin, { pii_identifiers: "pseudonymize" });
    const res = await json(
      "/v1/events",
      ev("page_view", { user_id: "+1 555 123 4567", resource_type: "PostIdea", resource_id: "ana@example.com", request_id: "192.168.0.1", src: "web" }),
      bearer(p.admin),
    );
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [] });
    const [row] = await waitForEvents(p.id, 1);
    expect(row).toMatchObject({
      user_id: await hmac(p.id, "+1 555 123 4567"),
      resource_id: await hmac(p.id, "ana@example.com"),
      request_id: await hmac(p.id, "192.168.0.1"),
      resource_type: "PostIdea",
      src: "web",
    });
  });

  it("refuses under pseudonymize when the deployment has no USER_ID_SALT, rather than store the id in clear", async () => {
    const p = await newProject();
    await patch(p.id, p.admin, { pii_identifiers: "pseudonymize" });
    const res = await worker.fetch(
      new Request(`${BASE}/v1/events`, { method: "POST", headers: { "content-type": "application/json", "x-edgeloop-key": p.key }, body: JSON.stringify([ev("page_view", { user_id: "ana@example.com" }), ev("page_view", { user_id: "anon-7" })]) }),
      { ...env, USER_ID_SALT: undefined } as never,
      createExecutionContext(),
    );
    const body = (await res.json()) as Ingest;
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([{ index: 0, code: "pii_value", message: expect.stringContaining("USER_ID_SALT is not set") }]);
    const rows = await waitForEvents(p.id, 1);
    expect(rows.map((r) => r.user_id)).toEqual(["anon-7"]);
  });
});

describe("properties and context", () => {
  it("accepts posthog-js's standard $pageview properties that the substring guard refused", async () => {
    const p = await newProject();
    const properties = {
      $pathname: "/pricing",
      $session_entry_pathname: "/",
      $prev_pageview_pathname: "/",
      token: "phc_AbCdEf0123456789",
      $lib_rate_limit_remaining_tokens: 99,
      $prev_pageview_last_content: 760,
      $prev_pageview_last_content_percentage: 0.4,
      $prev_pageview_max_content: 1150,
      $prev_pageview_max_content_percentage: 0.6,
      $current_url: "https://app.example.com/pricing",
      $host: "app.example.com",
      $browser: "Chrome",
      $raw_user_agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
      $session_id: "018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5c",
      $time: 1715000000.123,
      utm_content: "hero_banner",
      "$feature/new-onboarding": true,
    };
    const res = await json("/v1/events", ev("page_view", { properties }), { "x-edgeloop-key": p.key });
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [] });
    const [row] = await waitForEvents(p.id, 1);
    expect(JSON.parse(row!.properties as string)).toEqual(properties);
  });

  it("refuses the issue's disguised values and keys, each as pii_value or pii_key", async () => {
    const p = await newProject();
    const values = ["a＠b", "name(at)example.com", "a%40b.com", "root@localhost", "иван@пример.рф", "＋１ ５５５ １２３ ４５６７", "tel:+15551234567", 15551234567, "4111 1111 1111 1111", 4111111111111111, "192.168.0.1", "2001:db8::1"];
    const keys = ["e-mail", "mail", "tel", "pwd", "pass", "api_key", "authorization", "cookie", "ip", "dob", "cc"];
    const batch = [...values.map((ref) => ev("page_view", { properties: { ref } })), ...keys.map((k) => ev("page_view", { context: { [k]: "x" } })), ev("page_view")];
    const body = (await (await json("/v1/events", batch, { "x-edgeloop-key": p.key })).json()) as Ingest;
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r) => r.code)).toEqual([...values.map(() => "pii_value"), ...keys.map(() => "pii_key")]);
  });

  it("lets the project's allow-list through the key rules, but still checks the values", async () => {
    const p = await newProject();
    expect((await json("/v1/events", ev("page_view", { properties: { email_verified: true } }), { "x-edgeloop-key": p.key })).status).toBe(400);
    await patch(p.id, p.admin, { pii_allowed_keys: ["email_verified"] });
    const res = await json(
      "/v1/events",
      [ev("page_view", { properties: { email_verified: true } }), ev("page_view", { properties: { email_verified: "ana@example.com" } }), ev("page_view", { properties: { email: "x" } })],
      { "x-edgeloop-key": p.key },
    );
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1, code: "pii_value" }, { index: 2, code: "pii_key" }] });
    const [row] = await waitForEvents(p.id, 1);
    expect(JSON.parse(row!.properties as string)).toEqual({ email_verified: true });
  });
});
