// The anti-PII guard (seed 000): small flat context/properties objects, no sensitive keys, no values that look like personal data.
// Pure: the rules live in pii/key-words.ts (keys), pii/values.ts and pii/normalize.ts (values), pii/identifiers.ts (ids).
import { blockedEntryOf, isDescriptiveKey, numberContextOf, splitKeyWords, type BlockedEntry } from "./pii/key-words";
import { piiInNumber, piiInString, PII_KIND_LABEL, type NumberContext, type PiiKind } from "./pii/values";

export { looksLikeEmail, looksLikePhone, luhnValid, piiInNumber, piiInString, PII_KIND_LABEL, type PiiKind } from "./pii/values";
export { BLOCKED_KEY_WORDS, splitKeyWords } from "./pii/key-words";

export const PII_LIMITS = {
  maxKeys: 32,
  maxObjectBytes: 2048,
  maxStringLength: 256,
  maxArrayLength: 16,
} as const;

/** Keys are names, not data. `/` is allowed for posthog-js's `$feature/<flag>` keys. */
export const KEY_PATTERN = /^[A-Za-z0-9_$][A-Za-z0-9_.\-:$/]{0,63}$/;

export type PiiViolation = { code: string; message: string };
export type PiiLimits = { [K in keyof typeof PII_LIMITS]: number };

export type PiiGuardOptions = {
  /** The project's allow-list: these exact keys skip the key rules. Their values are still checked. */
  allowedKeys?: ReadonlySet<string>;
  /** Shape limits other than PII_LIMITS: the compatibility intake raises them to what the Segment and PostHog SDKs send. */
  limits?: PiiLimits;
};

const WHY: Record<BlockedEntry["kind"], string> = {
  personal: "it may carry personal data",
  secret: "it may carry a secret",
  free_text: "it may carry text a person wrote",
};

function carriesText(value: unknown): boolean {
  return typeof value === "string" || (Array.isArray(value) && value.some((v) => typeof v === "string"));
}

type KeyFacts = { entry: BlockedEntry | undefined; descriptive: boolean; numbers: NumberContext };
const KEY_FACTS_CACHE_SIZE = 5_000;
const keyFactsCache = new Map<string, KeyFacts>();

/** What the key rules say about a key, remembered: events of one client repeat the same keys. */
function keyFacts(key: string): KeyFacts {
  let facts = keyFactsCache.get(key);
  if (!facts) {
    const words = splitKeyWords(key);
    facts = { entry: blockedEntryOf(words), descriptive: isDescriptiveKey(words), numbers: numberContextOf(words) };
    if (keyFactsCache.size >= KEY_FACTS_CACHE_SIZE) keyFactsCache.clear();
    keyFactsCache.set(key, facts);
  }
  return facts;
}

/** Why a key is refused for this value, or undefined. */
export function blockedKey(key: string, value: unknown, allowedKeys?: ReadonlySet<string>): BlockedEntry | undefined {
  if (allowedKeys?.has(key)) return undefined;
  const { entry, descriptive } = keyFacts(key);
  if (!entry) return undefined;
  if (entry.kind === "free_text") return carriesText(value) ? entry : undefined;
  const shapeOnly = typeof value === "number" || typeof value === "boolean";
  return shapeOnly && descriptive ? undefined : entry;
}

/** The kind of personal data a scalar value looks like. For a number, the key says whether it may be a phone. */
export function piiInScalar(value: unknown, key = ""): PiiKind | undefined {
  if (typeof value === "string") return piiInString(value);
  if (typeof value === "number") return piiInNumber(value, keyFacts(key).numbers);
  return undefined;
}

function scalarViolation(field: string, key: string, value: unknown, limits: PiiLimits): PiiViolation | undefined {
  if (value === null || typeof value === "boolean") return undefined;
  if (typeof value === "number" && !Number.isFinite(value)) return { code: "invalid_value", message: `${field}.${key} must be a finite number` };
  if (typeof value === "string" && value.length > limits.maxStringLength) {
    return { code: "value_too_long", message: `${field}.${key} is longer than ${limits.maxStringLength} characters` };
  }
  if (typeof value !== "number" && typeof value !== "string") {
    return { code: "not_flat", message: `${field}.${key} must be a string, number, boolean, null or a short array of those` };
  }
  const kind = piiInScalar(value, key);
  return kind ? { code: "pii_value", message: `${field}.${key} looks like ${PII_KIND_LABEL[kind]}` } : undefined;
}

/** Checks one context/properties object. Messages name the key, never the value. */
export function checkFlatObject(field: "context" | "properties", obj: unknown, opts: PiiGuardOptions = {}): PiiViolation[] {
  if (obj === undefined || obj === null) return [];
  if (typeof obj !== "object" || Array.isArray(obj)) return [{ code: "invalid_field", message: `${field} must be a JSON object` }];
  const entries = Object.entries(obj as Record<string, unknown>);
  const violations: PiiViolation[] = [];
  const limits = opts.limits ?? PII_LIMITS;
  if (entries.length > limits.maxKeys) violations.push({ code: "too_many_keys", message: `${field} has more than ${limits.maxKeys} keys` });
  if (new TextEncoder().encode(JSON.stringify(obj)).length > limits.maxObjectBytes) {
    violations.push({ code: "object_too_large", message: `${field} is larger than ${limits.maxObjectBytes} bytes` });
  }
  for (const [key, value] of entries) {
    // A key is a name, not data: one that is not identifier-like (an email, a sentence) is refused without being echoed.
    if (!KEY_PATTERN.test(key)) {
      violations.push({ code: "invalid_key", message: `${field} has a key that is not an identifier (letters, digits, _ . - : $ /; at most 64)` });
      continue;
    }
    const blocked = blockedKey(key, value, opts.allowedKeys);
    if (blocked) {
      violations.push({ code: "pii_key", message: `${field}.${key} is a blocked key (${WHY[blocked.kind]}: '${blocked.words}')` });
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length > limits.maxArrayLength) {
        violations.push({ code: "array_too_long", message: `${field}.${key} has more than ${limits.maxArrayLength} items` });
        continue;
      }
      const bad = value.map((item) => (Array.isArray(item) ? { code: "not_flat", message: `${field}.${key} must not nest arrays` } : scalarViolation(field, key, item, limits))).find(Boolean);
      if (bad) violations.push(bad);
      continue;
    }
    const bad = scalarViolation(field, key, value, limits);
    if (bad) violations.push(bad);
  }
  return violations;
}
