// Validates each raw event on its own, so one bad event is rejected by index while the good ones beside it go on.
import { MAX_JSON_DEPTH, nestedDeeperThan } from "../http/json-depth";
import { checkFlatObject, type PiiLimits } from "./pii-guard";
import { DEFAULT_PII_SETTINGS, screenIdentifier, type PiiSettings } from "./pii/identifiers";
import { incomingEventSchema, type IncomingEvent, type Rejection } from "./event-schema";

const HOUR = 3_600_000;
export const MAX_FUTURE_MS = 24 * HOUR;
export const MAX_PAST_MS = 30 * 24 * HOUR;

export type ValidationContext = {
  now: number;
  registeredNames: ReadonlySet<string>;
  /** An admin's historical import lifts the 30-day past bound (PostHog's historical_migration). */
  historicalMigration: boolean;
  maxEventBytes: number;
  /** The project's PII settings (identifier mode, allowed keys); the safe defaults when absent. */
  pii?: PiiSettings;
  /** Whether USER_ID_SALT is set, without which nothing can be pseudonymised. */
  canPseudonymize?: boolean;
  /** A user JWT's sub: it replaces the body's user_id in storage, so it is the user_id checked. */
  subject?: string;
  /** context/properties shape limits other than the guard's defaults (the compatibility intake's, src/compat). */
  limits?: PiiLimits;
};

export type ValidEvent = {
  index: number;
  event: IncomingEvent;
  occurredAt: number;
  /** Identifiers that look like personal data, to be replaced by their HMAC before the event is queued. */
  pseudonymize?: IdentifierField[];
};

const encoder = new TextEncoder();

/** Every top-level identifier that is stored (the UUID ones cannot hold contact data, but are screened all the same). */
export const IDENTIFIER_FIELDS = ["user_id", "request_id", "resource_type", "resource_id", "decision_id", "policy_id", "src", "client_session_id", "event_id"] as const;
export type IdentifierField = (typeof IDENTIFIER_FIELDS)[number];

/**
 * Checked first and without recursion: JSON.stringify recurses, and an event nested 10,000 deep overflowed the stack
 * of the size check below, a 500 for the whole request.
 */
export const MAX_EVENT_DEPTH = MAX_JSON_DEPTH;

export function validateEvent(raw: unknown, index: number, ctx: ValidationContext): ValidEvent | Rejection {
  const reject = (code: string, message: string): Rejection => ({ index, code, message });

  if (nestedDeeperThan(raw, MAX_EVENT_DEPTH)) return reject("invalid_event", `An event may be nested at most ${MAX_EVENT_DEPTH} levels deep`);
  const bytes = encoder.encode(JSON.stringify(raw)).length;
  if (bytes > ctx.maxEventBytes) return reject("event_too_large", `The event is ${bytes} bytes; the limit is ${ctx.maxEventBytes} (MAX_EVENT_BYTES)`);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return reject("invalid_event", "An event must be a JSON object");

  const parsed = incomingEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join(".") || "event";
    return reject(issue.path[0] === "event_name" || issue.path[0] === "occurred_at" ? `invalid_${String(issue.path[0])}` : "invalid_field", `${path}: ${issue.message}`);
  }
  const event = parsed.data;

  if (!ctx.registeredNames.has(event.event_name)) {
    return reject("unknown_event_name", `event_name '${event.event_name}' is not registered for this project`);
  }

  const occurredAt = event.occurred_at ? Date.parse(event.occurred_at) : ctx.now;
  if (occurredAt > ctx.now + MAX_FUTURE_MS) return reject("occurred_at_in_future", "occurred_at is more than 24 hours in the future");
  if (!ctx.historicalMigration && occurredAt < ctx.now - MAX_PAST_MS) {
    return reject("occurred_at_too_old", "occurred_at is more than 30 days in the past (an admin's historical_migration import may backfill it)");
  }

  const pii = ctx.pii ?? DEFAULT_PII_SETTINGS;
  const pseudonymize: IdentifierField[] = [];
  for (const field of IDENTIFIER_FIELDS) {
    const fromToken = field === "user_id" && ctx.subject !== undefined;
    const value = fromToken ? ctx.subject : event[field];
    const verdict = screenIdentifier(fromToken ? "user_id (the user token's sub)" : field, value, pii.identifierMode, ctx.canPseudonymize ?? false);
    if (verdict.action === "refuse") return reject("pii_value", verdict.message);
    if (verdict.action === "pseudonymize") pseudonymize.push(field);
  }
  const opts = { allowedKeys: pii.allowedKeys, ...(ctx.limits ? { limits: ctx.limits } : {}) };
  const violation = [...checkFlatObject("context", event.context, opts), ...checkFlatObject("properties", event.properties, opts)][0];
  if (violation) return reject(violation.code, violation.message);

  return pseudonymize.length > 0 ? { index, event, occurredAt, pseudonymize } : { index, event, occurredAt };
}

export function validateEvents(raws: unknown[], ctx: ValidationContext) {
  const valid: ValidEvent[] = [];
  const rejected: Rejection[] = [];
  raws.forEach((raw, index) => {
    const result = validateEvent(raw, index, ctx);
    if ("code" in result) rejected.push(result);
    else valid.push(result);
  });
  return { valid, rejected };
}
