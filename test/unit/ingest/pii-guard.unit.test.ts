import { describe, expect, it } from "vitest";
import { checkFlatObject, looksLikeEmail, looksLikePhone } from "../../../src/ingest/pii-guard";

const codes = (obj: unknown) => checkFlatObject("properties", obj).map((v) => v.code);
const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

describe("checkFlatObject", () => {
  it("accepts undefined and null (the field is optional)", () => {
    expect(checkFlatObject("context", undefined)).toEqual([]);
    expect(checkFlatObject("context", null)).toEqual([]);
  });

  it.each([["a string", "x"], ["a number", 1], ["an array", [1]], ["a boolean", true]])("rejects %s as invalid_field", (_, value) => {
    expect(checkFlatObject("context", value)).toEqual([{ code: "invalid_field", message: "context must be a JSON object" }]);
  });

  it("accepts 32 keys and rejects 33 with too_many_keys", () => {
    expect(codes(keys(32))).toEqual([]);
    expect(checkFlatObject("properties", keys(33))).toEqual([{ code: "too_many_keys", message: "properties has more than 32 keys" }]);
  });

  it("rejects an object over 2048 bytes with object_too_large", () => {
    const big = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, "a".repeat(250)]));
    expect(new TextEncoder().encode(JSON.stringify(big)).length).toBeGreaterThan(2048);
    expect(checkFlatObject("context", big)).toEqual([{ code: "object_too_large", message: "context is larger than 2048 bytes" }]);
  });

  it("accepts exactly 2048 bytes and rejects 2049", () => {
    // Seven keys of 257 bytes each ("kN":"a…a"), six commas and two braces make 1807; one more key fills the rest.
    const sized = (last: number) => ({ ...Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`k${i}`, "a".repeat(250)])), k7: "a".repeat(last) });
    const bytes = (obj: object) => new TextEncoder().encode(JSON.stringify(obj)).length;
    expect(bytes(sized(233))).toBe(2048);
    expect(codes(sized(233))).toEqual([]);
    expect(bytes(sized(234))).toBe(2049);
    expect(codes(sized(234))).toEqual(["object_too_large"]);
  });

  it("counts bytes, not characters", () => {
    // 4 × 200 three-byte characters: under 2048 characters of JSON, but 2400+ bytes.
    const obj = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`k${i}`, "€".repeat(200)]));
    expect(JSON.stringify(obj).length).toBeLessThan(2048);
    expect(codes(obj)).toEqual(["object_too_large"]);
  });

  it("accepts a 256-character string and rejects 257 with value_too_long", () => {
    expect(codes({ s: "a".repeat(256) })).toEqual([]);
    expect(checkFlatObject("properties", { s: "a".repeat(257) })).toEqual([
      { code: "value_too_long", message: "properties.s is longer than 256 characters" },
    ]);
  });

  it("rejects a nested object with not_flat", () => {
    expect(codes({ nested: { a: 1 } })).toEqual(["not_flat"]);
  });

  it("accepts null and booleans", () => {
    expect(codes({ a: null, b: true, c: false, d: 0 })).toEqual([]);
  });

  it.each([NaN, Infinity, -Infinity])("rejects the non-finite number %s", (n) => {
    expect(checkFlatObject("properties", { n })).toEqual([{ code: "invalid_value", message: "properties.n must be a finite number" }]);
  });

  describe("arrays", () => {
    it("accepts an array of up to 16 scalars", () => {
      expect(codes({ tags: ["a", 1, true, null] })).toEqual([]);
      expect(codes({ tags: Array.from({ length: 16 }, (_, i) => i) })).toEqual([]);
    });

    it("rejects 17 items with array_too_long", () => {
      expect(checkFlatObject("properties", { tags: Array.from({ length: 17 }, (_, i) => i) })).toEqual([
        { code: "array_too_long", message: "properties.tags has more than 16 items" },
      ]);
    });

    it("rejects nested arrays and objects inside arrays with not_flat", () => {
      expect(checkFlatObject("properties", { tags: [1, [2]] })).toEqual([{ code: "not_flat", message: "properties.tags must not nest arrays" }]);
      expect(codes({ tags: [{ a: 1 }] })).toEqual(["not_flat"]);
    });

    it("applies the value checks to each item", () => {
      expect(codes({ tags: ["ok", "a".repeat(257)] })).toEqual(["value_too_long"]);
      expect(codes({ tags: ["ok", "someone@example.com"] })).toEqual(["pii_value"]);
    });
  });

  describe("blocked keys", () => {
    it.each([
      "email", "e_mail", "phone", "password", "passwd", "secret", "address", "ssn", "cpf", "passport", "birth",
      "credit_card", "card_number", "iban", "ip_addr", "first_name", "api_key", "authorization", "cookie", "dob", "cc",
    ])("rejects %s in any case", (key) => {
      expect(codes({ [key]: "x" })).toEqual(["pii_key"]);
      expect(codes({ [key.toUpperCase()]: "x" })).toEqual(["pii_key"]);
    });

    it.each([
      ["user_email", "email"], ["PromptText", "prompt"], ["billingAddress", "address"], ["first_name", "first name"],
      ["AuthToken", "auth token"], ["clientSecret", "secret"], ["date_of_birth", "birth"], ["e-mail", "e mail"], ["$ip", "ip"],
    ])("rejects %s as a whole-word match on '%s'", (key, words) => {
      const why = ["AuthToken", "clientSecret"].includes(key) ? "it may carry a secret" : key === "PromptText" ? "it may carry text a person wrote" : "it may carry personal data";
      expect(checkFlatObject("context", { [key]: "x" })).toEqual([{ code: "pii_key", message: `context.${key} is a blocked key (${why}: '${words}')` }]);
    });

    it.each(["$pathname", "$session_entry_pathname", "pass_rate", "cookie_consent", "ip_country", "token", "page_name", "utm_content"])(
      "does not match %s on a part of a word or a modifier",
      (key) => expect(codes({ [key]: "x" })).toEqual([]),
    );

    it("rejects a personal or secret key whatever its value type", () => {
      expect(codes({ email: 1 })).toEqual(["pii_key"]);
      expect(codes({ password: true })).toEqual(["pii_key"]);
      expect(codes({ api_key: null })).toEqual(["pii_key"]);
    });

    it("rejects a free-text key (content, prompt) only when its value can carry text", () => {
      expect(codes({ content: "x", prompt: ["a", 1] })).toEqual(["pii_key", "pii_key"]);
      expect(codes({ content: 1200, prompt: true, $prev_pageview_last_content: 0.5, prompt_id: null })).toEqual([]);
    });

    it("skips the key rules for allow-listed keys, but still checks their values", () => {
      const allowedKeys = new Set(["email_verified"]);
      expect(checkFlatObject("properties", { email_verified: "yes" }, { allowedKeys })).toEqual([]);
      expect(checkFlatObject("properties", { email_verified: "a@b.com" }, { allowedKeys }).map((v) => v.code)).toEqual(["pii_value"]);
      expect(checkFlatObject("properties", { Email_Verified: "yes" }, { allowedKeys }).map((v) => v.code)).toEqual(["pii_key"]);
    });

    it("allows descriptive keys with a number or boolean value", () => {
      expect(codes({ content_len: 120, has_html: true, prompt_length: 5, is_email_verified: false, address_count: 2 })).toEqual([]);
    });

    it("rejects a descriptive key whose value is a string", () => {
      expect(codes({ content_len: "hello" })).toEqual(["pii_key"]);
      expect(codes({ has_email: "yes" })).toEqual(["pii_key"]);
    });

    it("reports every violation, one per key", () => {
      expect(codes({ email: "x", phone: "y", ok: 1, nested: {} })).toEqual(["pii_key", "pii_key", "not_flat"]);
    });
  });

  describe("values that look like contact data", () => {
    it.each(["someone@example.com", "Contact: First.Last+tag@sub.example.co.uk please"])("rejects the email %s without echoing it", (value) => {
      const violations = checkFlatObject("properties", { note: value });
      expect(violations).toEqual([{ code: "pii_value", message: "properties.note looks like an email address" }]);
      expect(violations[0]!.message).not.toContain(value);
      expect(violations[0]!.message).not.toContain("@");
    });

    it.each(["+55 11 98765-4321", "+14155552671", "(415) 555-2671", "415-555-2671", "415.555.2671"])("rejects the phone %s without echoing it", (value) => {
      const violations = checkFlatObject("context", { ref: value });
      expect(violations).toEqual([{ code: "pii_value", message: "context.ref looks like a phone number" }]);
      expect(violations[0]!.message).not.toContain(value);
    });

    it.each(["123456789", "2024-01-01", "v1.2.3", "1700000000000", "12-34", "+1234", "hello world"])("leaves %s alone", (value) => {
      expect(codes({ ref: value })).toEqual([]);
    });
  });
});

describe("looksLikeEmail", () => {
  it.each([["a@b.co", true], ["user.name+x@example.com", true], ["a@b", true], ["@example.com", false], ["not an email", false], ["react@18.2.0", false]])(
    "%s → %s",
    (value, expected) => expect(looksLikeEmail(value)).toBe(expected),
  );
});

describe("looksLikePhone", () => {
  it.each([
    ["+55 11 98765-4321", true], ["+14155552671", true], ["(415) 555-2671", true], ["415-555-2671", true], ["  415 555 2671  ", true],
    ["123456789", false], ["2024-01-01", false], ["v1.2.3", false], ["1700000000000", false], ["+1234567", false],
    ["+1234567890123456", false], ["1-2-3", false], ["", false],
    // Boundaries: + and 8–15 digits; formatted and 9–15 digits.
    // Signed decimals and dates share the phone alphabet but not its shape.
    ["3.14159265", false], ["-3.14159265", false], ["+2.5", false], ["+123456789.5", false], ["1999-12-31", false],
    ["+12345678", true], ["+123456789012345", true], ["123-456-789", true], ["1234-5678", false], ["123 456 789 012 345", true], ["123 456 789 012 3456", false],
  ])("%s → %s", (value, expected) => expect(looksLikePhone(value)).toBe(expected));
});

describe("checkFlatObject keys", () => {
  it("refuses a key that is not an identifier, without echoing it", () => {
    const violations = checkFlatObject("properties", { "someone@example.com": true, "a sentence with spaces": 1, ok_key: 1 });
    expect(violations.map((v) => v.code)).toEqual(["invalid_key", "invalid_key"]);
    expect(JSON.stringify(violations)).not.toContain("someone@example.com");
    expect(JSON.stringify(violations)).not.toContain("sentence");
  });
});
