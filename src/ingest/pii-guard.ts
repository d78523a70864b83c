// The anti-PII guard (seed 000): small flat context/properties objects, no sensitive keys, no values that look like contact data.
export const PII_LIMITS = {
  maxKeys: 32,
  maxObjectBytes: 2048,
  maxStringLength: 256,
  maxArrayLength: 16,
} as const;

/** Case-insensitive substrings: `user_email`, `PromptText` and `billingAddress` are all refused. */
export const BLOCKED_KEY_PARTS = [
  "content", "prompt", "email", "e_mail", "phone", "mobile", "password", "passwd", "token", "secret",
  "name", "address", "ssn", "cpf", "passport", "birth", "credit_card", "card_number", "iban", "ip_addr",
] as const;

/**
 * Seed 000 asks clients to send sizes and flags instead of the text (`content_len`, `has_html`): a key that
 * only describes a sensitive field's shape is allowed when its value is a number or a boolean.
 */
const DESCRIPTIVE_KEY = /(^(has|is)_|_(len|length|count|size|chars|words)$)/i;

const KEY_PATTERN = /^[A-Za-z0-9_$][A-Za-z0-9_.\-:$]{0,63}$/;
const EMAIL = /[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[a-z]{2,}/i;
const PHONE_SHAPE = /^\+?[\d\s().\-/]+$/;

export function looksLikeEmail(value: string): boolean {
  return EMAIL.test(value);
}

/**
 * An international number (+ and 8–15 digits) or a formatted one (separators and 9–15 digits). Bare digit strings
 * are left alone: numeric ids and timestamps look exactly like unformatted phone numbers.
 */
export function looksLikePhone(value: string): boolean {
  const v = value.trim();
  if (!PHONE_SHAPE.test(v)) return false;
  // Signed decimals ("-3.14159265", "+2.5") and dates share the phone alphabet; neither has a phone's shape.
  if (/^[-+]?\d+\.\d+$/.test(v) || /^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const digits = v.replace(/\D/g, "").length;
  if (v.startsWith("+")) return digits >= 8 && digits <= 15;
  return /[\s().\-/]/.test(v) && digits >= 9 && digits <= 15;
}

export type PiiViolation = { code: string; message: string };

function blockedPart(key: string): string | undefined {
  const lower = key.toLowerCase();
  return BLOCKED_KEY_PARTS.find((part) => lower.includes(part));
}

function scalarViolation(field: string, key: string, value: unknown): PiiViolation | undefined {
  if (value === null || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : { code: "invalid_value", message: `${field}.${key} must be a finite number` };
  if (typeof value === "string") {
    if (value.length > PII_LIMITS.maxStringLength) {
      return { code: "value_too_long", message: `${field}.${key} is longer than ${PII_LIMITS.maxStringLength} characters` };
    }
    if (looksLikeEmail(value)) return { code: "pii_value", message: `${field}.${key} looks like an email address` };
    if (looksLikePhone(value)) return { code: "pii_value", message: `${field}.${key} looks like a phone number` };
    return undefined;
  }
  return { code: "not_flat", message: `${field}.${key} must be a string, number, boolean, null or a short array of those` };
}

/** Checks one context/properties object. Messages name the key, never the value. */
export function checkFlatObject(field: "context" | "properties", obj: unknown): PiiViolation[] {
  if (obj === undefined || obj === null) return [];
  if (typeof obj !== "object" || Array.isArray(obj)) return [{ code: "invalid_field", message: `${field} must be a JSON object` }];
  const entries = Object.entries(obj as Record<string, unknown>);
  const violations: PiiViolation[] = [];
  if (entries.length > PII_LIMITS.maxKeys) violations.push({ code: "too_many_keys", message: `${field} has more than ${PII_LIMITS.maxKeys} keys` });
  if (new TextEncoder().encode(JSON.stringify(obj)).length > PII_LIMITS.maxObjectBytes) {
    violations.push({ code: "object_too_large", message: `${field} is larger than ${PII_LIMITS.maxObjectBytes} bytes` });
  }
  for (const [key, value] of entries) {
    // A key is a name, not data: one that is not identifier-like (an email, a sentence) is refused without being echoed.
    if (!KEY_PATTERN.test(key)) {
      violations.push({ code: "invalid_key", message: `${field} has a key that is not an identifier (letters, digits, _ . - : $; at most 64)` });
      continue;
    }
    const blocked = blockedPart(key);
    if (blocked && !(DESCRIPTIVE_KEY.test(key) && (typeof value === "number" || typeof value === "boolean"))) {
      violations.push({ code: "pii_key", message: `${field}.${key} is a blocked key (it may carry personal data: '${blocked}')` });
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length > PII_LIMITS.maxArrayLength) {
        violations.push({ code: "array_too_long", message: `${field}.${key} has more than ${PII_LIMITS.maxArrayLength} items` });
        continue;
      }
      const bad = value.map((item) => (Array.isArray(item) ? { code: "not_flat", message: `${field}.${key} must not nest arrays` } : scalarViolation(field, key, item))).find(Boolean);
      if (bad) violations.push(bad);
      continue;
    }
    const bad = scalarViolation(field, key, value);
    if (bad) violations.push(bad);
  }
  return violations;
}
