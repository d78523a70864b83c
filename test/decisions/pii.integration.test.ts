// The anti-PII guard on POST /v1/decisions: identifiers refused (400) or pseudonymised per project, the context checked.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { asOperator, bearer, hs256, json, newProject, uniqueId } from "../helpers/api";
import { flushDecisions } from "../helpers/decisions";
import { askDecision } from "./helpers";

const CONTEXT = { post_type: "carousel", objective: "sales" };

async function decisionsOf(projectId: string) {
  await flushDecisions();
  const { results } = await env.DB.prepare("SELECT * FROM decisions WHERE project_id = ?1").bind(projectId).all<Record<string, unknown>>();
  return results;
}

async function hmac(project: string, value: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(env.USER_ID_SALT as string), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, enc.encode(`${project}\u0000${value}`));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("POST /v1/decisions and personal data", () => {
  it.each([
    ["unit_id", "john.doe@example.com", "an email address"],
    ["unit_id", "+1 555 123 4567", "a phone number"],
    ["request_id", "john.doe@example.com", "an email address"],
    ["resource_id", "+1 555 123 4567", "a phone number"],
    ["resource_type", "192.168.0.1", "an IP address"],
  ])("refuses %s=%s with 400 pii_value and stores nothing", async (field, value, kind) => {
    const p = await newProject();
    const { res, body } = await askDecision(p.admin, { unit_id: "idea-1", context: CONTEXT, [field]: value });
    expect(res.status).toBe(400);
    expect(body.error).toEqual({ code: "pii_value", message: `${field} looks like ${kind}; send a pseudonymous id (or set the project's pii_identifiers to pseudonymize)` });
    expect(JSON.stringify(body)).not.toContain(value);
    expect(await decisionsOf(p.id)).toEqual([]);
  });

  it("refuses a full-width email in the context", async () => {
    const p = await newProject();
    const { res, body } = await askDecision(p.admin, { unit_id: "idea-1", context: { ...CONTEXT, ref: "ｊｏｈｎ．ｄｏｅ＠ｅｘａｍｐｌｅ．ｃｏｍ" } });
    expect(res.status).toBe(400);
    expect(body.error).toEqual({ code: "pii_value", message: "context.ref looks like an email address" });
    expect(await decisionsOf(p.id)).toEqual([]);
  });

  it("stores HMACs under pseudonymize, still idempotent on the (hashed) request_id", async () => {
    const p = await newProject();
    expect((await json(`/v1/admin/projects/${p.id}`, { pii_identifiers: "pseudonymize" }, bearer(p.admin), "PATCH")).status).toBe(200);
    const ask = { unit_id: "john.doe@example.com", request_id: "+1 555 123 4567", context: CONTEXT };
    const first = await askDecision(p.admin, ask);
    expect(first.res.status).toBe(200);
    const again = await askDecision(p.admin, ask);
    expect(again.body).toEqual(first.body);
    const rows = await decisionsOf(p.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ unit_id: await hmac(p.id, "john.doe@example.com"), request_id: await hmac(p.id, "+1 555 123 4567") });
    // The raw values, not fragments: "555" alone also occurs in timestamps and hex digests by chance.
    expect(JSON.stringify(rows)).not.toMatch(/john\.doe|example\.com|555 123 4567|5551234567/);
  });

  it("applies the project's allow-list to the context keys", async () => {
    const p = await newProject();
    expect((await askDecision(p.admin, { unit_id: "u", context: { ...CONTEXT, email_verified: true } })).body.error?.code).toBe("pii_key");
    await json(`/v1/admin/projects/${p.id}`, { pii_allowed_keys: ["email_verified"] }, bearer(p.admin), "PATCH");
    expect((await askDecision(p.admin, { unit_id: "u", context: { ...CONTEXT, email_verified: true } })).res.status).toBe(200);
    expect((await askDecision(p.admin, { unit_id: "u", context: { ...CONTEXT, email_verified: "a@b.com" } })).body.error?.code).toBe("pii_value");
  });

  it("answers 404 project_not_found for an unknown project, before anything is recorded (the settings read finds no row)", async () => {
    const missing = uniqueId("p-missing");
    const asAdmin = await askDecision(await hs256({ sub: "a", role: "admin", project: missing }), { unit_id: "u", context: CONTEXT });
    expect(asAdmin.res.status).toBe(404);
    expect(asAdmin.body.error?.code).toBe("project_not_found");
    const res = await json(`/v1/decisions?project=${missing}`, { decision_type: "image_pregen", unit_id: "u", context: CONTEXT }, asOperator);
    expect(res.status).toBe(404);
    expect(await decisionsOf(missing)).toEqual([]);
  });
});
