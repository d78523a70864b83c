// Validates each raw event on its own, so one bad event is rejected by index while the good ones beside it go on.
import { checkFlatObject, looksLikeEmail, looksLikePhone } from "./pii-guard";
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
};

export type ValidEvent = { index: number; event: IncomingEvent; occurredAt: number };

const encoder = new TextEncoder();

/**
 * Deeper than any event the contract allows (context and properties are flat). Checked first and without recursion:
 * JSON.stringify recurses (V8 does, once an object has an integer-like key), and an event nested 10,000 deep
 * overflowed the stack of the size check below, a 500 for the whole request.
 */
export const MAX_EVENT_DEPTH = 32;

function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [v, depth] = pending.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) pending.push([child, depth + 1]);
  }
  return false;
}

/** Top-level strings a client fills freely (the UUID and date fields cannot hold contact data). */
const FREE_TEXT_FIELDS = ["user_id", "request_id", "resource_type", "resource_id", "decision_id", "policy_id", "src"] as const;

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

  for (const field of FREE_TEXT_FIELDS) {
    const value = event[field];
    if (value && (looksLikeEmail(value) || looksLikePhone(value))) {
      return reject("pii_value", `${field} looks like an email address or phone number; send a pseudonymous id`);
    }
  }
  const violation = [...checkFlatObject("context", event.context), ...checkFlatObject("properties", event.properties)][0];
  if (violation) return reject(violation.code, violation.message);

  return { index, event, occurredAt };
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
