// The event contract (seed 000 fields, seed 002 schema): what a client may send, and the row a queue message carries.
import { z } from "zod";
import { EVENT_NAME_PATTERN } from "../projects/default-event-names";

const id = (max: number) => z.string().min(1).max(max);
const flatObject = z.record(z.string(), z.unknown());

/** One incoming event. Unknown top-level fields are dropped, never stored. */
export const incomingEventSchema = z.object({
  event_id: z.uuid().optional().describe("Idempotency key; the server assigns a UUID when missing"),
  event_name: z.string().regex(EVENT_NAME_PATTERN, "event_name must be lower snake case, at most 64 characters"),
  occurred_at: z.iso.datetime({ offset: true }).optional().describe("ISO-8601; defaults to the time the server received it"),
  client_session_id: z.uuid().optional(),
  user_id: id(200).optional().describe("With a publishable key: an anonymous id. With a user JWT the token's sub is used instead"),
  request_id: id(128).optional(),
  resource_type: id(64).optional(),
  resource_id: id(128).optional(),
  decision_id: id(64).optional(),
  policy_id: id(128).optional(),
  src: id(64).optional(),
  context: flatObject.optional().describe("Small flat JSON object (≤32 keys, ≤2 KB); checked by the anti-PII guard"),
  properties: flatObject.optional().describe("Small flat JSON object (≤32 keys, ≤2 KB); checked by the anti-PII guard"),
});
export type IncomingEvent = z.infer<typeof incomingEventSchema>;

/** The documented request body: one event, an array, or {batch, historical_migration}. */
export const ingestBodySchema = z.union([
  incomingEventSchema,
  z.array(incomingEventSchema),
  z.object({ batch: z.array(incomingEventSchema), historical_migration: z.boolean().optional() }),
]);

export const rejectionSchema = z.object({ index: z.number().int(), code: z.string(), message: z.string() });
export type Rejection = z.infer<typeof rejectionSchema>;

export const ingestResponseSchema = z.object({
  accepted: z.number().int(),
  rejected: z.array(rejectionSchema),
  event_ids: z.array(z.string()).describe("The ids of the accepted events, in request order"),
});

/** An accepted, enriched event as it travels through the queue and lands in D1 (column names as in `events`). */
export const eventRowSchema = z.object({
  event_id: z.string().min(1),
  project_id: z.string().min(1),
  event_name: z.string().min(1),
  occurred_at: z.number().int(),
  received_at: z.number().int(),
  user_id: z.string().nullable(),
  user_identified: z.union([z.literal(0), z.literal(1)]),
  client_session_id: z.string().nullable(),
  request_id: z.string().nullable(),
  resource_type: z.string().nullable(),
  resource_id: z.string().nullable(),
  decision_id: z.string().nullable(),
  policy_id: z.string().nullable(),
  src: z.string().nullable(),
  context: z.string().nullable(),
  properties: z.string().nullable(),
  country: z.string().nullable(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  device_type: z.string().nullable(),
});
export type EventRow = z.infer<typeof eventRowSchema>;
