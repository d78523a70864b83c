// Identifiers that look like personal data: refused or pseudonymised per project, in validation and in the stored row.
import { describe, expect, it } from "vitest";
import type { Principal } from "../../../src/http/principal";
import { pseudonymizeUserId, toEventRow, type RequestFacts } from "../../../src/ingest/enrich";
import { DEFAULT_PII_SETTINGS, parsePiiSettings, screenIdentifier, type PiiSettings } from "../../../src/ingest/pii/identifiers";
import { validateEvent, type ValidationContext, type ValidEvent } from "../../../src/ingest/validate-events";

const NOW = Date.parse("2026-03-15T12:00:00.000Z");
const SALT = "unit-test-salt-0123456789";
const PSEUDONYMIZE: PiiSettings = { identifierMode: "pseudonymize", allowedKeys: new Set() };
const ctx = (over: Partial<ValidationContext> = {}): ValidationContext => ({
  now: NOW,
  registeredNames: new Set(["page_view"]),
  historicalMigration: false,
  maxEventBytes: 4096,
  ...over,
});
const facts: RequestFacts = { receivedAt: NOW, country: null, browser: null, os: null, deviceType: null };
const emailUser: Principal = { kind: "jwt", sub: "john.doe@example.com", role: "user", projectId: "p1" };
const admin: Principal = { kind: "jwt", sub: "admin-1", role: "admin", projectId: "p1" };

describe("screenIdentifier", () => {
  it.each([undefined, null, "", "u-42", "550e8400-e29b-41d4-a716-446655440000", "1700000000000"])("keeps %j", (value) => {
    expect(screenIdentifier("unit_id", value, "refuse", true)).toEqual({ action: "keep" });
  });

  it("refuses under refuse, naming the field and the kind but never the value", () => {
    const verdict = screenIdentifier("unit_id", "john.doe@example.com", "refuse", true);
    expect(verdict).toEqual({
      action: "refuse",
      kind: "email",
      message: "unit_id looks like an email address; send a pseudonymous id (or set the project's pii_identifiers to pseudonymize)",
    });
  });

  it("pseudonymises under pseudonymize when a salt exists, and refuses without one", () => {
    expect(screenIdentifier("user_id", "+1 555 123 4567", "pseudonymize", true)).toEqual({ action: "pseudonymize", kind: "phone" });
    expect(screenIdentifier("user_id", "+1 555 123 4567", "pseudonymize", false)).toMatchObject({
      action: "refuse",
      message: expect.stringContaining("USER_ID_SALT is not set"),
    });
  });
});

describe("parsePiiSettings", () => {
  it("reads the columns", () => {
    expect(parsePiiSettings("pseudonymize", '["email_verified","plan"]')).toEqual({ identifierMode: "pseudonymize", allowedKeys: new Set(["email_verified", "plan"]) });
  });

  it.each([[null, null], ["shred", "not json"], ["refuse", '{"a":1}'], ["refuse", "[1,2]"]])("falls back to the safe defaults for %j / %j", (mode, keys) => {
    expect(parsePiiSettings(mode, keys)).toEqual(DEFAULT_PII_SETTINGS);
  });
});

describe("validateEvent with project PII settings", () => {
  it("refuses a user JWT's sub that is an email (the sub is what would be stored)", () => {
    expect(validateEvent({ event_name: "page_view", user_id: "anon-1" }, 0, ctx({ subject: "john.doe@example.com" }))).toEqual({
      index: 0,
      code: "pii_value",
      message: "user_id (the user token's sub) looks like an email address; send a pseudonymous id (or set the project's pii_identifiers to pseudonymize)",
    });
  });

  it("ignores a body user_id that a token's sub replaces", () => {
    expect(validateEvent({ event_name: "page_view", user_id: "a@b.com" }, 0, ctx({ subject: "sub-1" }))).toMatchObject({ index: 0 });
  });

  it("marks identifiers for pseudonymisation under pseudonymize with a salt", () => {
    const r = validateEvent({ event_name: "page_view", resource_id: "ana@example.com", src: "web" }, 0, ctx({ pii: PSEUDONYMIZE, canPseudonymize: true, subject: "x@y.com" }));
    expect(r).toMatchObject({ pseudonymize: ["user_id", "resource_id"] });
  });

  it("refuses under pseudonymize without a salt", () => {
    const r = validateEvent({ event_name: "page_view", request_id: "+55 11 98765-4321" }, 0, ctx({ pii: PSEUDONYMIZE, canPseudonymize: false }));
    expect(r).toMatchObject({ code: "pii_value", message: expect.stringMatching(/^request_id looks like a phone number; .*USER_ID_SALT is not set/) });
  });

  it("applies the project's allow-list to context and properties keys", () => {
    const pii: PiiSettings = { identifierMode: "refuse", allowedKeys: new Set(["email_verified"]) };
    expect(validateEvent({ event_name: "page_view", properties: { email_verified: true }, context: { email_verified: false } }, 0, ctx({ pii }))).toMatchObject({ index: 0 });
    expect(validateEvent({ event_name: "page_view", properties: { email_verified: true } }, 0, ctx())).toMatchObject({ code: "pii_key" });
    expect(validateEvent({ event_name: "page_view", properties: { email_verified: "a@b.com" } }, 0, ctx({ pii }))).toMatchObject({ code: "pii_value" });
  });
});

describe("toEventRow with identifiers marked for pseudonymisation", () => {
  const valid = (pseudonymize: ValidEvent["pseudonymize"]): ValidEvent => ({
    index: 0,
    occurredAt: NOW,
    event: { event_name: "page_view", user_id: "body-id", resource_id: "ana@example.com", request_id: "r-1" },
    pseudonymize,
  });

  it("stores the HMAC of the JWT's sub and of each marked field, never the clear value", async () => {
    const row = await toEventRow(valid(["user_id", "resource_id"]), "p1", emailUser, facts, null, undefined, SALT);
    expect(row.user_id).toBe(await pseudonymizeUserId(SALT, "p1", "john.doe@example.com"));
    expect(row.resource_id).toBe(await pseudonymizeUserId(SALT, "p1", "ana@example.com"));
    expect(row.request_id).toBe("r-1");
    expect(JSON.stringify(row)).not.toContain("@");
  });

  it("hashes once when ANONYMIZE_USER_IDS already does (same salt, same id)", async () => {
    const row = await toEventRow(valid(["user_id"]), "p1", emailUser, facts, SALT, undefined, SALT);
    expect(row.user_id).toBe(await pseudonymizeUserId(SALT, "p1", "john.doe@example.com"));
  });

  it("throws rather than store a marked identifier in clear when no salt is given", async () => {
    await expect(toEventRow(valid(["resource_id"]), "p1", admin, facts, null)).rejects.toThrow("resource_id must be pseudonymised");
  });
});
