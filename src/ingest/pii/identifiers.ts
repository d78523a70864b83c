// What happens to a stored identifier (user_id, unit_id, request_id, a JWT's sub…) that looks like personal data.
import { piiInString, PII_KIND_LABEL, type PiiKind } from "./values";

/**
 * The project setting `pii_identifiers`:
 * - `refuse` (default): the event is rejected (`pii_value`), the decision answered 400. Nothing is stored, and the
 *   client learns at once that it sends contact data where an id belongs.
 * - `pseudonymize`: the identifier is replaced by HMAC-SHA256(USER_ID_SALT, project ∅ value) before it is queued or
 *   written, as ANONYMIZE_USER_IDS does for user ids. For an identity provider whose `sub` is an email address.
 *   Without USER_ID_SALT there is no key to hash with, so the identifier is refused instead.
 * Either way it is never stored in clear.
 */
export const PII_IDENTIFIER_MODES = ["refuse", "pseudonymize"] as const;
export type PiiIdentifierMode = (typeof PII_IDENTIFIER_MODES)[number];

/** A project's PII settings, as the guard needs them. */
export type PiiSettings = { identifierMode: PiiIdentifierMode; allowedKeys: ReadonlySet<string> };
export const DEFAULT_PII_SETTINGS: PiiSettings = { identifierMode: "refuse", allowedKeys: new Set() };

export type IdentifierVerdict =
  | { action: "keep" }
  | { action: "pseudonymize"; kind: PiiKind }
  | { action: "refuse"; kind: PiiKind; message: string };

/**
 * Screens one identifier. `canPseudonymize` is whether a USER_ID_SALT is configured. Messages name the field, never
 * the value.
 */
export function screenIdentifier(field: string, value: string | null | undefined, mode: PiiIdentifierMode, canPseudonymize: boolean): IdentifierVerdict {
  if (!value) return { action: "keep" };
  const kind = piiInString(value);
  if (!kind) return { action: "keep" };
  if (mode === "pseudonymize" && canPseudonymize) return { action: "pseudonymize", kind };
  const message =
    mode === "pseudonymize"
      ? `${field} looks like ${PII_KIND_LABEL[kind]}; the project pseudonymises such ids, but USER_ID_SALT is not set, so it is refused`
      : `${field} looks like ${PII_KIND_LABEL[kind]}; send a pseudonymous id (or set the project's pii_identifiers to pseudonymize)`;
  return { action: "refuse", kind, message };
}

/** Reads the two `projects` columns; anything unreadable falls back to the safe defaults. */
export function parsePiiSettings(identifierMode: string | null | undefined, allowedKeysJson: string | null | undefined): PiiSettings {
  const mode = (PII_IDENTIFIER_MODES as readonly string[]).includes(identifierMode ?? "") ? (identifierMode as PiiIdentifierMode) : "refuse";
  let keys: string[] = [];
  try {
    const parsed: unknown = JSON.parse(allowedKeysJson ?? "[]");
    if (Array.isArray(parsed)) keys = parsed.filter((k): k is string => typeof k === "string");
  } catch {
    // A malformed column allows nothing.
  }
  return { identifierMode: mode, allowedKeys: new Set(keys) };
}
