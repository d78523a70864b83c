// Seed 002's event shape {ts, user_id, type, src, payload}, recognised by its fields at /v1/events and /api/analytics/ingest. Pure but for hashing.
import type { MappedEvents } from "../ingest/ingest-events";
import type { Rejection } from "../ingest/event-schema";
import { isObject } from "./compat-event";
import { canonicalJson, isUuid, uuidV5 } from "./event-id";
import { snakeCaseName } from "./event-names";
import { flatten } from "./flatten";

/** A seed 002 event has `type` and no `event_name` (the contract's events always have event_name). */
export function isSeed002Event(raw: unknown): raw is Record<string, unknown> {
  return isObject(raw) && !("event_name" in raw) && typeof raw.type === "string";
}

/** ISO-8601 without an offset is read as UTC, as seed 002's Python service (datetime in UTC) writes it. */
function isoWithOffset(ts: unknown): unknown {
  if (typeof ts !== "string") return ts;
  return /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(ts) ? `${ts}Z` : ts;
}

/**
 * One seed 002 event → the contract. Seed 002 events carry no id, and its SDK re-queues a failed batch whole: the id
 * is a UUIDv5 of the project and the event's content, so the resent copy is the same row (and two identical events at
 * the same millisecond by the same user are one).
 */
export function seed002Event(raw: Record<string, unknown>): { event: Record<string, unknown>; clientId: string } | { code: string; message: string } {
  const name = typeof raw.type === "string" ? snakeCaseName(raw.type) : null;
  if (!name) return { code: "invalid_event_name", message: "type: the name has no letters or digits to make an event name of" };
  const payload = flatten(raw.payload);
  const properties: Record<string, unknown> = { ...payload.flat };
  if (raw.type !== name) properties.$event_original = raw.type;
  if (payload.dropped > 0) properties.$compat_dropped_values = payload.dropped;
  const sessionId = typeof properties.session_id === "string" && isUuid(properties.session_id) ? properties.session_id : undefined;
  const event: Record<string, unknown> = {
    event_name: name,
    ...(raw.ts !== undefined ? { occurred_at: isoWithOffset(raw.ts) } : {}),
    ...(raw.user_id !== undefined ? { user_id: typeof raw.user_id === "number" ? String(raw.user_id) : raw.user_id } : {}),
    ...(raw.src !== undefined ? { src: raw.src } : {}),
    ...(sessionId ? { client_session_id: sessionId } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
  const identity = canonicalJson({ ts: raw.ts, user_id: raw.user_id, type: raw.type, src: raw.src, payload: raw.payload });
  return { event, clientId: `seed002:${identity}` };
}

/** The ingest pipeline's mapper: seed 002 items are translated, the contract's own pass through untouched. */
export async function mapSeed002Items(raws: unknown[], projectId: string): Promise<MappedEvents> {
  if (!raws.some(isSeed002Event)) return { events: raws };
  const rejected: Rejection[] = [];
  const events: unknown[] = [];
  const indexOf: number[] = [];
  for (const [index, raw] of raws.entries()) {
    if (!isSeed002Event(raw)) {
      events.push(raw);
      indexOf.push(index);
      continue;
    }
    const mapped = seed002Event(raw);
    if ("code" in mapped) {
      rejected.push({ index, ...mapped });
      continue;
    }
    events.push({ ...mapped.event, event_id: await uuidV5(`${projectId}\u0000${mapped.clientId}`) });
    indexOf.push(index);
  }
  return { events, indexOf, rejected };
}
