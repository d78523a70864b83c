// The small pure pieces of the intake: event names, clock-skew correction, flattening, traits, posthog-js config.
import { describe, expect, it } from "vitest";
import { COMPAT_STANDARD_NAMES, postHogEventName, snakeCaseName } from "../../../src/compat/event-names";
import { flatten, MAX_FLAT_KEYS } from "../../../src/compat/flatten";
import { remoteConfigScript } from "../../../src/compat/posthog-config";
import { correctedTime } from "../../../src/compat/timestamps";
import { splitTraits } from "../../../src/compat/traits";

describe("event names", () => {
  it.each([
    ["Order Completed", "order_completed"],
    ["signupClicked", "signup_clicked"],
    ["$custom-thing", "custom_thing"],
    ["2fa enabled", "e_2fa_enabled"],
    ["HTMLParsed", "html_parsed"],
    ["  Video   Played!! ", "video_played"],
    ["page_view", "page_view"],
    ["x".repeat(80), "x".repeat(64)],
  ])("%s → %s", (name, expected) => {
    expect(snakeCaseName(name)).toBe(expected);
  });

  it("a name without Latin letters or digits has none", () => {
    expect(snakeCaseName("Заказ")).toBeNull();
    expect(snakeCaseName("$$$")).toBeNull();
  });

  it("PostHog's own events map by table; standard names are the protocols' events", () => {
    expect(postHogEventName("$pageview")).toBe("page_view");
    expect(postHogEventName("$create_alias")).toBe("alias");
    expect(postHogEventName("survey sent")).toBe("survey_sent");
    expect(postHogEventName("Purchase Made")).toBe("purchase_made");
    expect(COMPAT_STANDARD_NAMES.has("page_view")).toBe(true);
    expect(COMPAT_STANDARD_NAMES.has("purchase_made")).toBe(false);
  });
});

describe("correctedTime", () => {
  const received = Date.parse("2026-11-10T12:00:00.000Z");
  it("moves the timestamp by the skew sentAt shows (client 3 h fast)", () => {
    expect(correctedTime({ timestamp: "2026-11-10T14:59:00.000Z", sentAt: "2026-11-10T15:00:00.000Z" }, received)).toBe(received - 60_000);
  });
  it("keeps the timestamp without sentAt, or with $ignore_sent_at", () => {
    expect(correctedTime({ timestamp: "2026-11-10T11:00:00Z" }, received)).toBe(received - 3600_000);
    expect(correctedTime({ timestamp: "2026-11-10T11:00:00Z", sentAt: "2026-11-10T15:00:00Z", ignoreSentAt: true }, received)).toBe(received - 3600_000);
  });
  it("uses PostHog's offset, else the receive time; an unreadable timestamp is invalid", () => {
    expect(correctedTime({ offset: 1500 }, received)).toBe(received - 1500);
    expect(correctedTime({}, received)).toBe(received);
    expect(correctedTime({ timestamp: "yesterday-ish" }, received)).toBe("invalid");
  });
  it("refuses numbers no Date holds (toISOString would throw) and ignores such a sentAt or offset", () => {
    expect(correctedTime({ timestamp: 1e300 }, received)).toBe("invalid");
    expect(correctedTime({ timestamp: 8.64e15 + 1 }, received)).toBe("invalid");
    expect(correctedTime({ timestamp: "2026-11-10T11:00:00Z", sentAt: 1e300 }, received)).toBe(received - 3600_000);
    expect(correctedTime({ offset: 1e300 }, received)).toBe(received);
  });
  it("a sentAt before the timestamp never puts the event after its arrival", () => {
    expect(correctedTime({ timestamp: "2026-11-10T12:00:00Z", sentAt: "2026-11-09T12:00:00Z" }, received)).toBe(received);
    expect(correctedTime({ timestamp: "+275760-09-13T00:00:00.000Z", sentAt: "-271821-04-20T00:00:00.000Z" }, received)).toBe(received);
  });
  it("a sentAt that would put the event before 1970 is ignored: the timestamp stands", () => {
    expect(correctedTime({ timestamp: "2026-11-10T11:00:00Z", sentAt: "9999-12-31T23:59:59Z" }, received)).toBe(received - 3600_000);
    // A dead clock (1970) is what the correction is for: the event keeps its wait before sending.
    expect(correctedTime({ timestamp: "1970-01-01T00:05:00Z", sentAt: "1970-01-01T00:10:00Z" }, received)).toBe(received - 300_000);
  });
});

describe("flatten", () => {
  it("dots nested objects, keeps scalar arrays, indexes arrays of objects, drops undefined and empty objects", () => {
    expect(flatten({ page: { path: "/", title: "T" }, tags: ["a", "b"], brands: [{ brand: "x" }], u: undefined, e: {} })).toEqual({
      flat: { "page.path": "/", "page.title": "T", tags: ["a", "b"], "brands.0.brand": "x" },
      dropped: 0,
    });
  });
  it("counts what is too deep or past the key cap instead of storing it", () => {
    expect(flatten({ a: { b: { c: { d: { e: { f: { g: 1 } } } } } } }).dropped).toBe(1);
    const many = Object.fromEntries(Array.from({ length: MAX_FLAT_KEYS + 5 }, (_, i) => [`k${i}`, i]));
    expect(flatten(many)).toMatchObject({ dropped: 5 });
  });
  it("is empty for a non-object", () => {
    expect(flatten("x")).toEqual({ flat: {}, dropped: 0 });
  });
});

describe("splitTraits", () => {
  it("sends personal traits to `personal` (email, name, phone, address…) and keeps the rest, prefixed", () => {
    const split = splitTraits(
      { email: "a@b.com", name: "Ana Souza", firstName: "Ana", phone: "+55 11 98765-4321", "address.city": "SP", plan: "pro", logins: 5, "company.name": "Acme", contact: "x@y.io" },
      new Set(),
      "traits",
    );
    expect(split.keep).toEqual({ "traits.plan": "pro", "traits.logins": 5, "traits.company.name": "Acme" });
    expect(Object.keys(split.personal).sort()).toEqual(["traits.address.city", "traits.contact", "traits.email", "traits.firstName", "traits.name", "traits.phone"]);
  });
  it("a key the project allows (as stored, with its prefix) is kept (its value is still checked later by the guard)", () => {
    expect(splitTraits({ email_verified: true }, new Set(["traits.email_verified"]), "traits").keep).toEqual({ "traits.email_verified": true });
    expect(splitTraits({ email_verified: true }, new Set(["email_verified"]), "traits").keep).toEqual({});
  });
});

describe("remoteConfigScript", () => {
  it("escapes the token as a JS string", () => {
    expect(remoteConfigScript('pk_"x')).toContain('["pk_\\"x"]');
  });
});
