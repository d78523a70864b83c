// Turns a request body into a list of raw events, enforcing the request-level limits (bytes, batch size).
import { ApiError } from "../http/errors";
import { tooLarge } from "../http/read-body";

export type ParsedBody = { events: unknown[]; historicalMigration: boolean };

/** Accepts one event, an array of events, or {"batch": [...], "historical_migration"?: bool}. */
export function parseIngestBody(text: string, maxBatchSize: number): ParsedBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "malformed_json", "The request body is not valid JSON");
  }
  let events: unknown[];
  let historicalMigration = false;
  if (Array.isArray(body)) {
    events = body;
  } else if (body !== null && typeof body === "object" && "batch" in body) {
    const { batch, historical_migration } = body as { batch: unknown; historical_migration?: unknown };
    if (!Array.isArray(batch)) throw new ApiError(400, "invalid_body", "'batch' must be an array of events");
    if (historical_migration !== undefined && typeof historical_migration !== "boolean") {
      throw new ApiError(400, "invalid_body", "'historical_migration' must be a boolean");
    }
    events = batch;
    historicalMigration = historical_migration === true;
  } else if (body !== null && typeof body === "object") {
    events = [body];
  } else {
    throw new ApiError(400, "invalid_body", "Send an event object, an array of events, or {\"batch\": [...]}");
  }
  if (events.length === 0) throw new ApiError(400, "empty_batch", "The request holds no events");
  if (events.length > maxBatchSize) {
    throw tooLarge("MAX_BATCH_SIZE", events.length, `A request may hold at most ${maxBatchSize} events (MAX_BATCH_SIZE); this one has ${events.length}`);
  }
  return { events, historicalMigration };
}
