// The ingest handler's steps: read → parse → validate → enrich → enqueue → 202 with per-event rejections.
import { mapSeed002Items } from "../compat/seed002";
import { config } from "../env";
import { database } from "../db/client";
import type { AppContext } from "../http/context";
import { ApiError } from "../http/errors";
import { log } from "../http/log";
import { readBodyLimited } from "../http/read-body";
import { mayImportHistory, projectOf } from "../http/principal";
import { projectRegistry, type ProjectRegistry } from "../projects/event-names";
import { enqueueEvents } from "./enqueue";
import { requestFacts, toEventRow, tokenSubject } from "./enrich";
import type { EventRow, Rejection } from "./event-schema";
import { parseIngestBody } from "./parse-body";
import type { PiiLimits } from "./pii-guard";
import { validateEvents, type ValidEvent } from "./validate-events";

/** Turns a request's raw items into events of the contract (seed 002's shape at /v1/events, src/compat). */
export type EventMapper = (raws: unknown[], projectId: string, registry: ProjectRegistry) => Promise<MappedEvents>;
export type MappedEvents = {
  /** Events in the contract's shape, to be validated like any other. */
  events: unknown[];
  /** The request index of each event above (mapping may refuse some items: those are in `rejected`). */
  indexOf?: number[];
  /** Items the mapping itself refused, by request index. */
  rejected?: Rejection[];
  /** More names accepted besides the project's registry (a protocol's own standard events). */
  extraNames?: ReadonlySet<string>;
};

export type AcceptOptions = {
  historicalMigration: boolean;
  map?: EventMapper;
  limits?: PiiLimits;
  /** After enrichment, before the queue: may rewrite rows and write what goes with them (identity links). */
  beforeEnqueue?: (rows: EventRow[], valid: ValidEvent[], projectId: string) => Promise<EventRow[]>;
};

export type AcceptResult = {
  projectId: string;
  /** Rows the queue took, in request order. */
  queued: EventRow[];
  /** Rejections by request index, the queue's refusals (code queue_unavailable) included. */
  rejected: Rejection[];
  /** How many the queue refused while taking others. */
  notQueued: number;
};

export async function ingestEvents(c: AppContext): Promise<Response> {
  const cfg = config(c.env);
  const text = await readBodyLimited(c.req.raw, { name: "MAX_REQUEST_BYTES", bytes: cfg.MAX_REQUEST_BYTES });
  const body = parseIngestBody(text, cfg.MAX_BATCH_SIZE);
  const result = await acceptEvents(c, body.events, { historicalMigration: body.historicalMigration, map: mapSeed002Items });
  return c.json(
    { accepted: result.queued.length, rejected: result.rejected, event_ids: result.queued.map((r) => r.event_id) },
    202,
    result.notQueued > 0 ? { "Retry-After": "5" } : {},
  );
}

/**
 * The shared pipeline after the body is parsed: map (optional) → validate → PII guard → enrich → enqueue. Throws the
 * request-level errors (403, 404, 400/413 when nothing is valid, 503 when the queue took nothing).
 */
export async function acceptEvents(c: AppContext, raws: unknown[], opts: AcceptOptions): Promise<AcceptResult> {
  const cfg = config(c.env);
  const principal = c.get("principal");
  const projectId = projectOf(principal, c.req.query("project"));
  const db = database(c.env.DB);

  const historicalMigration = opts.historicalMigration || c.req.query("historical_migration") === "true";
  if (historicalMigration && !mayImportHistory(principal)) {
    throw new ApiError(403, "historical_import_forbidden", "Only an admin may send a historical_migration import");
  }

  // Event names and PII settings come in one cached read.
  const registry = await projectRegistry(db, projectId, cfg.REGISTRY_CACHE_SECONDS);
  if (!registry) throw new ApiError(404, "project_not_found", `No project '${projectId}'`);

  const mapped: MappedEvents = opts.map ? await opts.map(raws, projectId, registry) : { events: raws };
  const names = mapped.extraNames ? new Set([...registry.names, ...mapped.extraNames]) : registry.names;
  const now = Date.now();
  const validated = validateEvents(mapped.events, {
    now,
    registeredNames: names,
    historicalMigration,
    maxEventBytes: cfg.MAX_EVENT_BYTES,
    pii: registry.pii,
    canPseudonymize: cfg.USER_ID_SALT !== undefined,
    subject: tokenSubject(principal),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  const indexOf = mapped.indexOf;
  const valid = indexOf ? validated.valid.map((v) => ({ ...v, index: indexOf[v.index]! })) : validated.valid;
  const rejected = [...(indexOf ? validated.rejected.map((r) => ({ ...r, index: indexOf[r.index]! })) : validated.rejected), ...(mapped.rejected ?? [])].sort(
    (a, b) => a.index - b.index,
  );
  if (valid.length === 0) {
    const allTooLarge = rejected.length > 0 && rejected.every((r) => r.code === "event_too_large");
    throw new ApiError(
      allTooLarge ? 413 : 400,
      allTooLarge ? "payload_too_large" : "no_valid_events",
      allTooLarge ? `Every event is over MAX_EVENT_BYTES (${cfg.MAX_EVENT_BYTES} bytes)` : "No event in the request was accepted",
      allTooLarge ? { limit: "MAX_EVENT_BYTES", rejected } : { rejected },
    );
  }

  const facts = requestFacts(c.req.header("user-agent"), (c.req.raw.cf as { country?: unknown } | undefined)?.country, now);
  const salt = cfg.ANONYMIZE_USER_IDS ? cfg.USER_ID_SALT! : null;
  const idempotencyKey = c.req.header("idempotency-key")?.slice(0, 255) || undefined;
  let rows = await Promise.all(valid.map((v) => toEventRow(v, projectId, principal, facts, salt, idempotencyKey, cfg.USER_ID_SALT ?? null)));
  if (opts.beforeEnqueue) rows = await opts.beforeEnqueue(rows, valid, projectId);

  const { refused, error } = await enqueueEvents(c.env.EVENTS_QUEUE, rows);
  if (refused.length > 0) log.error("enqueue_failed", { project: projectId, events: rows.length, refused: refused.length, error: String(error) });
  if (refused.length === rows.length) {
    throw new ApiError(503, "queue_unavailable", "Events could not be queued; nothing was accepted, retry the request (with the same event_ids or Idempotency-Key)", undefined, { "Retry-After": "5" });
  }
  // Part of the request was queued: those events are accepted and named; the refused ones are listed by index under
  // a retryable code, so a client that resends exactly those never writes an accepted event twice.
  const refusedSet = new Set(refused);
  const queued = rows.filter((_, position) => !refusedSet.has(position));
  const notQueued = refused.map((position) => ({ index: valid[position]!.index, code: "queue_unavailable", message: "The queue did not take this event; send it again" }));
  const allRejected = [...rejected, ...notQueued].sort((a, b) => a.index - b.index);
  if (rejected.length > 0) log.info("events_rejected", { project: projectId, rejected: rejected.length, codes: [...new Set(rejected.map((r) => r.code))] });
  return { projectId, queued, rejected: allRejected, notQueued: notQueued.length };
}
