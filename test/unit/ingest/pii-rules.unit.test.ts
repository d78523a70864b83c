// The PII guard's building blocks at their boundaries: key words, normalisation, Luhn and card prefixes, numbers.
import { describe, expect, it } from "vitest";
import { numberContextOf, splitKeyWords } from "../../../src/ingest/pii/key-words";
import { normalizeValue, spellOutAddress } from "../../../src/ingest/pii/normalize";
import { looksLikeCardDigits, luhnValid, piiInNumber, piiInString } from "../../../src/ingest/pii/values";

describe("splitKeyWords", () => {
  it.each([
    ["$session_entry_pathname", ["session", "entry", "pathname"]],
    ["billingAddress", ["billing", "address"]],
    ["APIKey", ["api", "key"]],
    ["e-mail", ["e", "mail"]],
    ["userEMail", ["user", "e", "mail"]],
    ["context.page.url", ["context", "page", "url"]],
    ["$feature/new-flow", ["feature", "new", "flow"]],
    ["ＥＭＡＩＬ", ["email"]],
    ["address2", ["address2"]],
  ])("%s → %j", (key, words) => expect(splitKeyWords(key)).toEqual(words));
});

describe("numberContextOf", () => {
  it.each([
    ["mobile", "phone"], ["home_tel", "phone"], ["phone_count", "measure"], ["order_id", "measure"], ["created_at", "measure"],
    ["file_size_bytes", "measure"], ["ref", "neutral"], ["value", "neutral"],
  ])("%s → %s", (key, context) => expect(numberContextOf(splitKeyWords(key))).toBe(context));
});

describe("normalizeValue", () => {
  it("folds full-width forms, drops invisible characters and decodes percent escapes up to three layers", () => {
    expect(normalizeValue("ａ＠ｂ．ｃｏｍ")).toBe("a@b.com");
    expect(normalizeValue("a\u200b@\u00adb.com")).toBe("a@b.com");
    expect(normalizeValue("a%252540b.com")).toBe("a@b.com");
  });

  it("leaves malformed escapes and lone percent signs readable instead of throwing", () => {
    expect(normalizeValue("100% sure")).toBe("100% sure");
    expect(normalizeValue("%E0%A4%A a%40b.com")).toBe("%E0%A4%A a@b.com");
  });

  it("spells out (at), [dot] and the spaced forms only for the address rule", () => {
    expect(spellOutAddress("john [at] example [dot] com")).toBe("john@example.com");
    expect(spellOutAddress("john AT example DOT com")).toBe("john@example.com");
    expect(spellOutAddress("no address here")).toBe("no address here");
  });
});

describe("cards", () => {
  it("checks Luhn", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("79927398713")).toBe(true);
  });

  // Every number here passes Luhn: what decides is the length and the network prefix.
  it.each([
    ["4222222222222", true], // 13 digits, Visa
    ["1234567890128", false], // 13 digits, not Visa (an ms timestamp's shape)
    ["378282246310005", true], // Amex, 15
    ["6011111111111117", true], // Discover, 16
    ["4111111111111111110", true], // 19
    ["41111111111111111115", false], // 20 digits
    ["1111111111111117", false], // prefix 1: epoch µs
    ["7111111111111114", false], // prefix 7: no card network
  ])("%s → %s", (digits, expected) => {
    expect(luhnValid(digits)).toBe(true);
    expect(looksLikeCardDigits(digits)).toBe(expected);
  });

  it("needs printed groups with one kind of separator", () => {
    expect(piiInString("4111 1111 1111 1111")).toBe("card");
    expect(piiInString("4111-1111 1111-1111")).toBeUndefined();
    expect(piiInString("41111 11111 11111 1")).toBeUndefined();
  });
});

describe("piiInNumber", () => {
  it("reads 11–15 digits under a neutral key as a phone, outside the 2000–2100 ms window", () => {
    expect(piiInNumber(9_999_999_999, "neutral")).toBeUndefined();
    expect(piiInNumber(10_000_000_000, "neutral")).toBe("phone");
    expect(piiInNumber(946_684_799_999, "neutral")).toBe("phone");
    expect(piiInNumber(946_684_800_000, "neutral")).toBeUndefined();
    expect(piiInNumber(4_102_444_799_999, "neutral")).toBeUndefined();
    expect(piiInNumber(4_102_444_800_000, "neutral")).toBe("phone");
    expect(piiInNumber(999_999_999_999_999, "neutral")).toBe("phone");
    expect(piiInNumber(1_000_000_000_000_000, "neutral")).toBeUndefined();
  });

  it("reads 7–15 digits under a phone key, and never a phone under an id or measure key", () => {
    expect(piiInNumber(999_999, "phone")).toBeUndefined();
    expect(piiInNumber(1_000_000, "phone")).toBe("phone");
    expect(piiInNumber(15551234567, "measure")).toBeUndefined();
  });

  it("finds card numbers under any key, and ignores negatives, fractions and unsafe integers", () => {
    expect(piiInNumber(4111111111111111, "measure")).toBe("card");
    expect(piiInNumber(-15551234567, "phone")).toBeUndefined();
    expect(piiInNumber(15551234567.5, "phone")).toBeUndefined();
    expect(piiInNumber(2 ** 53 + 2, "neutral")).toBeUndefined();
  });
});
