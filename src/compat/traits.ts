// Splits user traits (Segment identify traits, PostHog $set) into what may be stored and what is personal data.
import { blockedKey, KEY_PATTERN, piiInScalar } from "../ingest/pii-guard";
import { splitKeyWords } from "../ingest/pii/key-words";

export type Scalar = string | number | boolean;
export type SplitTraits = { keep: Record<string, unknown>; personal: Record<string, Scalar> };

/**
 * Segment's reserved traits that describe the person and that the guard lets through elsewhere because the same
 * words describe things in event properties: a top-level `name` is a person's name here (not `company.name`).
 */
const PERSONAL_TRAITS = new Set(["name", "avatar", "age", "gender", "description", "website", "title"]);

function personal(key: string, stored: string, value: unknown, allowedKeys: ReadonlySet<string>): boolean {
  // The allow-list names keys as they are stored (`traits.email_verified`), as the guard reads it afterwards.
  if (allowedKeys.has(stored)) return false;
  if (!key.includes(".") && PERSONAL_TRAITS.has(splitKeyWords(key).join("_"))) return true;
  if (blockedKey(key, value)) return true;
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => piiInScalar(v, key) !== undefined);
}

/**
 * A personal trait's value is stored only as an HMAC, but its key in clear and past the guard (it is added after
 * validation): a key that is not identifier-like or is itself personal data (`{"ana@example.com": …}`) is dropped.
 */
const keyIsAName = (stored: string, key: string) => KEY_PATTERN.test(stored) && piiInScalar(key) === undefined;

/**
 * Flat traits in, two halves out. `personal` holds what must never be stored in clear (an email, a phone, a name, an
 * address, whatever the guard's key or value rules flag, unless the project allows the key): the route drops it, or
 * stores its HMAC when the project's pii_identifiers is `pseudonymize`. Arrays of personal data are dropped outright.
 */
export function splitTraits(flat: Record<string, unknown>, allowedKeys: ReadonlySet<string>, prefix: string): SplitTraits {
  const out: SplitTraits = { keep: {}, personal: {} };
  for (const [key, value] of Object.entries(flat)) {
    const stored = `${prefix}.${key}`;
    if (!personal(key, stored, value, allowedKeys)) {
      out.keep[stored] = value;
    } else if ((typeof value === "string" || typeof value === "number" || typeof value === "boolean") && keyIsAName(stored, key)) {
      out.personal[stored] = value;
    }
  }
  return out;
}
