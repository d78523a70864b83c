// Ingest routes: POST /v1/events (JSON) and POST /v1/collect (navigator.sendBeacon's text/plain).
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import type { AppContext } from "../http/context";
import { errorResponses } from "../http/errors";
import { anyIngestCredential, jsonResponse } from "../http/openapi";
import { ingestBodySchema, ingestResponseSchema } from "./event-schema";
import { ingestEvents } from "./ingest-events";

const query = z.object({
  project: z.string().optional().describe("Only for the operator token, which spans projects"),
  historical_migration: z.enum(["true", "false"]).optional().describe("Admin only: lifts the 30-day past bound to backfill history"),
});

const idempotencyHeader = z.object({
  "idempotency-key": z.string().max(255).optional().describe("Makes server-assigned event ids deterministic, so retrying the same request adds nothing"),
});

const responses = {
  "202": jsonResponse("Accepted events are queued; rejected ones are listed by index", ingestResponseSchema),
  ...errorResponses(400, 401, 403, 404, 413, 429, 503),
};

// Built once: chanfana makes a new route object per request, so a schema written in the class is rebuilt every time.
const POST_EVENTS_SCHEMA = {
  tags: ["ingest"],
  summary: "Send product events: one, an array, or {batch}",
  description:
    "Each event is validated on its own: the response lists rejected events by index with a code, and the rest are accepted. " +
    "Limits: MAX_BATCH_SIZE events, MAX_REQUEST_BYTES per request, MAX_EVENT_BYTES per event (over a limit → 413 naming it).",
  security: anyIngestCredential,
  request: { query, headers: idempotencyHeader, body: { content: { "application/json": { schema: ingestBodySchema } } } },
  responses,
};

export class PostEvents extends ApiRoute {
  schema = POST_EVENTS_SCHEMA;
  // The body is read and validated by ingestEvents itself: per-event acceptance cannot be a whole-body schema check.
  handle(c: AppContext) {
    return ingestEvents(c);
  }
}

const POST_COLLECT_SCHEMA = {
  tags: ["ingest"],
  summary: "Send events with navigator.sendBeacon",
  description: "Same contract as POST /v1/events, for a text/plain body (sendBeacon sends no custom headers): put the publishable key in ?key=.",
  security: anyIngestCredential,
  request: { query: query.extend({ key: z.string().optional() }), headers: idempotencyHeader, body: { content: { "text/plain": { schema: z.string() } } } },
  responses,
};

export class PostCollect extends ApiRoute {
  schema = POST_COLLECT_SCHEMA;
  handle(c: AppContext) {
    return ingestEvents(c);
  }
}
