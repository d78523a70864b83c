// The value rules of the anti-PII guard: does a string or a number look like contact data, a card, an IP or a credential?
import { normalizeValue, spellOutAddress } from "./normalize";

export type PiiKind = "email" | "phone" | "card" | "ip" | "credential";

export const PII_KIND_LABEL: Record<PiiKind, string> = {
  email: "an email address",
  phone: "a phone number",
  card: "a payment card number",
  ip: "an IP address",
  credential: "a credential (a bearer token or JWT)",
};

// --- email -------------------------------------------------------------------------------------------------------
const LOCAL = String.raw`[^\s@<>()[\]\\,;:"'=?&#/]+`;
// A dotted domain ends in a TLD of letters (any script: `.рф`) or its punycode form (`.xn--p1ai`).
const DOTTED_DOMAIN = String.raw`(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(?:\p{L}{2,}|xn--[a-z0-9-]{2,})(?![\p{L}\p{N}-])`;
// A single label starting with a letter: `root@localhost`, `a@b`. Not `react@18.2.0`, not `@mention`.
const SINGLE_LABEL = String.raw`\p{L}[\p{L}\p{N}-]*(?![\p{L}\p{N}.@-])`;
const EMAIL_DOTTED = new RegExp(`${LOCAL}@${DOTTED_DOMAIN}`, "iu");
const EMAIL_SINGLE = new RegExp(`(?<![\\p{L}\\p{N}._%+-])${LOCAL}@${SINGLE_LABEL}`, "iu");
const SPELLED_AT = /[([{<]\s*at\s*[)\]}>]|\sat\s/i;

/**
 * An address anywhere in the value: local@domain with a dotted domain (also in the spelled-out `name(at)example.com`
 * form), or local@label with a literal `@` and a one-label host (`root@localhost`, `a@b`).
 */
function hasEmail(normalized: string): boolean {
  if (normalized.includes("@") && (EMAIL_SINGLE.test(normalized) || EMAIL_DOTTED.test(normalized))) return true;
  return SPELLED_AT.test(normalized) && EMAIL_DOTTED.test(spellOutAddress(normalized));
}

// --- phone -------------------------------------------------------------------------------------------------------
const PHONE_SHAPE = /^\+?[\d\s().\-/]+$/;
const TEL_URI = /(?:^|[^a-z])(?:tel|callto|sms|whatsapp):\/{0,2}\+?\d/i;
// "+55 11 98765-4321" inside text. The character before the "+" must not be a word character: "1.0.0+20130313" is
// semver build metadata, "T10:00:00+01:00" an offset.
const EMBEDDED_INTERNATIONAL = /(?<![\w+])\+\d[\d\s().-]{6,}\d/g;
const digitCount = (s: string) => s.replace(/\D/g, "").length;

/**
 * A whole value shaped like a phone number: an international one (+ and 8–15 digits) or a formatted one (separators
 * and 9–15 digits); a `tel:`/`sms:`/`callto:` URI; or an international number inside text. Bare digit strings are
 * left alone: numeric ids and timestamps look exactly like unformatted phone numbers.
 */
function hasPhone(normalized: string): boolean {
  if (TEL_URI.test(normalized)) return true;
  const v = normalized.trim();
  if (PHONE_SHAPE.test(v)) {
    // Signed decimals ("-3.14159265", "+2.5") and dates share the phone alphabet; neither has a phone's shape.
    if (/^[-+]?\d+\.\d+$/.test(v) || /^\d{4}[-/.]\d{2}[-/.]\d{2}$/.test(v)) return false;
    // Dotted versions ("120.0.6099.129", "10.0.19045.3803") have one-digit parts; dotted phones ("415.555.2671") do not.
    if (/^[\d.]+$/.test(v) && v.split(".").some((part) => part.length === 1)) return false;
    // ISBNs ("978-3-16-148410-0") end in a one-digit check group; a phone number never does.
    if (/^[\d-]+-\d$/.test(v)) return false;
    const digits = digitCount(v);
    if (v.startsWith("+")) return digits >= 8 && digits <= 15;
    return /[\s().\-/]/.test(v) && digits >= 9 && digits <= 15;
  }
  if (!normalized.includes("+")) return false;
  for (const m of normalized.matchAll(EMBEDDED_INTERNATIONAL)) {
    const digits = digitCount(m[0]);
    if (digits >= 8 && digits <= 15) return true;
  }
  return false;
}

// --- payment cards -----------------------------------------------------------------------------------------------
/** The Luhn checksum every payment card number satisfies (and 1 in 10 random digit strings). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * 13–19 digits passing Luhn, whose first digit is a card network's (2–6: Mastercard 2/5, Amex/Diners/JCB 3, Visa 4,
 * Discover/UnionPay/Maestro 6); a 13-digit number must be Visa's (4). The prefix keeps epoch timestamps out: in ms, µs
 * and ns they start with 1 until 2286.
 */
export function looksLikeCardDigits(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits[0]!;
  if (first < "2" || first > "6") return false;
  if (digits.length === 13 && first !== "4") return false;
  return luhnValid(digits);
}

// Unseparated, or grouped as printed on cards (4-4-4-4, 4-6-5, 4-4-4-4-3) with one kind of separator. A digit run
// glued to a word, a path ("/orders/4539…") or a dash is an id, not a card.
const CARD_CANDIDATE = /(?<![\w./-])(?:\d{13,19}|\d{4}([ -])\d{4,6}(?:\1\d{3,6}){1,3})(?![\w/-]|\.\d)/g;

function hasCard(normalized: string): boolean {
  for (const m of normalized.matchAll(CARD_CANDIDATE)) {
    if (looksLikeCardDigits(m[0].replace(/\D/g, ""))) return true;
  }
  return false;
}

// --- IP addresses ------------------------------------------------------------------------------------------------
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4_CANDIDATE = new RegExp(String.raw`(?<![\d.])${OCTET}(?:\.${OCTET}){3}(?![\d.]*\d)`, "g");
const IPV4_EXACT = new RegExp(String.raw`^${OCTET}(?:\.${OCTET}){3}$`);

/**
 * A dotted quad whose parts are all ≤ 255 is an IPv4 address, also when it could be a version ("1.2.3.4"): the
 * guard cannot tell, and an address is the costlier miss. One exception: a quad that is the version of a product
 * token, right after a letter or after "name/" or "name-" (`Chrome/120.0.0.0` in every reduced Chrome User-Agent,
 * `v1.2.3.4`, `build-1.2.3.4`). An address in a URL follows "//" or "@", so it is still caught. Loopback addresses
 * (127.0.0.0/8) are this machine, never a person's: a site run locally puts `http://127.0.0.1:3000/…` in every
 * posthog-js `$current_url` and `$host`, and refusing them refused every local event.
 */
function hasIpv4(normalized: string): boolean {
  for (const m of normalized.matchAll(IPV4_CANDIDATE)) {
    const before = normalized.slice(Math.max(0, m.index - 2), m.index);
    if (/[a-z]$/i.test(before) || /[a-z0-9][/_-]$/i.test(before)) continue;
    if (m[0].startsWith("127.")) continue;
    return true;
  }
  return false;
}

const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

function isIpv6(candidate: string): boolean {
  let s = candidate;
  let tailGroups = 0;
  const v4 = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    if (!IPV4_EXACT.test(v4[2]!)) return false;
    s = v4[1]!.endsWith("::") ? v4[1]! : v4[1]!.slice(0, -1);
    tailGroups = 2;
  }
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const all = halves.flatMap(groups);
  if (!all.every((g) => HEX_GROUP.test(g))) return false;
  if (halves.length === 1) return all.length + tailGroups === 8;
  // Compressed: "::1" (loopback) and "ab::cd" are too short to be anyone's address or to tell from other text;
  // require two groups, one of them 3–4 hex digits ("2001:db8::1", "fe80::1").
  return all.length + tailGroups < 8 && all.length + tailGroups >= 2 && all.some((g) => g.length >= 3);
}

/** Full (8 groups), compressed (`2001:db8::1`, `fe80::1%eth0`) and IPv4-mapped forms, anywhere in the value. */
function hasIpv6(normalized: string): boolean {
  // Two colons at most four hex digits apart, or no address can be in the value (a URL's "https://" is not).
  if (!/[0-9a-f]{0,4}:[0-9a-f]{0,4}:/i.test(normalized)) return false;
  for (const m of normalized.matchAll(/[0-9a-f:.]+/gi)) {
    const before = normalized[m.index - 1];
    const after = normalized[m.index + m[0].length];
    // Glued to a word ("std::abc", "T10:30:00") it is not an address.
    if ((before && /\w/.test(before)) || (after && /[g-z_]/i.test(after))) continue;
    const candidate = m[0].replace(/\.+$/, "");
    if (candidate.split(":").length >= 3 && isIpv6(candidate)) return true;
  }
  return false;
}

// --- credentials -------------------------------------------------------------------------------------------------
const JWT = /\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/;
const BEARER = /\bbearer\s+[\w.~+/-]{16,}/i;

// --- the value rules ---------------------------------------------------------------------------------------------

/** The first kind of personal data a string looks like, after normalisation (see normalize.ts). */
export function piiInString(value: string): PiiKind | undefined {
  const v = normalizeValue(value);
  if (hasEmail(v)) return "email";
  if ((v.includes("eyJ") && JWT.test(v)) || (/bearer/i.test(v) && BEARER.test(v))) return "credential";
  // The rest need digits (or, for IPv6, a colon): most values have neither and stop here.
  const digits = digitCount(v);
  if ((digits >= 4 && v.includes(".") && hasIpv4(v)) || (v.includes(":") && hasIpv6(v))) return "ip";
  if (digits >= 3 && hasPhone(v)) return "phone";
  if (digits >= 13 && hasCard(v)) return "card";
  return undefined;
}

// Epoch milliseconds from 2000-01-01 to 2100-01-01: 12- and 13-digit integers in this window are timestamps.
const MS_EPOCH_2000 = 946_684_800_000;
const MS_EPOCH_2100 = 4_102_444_800_000;

/** yyyymmddhhmm or yyyymmddhhmmss, as some systems send times. */
function isCompactDateTime(digits: string): boolean {
  const m = digits.match(/^(19|20|21)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([01]\d|2[0-3])[0-5]\d(?:[0-5]\d)?$/);
  return m !== null;
}

/** What the key says about a number under it (see key-words.ts: PHONE_WORDS, MEASURE_WORDS). */
export type NumberContext = "phone" | "measure" | "neutral";

/**
 * JSON numbers. Only non-negative integers can be a card or a phone number:
 * - a card: the card rule on its digits, under any key (exact up to 2^53, which covers 16-digit Visa, Mastercard and
 *   Discover);
 * - a phone, under a key that names a phone: 7–15 digits;
 * - a phone, under a neutral key: 11–15 digits (E.164 with its country code), except epoch milliseconds between 2000
 *   and 2100 and compact date-times (yyyymmddhhmm[ss]);
 * - never a phone under a key that names an id or a measure (`order_id`, `file_size_bytes`, `created_at`): Shopify's
 *   13-digit ids and byte counts are not phone numbers.
 * A number of 10 digits or fewer is a phone only under a phone key: counts and epoch seconds look the same.
 */
export function piiInNumber(value: number, context: NumberContext): PiiKind | undefined {
  if (!Number.isSafeInteger(value) || value < 0) return undefined;
  const digits = String(value);
  if (looksLikeCardDigits(digits)) return "card";
  if (context === "phone") return digits.length >= 7 && digits.length <= 15 ? "phone" : undefined;
  if (context === "measure" || digits.length < 11 || digits.length > 15) return undefined;
  if (value >= MS_EPOCH_2000 && value < MS_EPOCH_2100) return undefined;
  if (isCompactDateTime(digits)) return undefined;
  return "phone";
}

/** Kept for callers of the former guard: does the string look like an email address / a phone number? */
export const looksLikeEmail = (value: string) => hasEmail(normalizeValue(value));
export const looksLikePhone = (value: string) => hasPhone(normalizeValue(value));
