// Event generators for the ingest properties: events the contract accepts, and events it must reject (each by construction).
import fc from "fast-check";
import { z } from "zod";
import { blockedKey } from "../../src/ingest/pii-guard";
import { DEFAULT_EVENT_NAMES, EVENT_NAME_PATTERN } from "../../src/projects/default-event-names";
import { anyJson, anyString } from "./arbitraries";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const REGISTERED = DEFAULT_EVENT_NAMES.map((n) => n.name);

/** Ids without '-', '+', spaces or '@': nothing the PII guard could read as a phone number or an email. */
const plainId = (max: number) => fc.stringMatching(new RegExp(`^[a-z0-9_]{1,${max}}$`));

/** Property keys a product would use: identifier-like and not a key the PII guard blocks (for a string value). */
const safeKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/).filter((k) => blockedKey(k, "value") === undefined);

/** Values a product sends that are not personal data: numbers, flags, short codes, decimals, dates, paths, versions. */
const safeScalar = fc.oneof(
  // Not a whole number of 11–16 digits: the PII guard reads those as phone numbers under a neutral key (documented).
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v) || Math.abs(v) < 1e10 || Math.abs(v) >= 1e16),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  plainId(40),
  fc.constantFrom("3.14", "-2.5", "2026-11-11", "2026-11-11T10:00:00Z", "/pricing", "/a/b?c=1", "1.2.3", "1920x1080", "en-US", "#fff", "42", "1731326400000"),
);

const flatObject = fc.dictionary(safeKey, fc.oneof({ weight: 4, arbitrary: safeScalar }, { weight: 1, arbitrary: fc.array(safeScalar, { maxLength: 4 }) }), { maxKeys: 8 });

/** One event the server must accept from any ingest credential (times stay inside the 30-day/24-hour window). */
export const validEvent = fc
  .record(
    {
      event_name: fc.constantFrom(...REGISTERED),
      event_id: fc.uuid(),
      occurred_at: fc.integer({ min: -29 * DAY, max: 23 * HOUR }),
      client_session_id: fc.uuid(),
      user_id: plainId(40),
      request_id: plainId(40),
      resource_type: plainId(20),
      resource_id: plainId(40),
      decision_id: plainId(40),
      policy_id: plainId(40),
      src: plainId(20),
      context: flatObject,
      properties: flatObject,
      // Unknown top-level fields are dropped, never a reason to refuse the event.
      extra_field: anyJson,
    },
    { requiredKeys: ["event_name"] },
  )
  .map(({ occurred_at, ...rest }) => ({ ...rest, ...(occurred_at === undefined ? {} : { occurred_at: new Date(Date.now() + occurred_at).toISOString() }) }));

export type GeneratedEvent = Record<string, unknown> & { event_name: string };

const isUuid = (s: string) => z.uuid().safeParse(s).success;
const isOffsetDateTime = (s: string) => z.iso.datetime({ offset: true }).safeParse(s).success;
const isPlainObject = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);

/** A flat object that breaks the PII guard's rules in one way. */
const pii = fc.oneof(
  // Blocked words inside other words' company (the guard matches whole words); the filter keeps only keys it blocks.
  fc
    .tuple(safeKey, fc.constantFrom("email", "phone", "password", "passport", "ssn", "address", "birth_date", "credit_card"), safeKey, plainId(10))
    .map(([a, word, b, v]) => ({ [`${a}_${word}_${b}`]: v }))
    .filter((o) => blockedKey(Object.keys(o)[0]!, "value") !== undefined),
  fc.tuple(safeKey, fc.constantFrom("maria.silva@example.com", "a@b.io", "+49 151 23456789", "(555) 123-4567", "+5511987654321")).map(([k, v]) => ({ [k]: v })),
  fc.tuple(safeKey, fc.constant("x".repeat(257))).map(([k, v]) => ({ [k]: v })),
  fc.tuple(safeKey, fc.dictionary(safeKey, safeScalar, { minKeys: 1, maxKeys: 2 })).map(([k, v]) => ({ [k]: v })),
  fc.tuple(safeKey, fc.array(fc.array(safeScalar, { minLength: 1 }), { minLength: 1, maxLength: 2 })).map(([k, v]) => ({ [k]: v })),
  fc.tuple(safeKey, fc.array(safeScalar, { minLength: 17, maxLength: 20 })).map(([k, v]) => ({ [k]: v })),
  fc.constant(Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]))),
  fc.constantFrom({ "user email": 1 }, { "": 1 }, { [`k${"x".repeat(70)}`]: 1 }),
);

/** One event the server must reject, whatever else is in the batch: each variant breaks one rule of the contract. */
export const invalidEvent: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).filter((v) => !isPlainObject(v)),
  fc.tuple(validEvent, anyString.filter((s) => !REGISTERED.includes(s))).map(([e, name]) => ({ ...e, event_name: name })),
  fc.tuple(validEvent, fc.stringMatching(EVENT_NAME_PATTERN).filter((s) => !REGISTERED.includes(s))).map(([e, name]) => ({ ...e, event_name: name })),
  fc.tuple(validEvent, anyJson.filter((v) => typeof v !== "string")).map(([e, name]) => ({ ...e, event_name: name })),
  validEvent.map(({ event_name: _drop, ...rest }) => rest),
  fc.tuple(validEvent, anyString.filter((s) => !isUuid(s))).map(([e, id]) => ({ ...e, event_id: id })),
  fc.tuple(validEvent, fc.oneof(fc.integer({ min: 31, max: 100_000 }).map((d) => -d * DAY), fc.integer({ min: 25, max: 10_000 }).map((h) => h * HOUR))).map(([e, offset]) => ({
    ...e,
    occurred_at: new Date(Date.now() + offset).toISOString(),
  })),
  fc.tuple(validEvent, anyString.filter((s) => !isOffsetDateTime(s))).map(([e, t]) => ({ ...e, occurred_at: t })),
  fc.tuple(validEvent, fc.constantFrom("context", "properties"), pii).map(([e, field, obj]) => ({ ...e, [field]: obj })),
  fc.tuple(validEvent, fc.constantFrom("context", "properties"), fc.oneof(fc.array(safeScalar, { minLength: 1 }), anyString, fc.integer())).map(([e, field, v]) => ({ ...e, [field]: v })),
  // resource_id, not user_id: a user JWT's subject replaces the body's user_id, so a bad one there is not an error.
  fc.tuple(validEvent, fc.constantFrom("", "maria.silva@example.com", "+49 151 23456789", "x".repeat(201))).map(([e, id]) => ({ ...e, resource_id: id })),
  validEvent.map((e) => ({ ...e, padding: "x".repeat(33 * 1024) })),
);
