// The ingest handler's steps: read → parse → validate → enrich → enqueue → 202 with per-event rejections.
import { config } from "../env";
import { database } from "../db/client";
import type { AppContext } from "../http/context";
import { ApiError } from "../http/errors";
import { log } from "../http/log";
import { readBodyLimited } from "../http/read-body";
import { mayImportHistory, projectOf } from "../http/principal";
import { projectRegistry } from "../projects/event-names";
import { enqueueEvents } from "./enqueue";
import { requestFacts, toEventRow, tokenSubject } from "./enrich";
import { parseIngestBody } from "./parse-body";
import { validateEvents } from "./validate-events";

export async function ingestEvents(c: AppContext): Promise<Response> {
  const cfg = config(c.env);
  const principal = c.get("principal");
  const projectId = projectOf(principal, c.req.query("project"));
  const db = database(c.env.DB);

  const text = await readBodyLimited(c.req.raw, { name: "MAX_REQUEST_BYTES", bytes: cfg.MAX_REQUEST_BYTES });
  const body = parseIngestBody(text, cfg.MAX_BATCH_SIZE);
  const historicalMigration = body.historicalMigration || c.req.query("historical_migration") === "true";
  if (historicalMigration && !mayImportHistory(principal)) {
    throw new ApiError(403, "historical_import_forbidden", "Only an admin may send a historical_migration import");
  }

  // Event names and PII settings come in one cached read.
  const registry = await projectRegistry(db, projectId, cfg.REGISTRY_CACHE_SECONDS);
  if (!registry) throw new ApiError(404, "project_not_found", `No project '${projectId}'`);

  const now = Date.now();
  const { valid, rejected } = validateEvents(body.events, {
    now,
    registeredNames: registry.names,
    historicalMigration,
    maxEventBytes: cfg.MAX_EVENT_BYTES,
    pii: registry.pii,
    canPseudonymize: cfg.USER_ID_SALT !== undefined,
    subject: tokenSubject(principal),
  });
  if (valid.length === 0) {
    const allTooLarge = rejected.every((r) => r.code === "event_too_large");
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
  const rows = await Promise.all(valid.map((v) => toEventRow(v, projectId, principal, facts, salt, idempotencyKey, cfg.USER_ID_SALT ?? null)));

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
  return c.json({ accepted: queued.length, rejected: allRejected, event_ids: queued.map((r) => r.event_id) }, 202, notQueued.length > 0 ? { "Retry-After": "5" } : {});
}
