// PostHog's capture API (what posthog-node and posthog-js send to /batch/, /capture/, /e/, /i/v0/e/) mapped onto edgeloop events. Pure.
import type { Rejection } from "../ingest/event-schema";
import { contentId, idString, isObject, type CompatEvent, type CompatMapping } from "./compat-event";
import { isUuid } from "./event-id";
import { postHogEventName } from "./event-names";
import { flatten } from "./flatten";
import { correctedTime } from "./timestamps";
import { splitTraits } from "./traits";

export type PostHogOptions = { receivedAt: number; allowedKeys: ReadonlySet<string> };

/**
 * Properties never stored as they are: `token` is the project key (the credential, not data); `$ip` an address;
 * `distinct_id` is the event's user id already; `$set`/`$set_once`/`$group_set` are person or group traits (split
 * by traits.ts); `$elements` is autocapture's DOM tree as nested objects (posthog-js also sends the flat
 * `$elements_chain`, which is kept).
 */
const DROPPED_PROPERTIES = new Set(["token", "$ip", "distinct_id", "$set", "$set_once", "$unset", "$group_set", "$elements"]);

/** The events of a body: {batch: [...]}, an array (posthog-js), or one event (/capture/). */
export function postHogEvents(body: unknown): { events: unknown[]; sentAt?: unknown; historicalMigration: boolean } {
  if (Array.isArray(body)) return { events: body, historicalMigration: false };
  if (isObject(body) && Array.isArray(body.batch)) return { events: body.batch, sentAt: body.sent_at, historicalMigration: body.historical_migration === true };
  return { events: [body], sentAt: isObject(body) ? body.sent_at : undefined, historicalMigration: false };
}

/** The project key: api_key (or token) in the body, else the first event's properties.token (posthog-js). */
export function postHogApiKey(body: unknown): string | undefined {
  const pick = (o: unknown) => (isObject(o) ? (typeof o.api_key === "string" ? o.api_key : typeof o.token === "string" ? o.token : undefined) : undefined);
  const direct = pick(body);
  if (direct) return direct;
  for (const e of postHogEvents(body).events) {
    const key = pick(e) ?? (isObject(e) ? pick(e.properties) : undefined);
    if (key) return key;
  }
  return undefined;
}

export function mapPostHog(body: unknown, opts: PostHogOptions): CompatMapping & { historicalMigration: boolean } {
  const { events, sentAt, historicalMigration } = postHogEvents(body);
  const out: CompatMapping & { historicalMigration: boolean } = { events: [], rejected: [], historicalMigration };
  events.forEach((e, index) => {
    const mapped = mapPostHogEvent(e, index, { ...opts, sentAt });
    if ("code" in mapped) out.rejected.push(mapped);
    else out.events.push(mapped);
  });
  return out;
}

export function mapPostHogEvent(raw: unknown, index: number, opts: PostHogOptions & { sentAt?: unknown }): CompatEvent | Rejection {
  const reject = (code: string, msg: string): Rejection => ({ index, code, message: msg });
  if (!isObject(raw)) return reject("invalid_event", "A PostHog event must be a JSON object");
  const props = isObject(raw.properties) ? raw.properties : {};
  if (typeof raw.event !== "string" || raw.event.trim() === "") return reject("invalid_event_name", "event: a name is required");
  const eventName = postHogEventName(raw.event);
  if (!eventName) return reject("invalid_event_name", "event: the name has no letters or digits to make an event name of");
  const distinctId = idString(raw.distinct_id) ?? idString(props.distinct_id) ?? idString(raw.$distinct_id);
  if (!distinctId) return reject("invalid_field", "distinct_id: required");

  const occurredAt = correctedTime(
    { timestamp: raw.timestamp, sentAt: raw.sent_at ?? opts.sentAt, offset: raw.offset, ignoreSentAt: props.$ignore_sent_at === true },
    opts.receivedAt,
  );
  if (occurredAt === "invalid") return reject("invalid_occurred_at", "timestamp: not a date-time");

  const kept = Object.fromEntries(Object.entries(props).filter(([k]) => !DROPPED_PROPERTIES.has(k)));
  const flat = flatten(kept);
  const properties: Record<string, unknown> = { ...flat.flat };
  // Person properties ride at the event's top level (posthog-js identify) or in its properties (posthog-node).
  const set = { ...(isObject(raw.$set) ? raw.$set : {}), ...(isObject(props.$set) ? props.$set : {}) };
  const setOnce = { ...(isObject(raw.$set_once) ? raw.$set_once : {}), ...(isObject(props.$set_once) ? props.$set_once : {}) };
  const groupSet = isObject(props.$group_set) ? props.$group_set : {};
  const personal: Record<string, string | number | boolean> = {};
  for (const [source, prefix] of [[set, "$set"], [setOnce, "$set_once"], [groupSet, "$group_set"]] as const) {
    const split = splitTraits(flatten(source).flat, opts.allowedKeys, prefix);
    Object.assign(properties, split.keep);
    Object.assign(personal, split.personal);
  }
  if (raw.event !== eventName) properties.$event_original = raw.event;
  if (flat.dropped > 0) properties.$compat_dropped_values = flat.dropped;

  const sessionId = idString(props.$session_id);
  const event: Record<string, unknown> = {
    event_name: eventName,
    occurred_at: new Date(occurredAt).toISOString(),
    user_id: distinctId,
    src: typeof props.$lib === "string" && props.$lib.trim() ? props.$lib.slice(0, 64) : "posthog",
    ...(sessionId && isUuid(sessionId) ? { client_session_id: sessionId.toLowerCase() } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };

  // $identify: the anonymous id it was before; $create_alias: the alias becomes the distinct id's.
  const anon = raw.event === "$identify" ? idString(props.$anon_distinct_id) : raw.event === "$create_alias" ? idString(props.alias) : undefined;
  const clientId = idString(raw.uuid) ?? idString(props.$insert_id) ?? contentId("posthog", raw);
  return {
    index,
    event,
    clientId,
    ...(anon && anon !== distinctId ? { link: { anonymousId: anon, userId: distinctId } } : {}),
    ...(Object.keys(personal).length > 0 ? { personal } : {}),
  };
}
