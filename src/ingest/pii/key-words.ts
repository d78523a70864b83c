// The key rules of the anti-PII guard: split a key into words and match whole words against the blocked list below.

/**
 * Why a key is blocked, which decides what value it may still hold:
 * - `personal`: contact and identity data (an email, a name, a card). Any value is refused, except under a
 *   descriptive key (`has_email: true`, `phone_count: 2`, see DESCRIPTIVE below).
 * - `secret`: credentials. Same rule.
 * - `free_text`: text a person wrote (seed 000: content and prompts). Only a string (or an array holding one) is
 *   refused: a number or a boolean cannot carry text, so posthog-js's `$prev_pageview_last_content: 1200` (pixels)
 *   passes while `content: "…"` does not.
 */
export type BlockedKind = "personal" | "secret" | "free_text";

/**
 * One entry: the words (space-separated) that must appear consecutively among the key's words, or glued into one
 * word (`first name` also matches `firstname`). `last` entries match only as the key's final words, where English
 * compounds put the thing the value is: `session_cookie`, `user_pass` and `client_ip` are blocked, while
 * `cookie_consent`, `pass_rate` and `ip_country` describe something else.
 */
export type BlockedEntry = { words: string; kind: BlockedKind; last?: true };

const personal = (words: string, last?: true): BlockedEntry => ({ words, kind: "personal", ...(last ? { last } : {}) });
const secret = (words: string, last?: true): BlockedEntry => ({ words, kind: "secret", ...(last ? { last } : {}) });

/**
 * The documented list (docs/ingestion.md §3 repeats it). Bare `name` is absent on purpose: in event properties it is
 * almost always a thing's name (Segment's page `name`, `context.library.name`, e-commerce `name`); a person's name
 * is caught by the qualified forms. Bare `token` is absent too: posthog-js sends its project key as `token`; the
 * credential forms are qualified, and any value shaped like a JWT or a bearer token is refused by the value rules.
 * `mobile` is absent as a key word (Segment sends `context.userAgentData.mobile: false`); a number under it is still
 * checked as a phone (PHONE_WORDS).
 */
export const BLOCKED_KEY_WORDS: readonly BlockedEntry[] = [
  // Contact data.
  personal("email"), personal("e mail"), personal("mail", true),
  personal("phone"), personal("telephone"), personal("tel", true), personal("fax", true), personal("msisdn"),
  personal("mobile number"), personal("mobile no"), personal("mobile num"), personal("cell number"), personal("cellphone"),
  personal("address"), personal("addr", true), personal("street"), personal("postal address"),
  // A person's name.
  personal("first name"), personal("last name"), personal("full name"), personal("given name"), personal("family name"),
  personal("middle name"), personal("maiden name"), personal("user name"), personal("display name"), personal("real name"),
  personal("legal name"), personal("nick name"), personal("contact name"), personal("customer name"), personal("person name"),
  personal("traits name"), personal("owner name"), personal("member name"), personal("recipient name"), personal("sender name"),
  personal("billing name"), personal("shipping name"), personal("surname"), personal("cardholder"),
  // Identity documents and dates.
  personal("birth"), personal("birthdate"), personal("birthday"), personal("dob"),
  personal("ssn"), personal("social security"), personal("cpf"), personal("passport"), personal("national id"), personal("tax id"),
  personal("driver license"), personal("drivers license"), personal("driving licence"),
  // Payment data.
  personal("iban"), personal("credit card"), personal("debit card"), personal("card number"), personal("card num"), personal("card no"),
  personal("cc"), personal("cvv"), personal("cvc"),
  // Network addresses.
  personal("ip", true), personal("ipv4"), personal("ipv6"), personal("forwarded for"),
  // Credentials.
  secret("password"), secret("passwd"), secret("pwd"), secret("passphrase"), secret("passcode"), secret("pass", true),
  secret("secret"), secret("api key"), secret("private key"), secret("authorization"), secret("bearer"), secret("jwt"), secret("otp", true), secret("otp code"),
  secret("auth token"), secret("access token"), secret("refresh token"), secret("id token"), secret("session token"),
  secret("csrf token"), secret("xsrf token"), secret("oauth token"), secret("cookie", true),
  // Free text a person wrote (seed 000).
  { words: "content", kind: "free_text" }, { words: "prompt", kind: "free_text" },
];

/**
 * Standard compounds that contain a blocked word but name something harmless. UTM parameters come from the page's
 * URL, written by marketers: posthog-js sends `utm_content` and `$session_entry_utm_content`, Segment
 * `context.campaign.content`. Ad pixels and GA4 describe the item shown with `content_type`, `content_id(s)`,
 * `content_name`, `content_category` and `content_group`.
 */
export const HARMLESS_COMPOUNDS: readonly string[] = [
  "utm content", "campaign content", "content type", "content id", "content ids", "content name", "content category", "content group",
];

/** Words that make a number under the key a phone number (the key rules block most of them anyway). */
export const PHONE_WORDS: ReadonlySet<string> = new Set(["phone", "telephone", "tel", "mobile", "cell", "cellphone", "msisdn", "whatsapp", "fax", "sms"]);

/**
 * Last words that say a number is an id, a time or a measure, so it is never read as a phone number (a card number is
 * still caught): `order_id`, `file_size_bytes`, `created_at`, `duration_ms`, `order_number`.
 */
export const MEASURE_WORDS: ReadonlySet<string> = new Set([
  "id", "ids", "uid", "number", "no", "num", "count", "total", "sum", "size", "bytes", "len", "length", "index", "offset",
  "position", "rank", "score", "version", "build", "ms", "us", "ns", "sec", "secs", "seconds", "minutes", "time", "timestamp",
  "ts", "at", "date", "epoch", "amount", "price", "cost", "revenue", "qty", "quantity", "duration",
]);

/**
 * Seed 000 asks clients to send sizes and flags instead of the text (`content_len`, `has_html`): a key that only
 * describes a blocked field's shape — first word `has`, `is` or `num`, or last word `len`, `length`, `count`, `size`,
 * `chars` or `words` — may hold a number or a boolean.
 */
const DESCRIPTIVE_FIRST = new Set(["has", "is", "num"]);
const DESCRIPTIVE_LAST = new Set(["len", "length", "count", "size", "chars", "words"]);

/**
 * `$session_entry_pathname` → [session, entry, pathname]; `billingAddress` → [billing, address];
 * `APIKey` → [api, key]; `e-mail` → [e, mail]; `context.page.url` → [context, page, url]. Separators are
 * `_ - . : $ /` and spaces; case changes split camelCase; everything is lower-cased after NFKC.
 */
export function splitKeyWords(key: string): string[] {
  return key
    .normalize("NFKC")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A word matches an entry word as itself, or with a trailing number dropped (`address2`, `cvv2`; `ipv6` is listed). */
const formsOf = (word: string): string[] => {
  const stripped = word.replace(/\d+$/, "");
  return stripped && stripped !== word ? [word, stripped] : [word];
};
const same = (word: string, target: string) => word === target || word.replace(/\d+$/, "") === target;

// The list compiled once, indexed by an entry's first word and by its glued form, so a key costs a few map lookups
// instead of a pass over every entry.
type Compiled = { entry: BlockedEntry; order: number; parts: string[] };
const BY_FIRST_WORD = new Map<string, Compiled[]>();
const BY_GLUED = new Map<string, Compiled[]>();
BLOCKED_KEY_WORDS.forEach((entry, order) => {
  const parts = entry.words.split(" ");
  const compiled = { entry, order, parts };
  BY_FIRST_WORD.set(parts[0]!, [...(BY_FIRST_WORD.get(parts[0]!) ?? []), compiled]);
  if (parts.length > 1) BY_GLUED.set(parts.join(""), [...(BY_GLUED.get(parts.join("")) ?? []), compiled]);
});
const HARMLESS_PARTS = HARMLESS_COMPOUNDS.map((c) => c.split(" "));

function containsPhrase(words: readonly string[], parts: readonly string[]): boolean {
  for (let i = 0; i + parts.length <= words.length; i++) if (parts.every((p, j) => same(words[i + j]!, p))) return true;
  return false;
}

function coveredByHarmless(words: readonly string[], entry: BlockedEntry): boolean {
  return HARMLESS_PARTS.some((parts, i) => HARMLESS_COMPOUNDS[i]!.includes(entry.words) && containsPhrase(words, parts));
}

/** The blocked entry the key's words contain (the earliest in the list when several do), if any. */
export function blockedEntryOf(words: readonly string[]): BlockedEntry | undefined {
  let best: Compiled | undefined;
  const consider = (c: Compiled) => {
    if (!best || c.order < best.order) best = c;
  };
  words.forEach((word, i) => {
    for (const form of formsOf(word)) {
      for (const c of BY_GLUED.get(form) ?? []) if (!c.entry.last || i === words.length - 1) consider(c);
      for (const c of BY_FIRST_WORD.get(form) ?? []) {
        const end = i + c.parts.length;
        if (end > words.length || (c.entry.last && end !== words.length)) continue;
        if (c.parts.every((p, j) => j === 0 || same(words[i + j]!, p))) consider(c);
      }
    }
  });
  const found = (best as Compiled | undefined)?.entry;
  return found && !coveredByHarmless(words, found) ? found : undefined;
}

export function isDescriptiveKey(words: readonly string[]): boolean {
  return words.length > 1 && (DESCRIPTIVE_FIRST.has(words[0]!) || DESCRIPTIVE_LAST.has(words[words.length - 1]!));
}

/** What a key says about a number under it: a phone key wins; else a last word naming an id or a measure. */
export function numberContextOf(words: readonly string[]): "phone" | "measure" | "neutral" {
  if (isDescriptiveKey(words)) return "measure";
  if (words.some((w) => PHONE_WORDS.has(w) || PHONE_WORDS.has(w.replace(/\d+$/, "")))) return "phone";
  const last = words[words.length - 1];
  return last !== undefined && MEASURE_WORDS.has(last) ? "measure" : "neutral";
}
