// Segment's HTTP tracking API (what @segment/analytics-node and analytics.js send) mapped onto edgeloop events. Pure.
import type { Rejection } from "../ingest/event-schema";
import { contentId, idString, isObject, type CompatEvent, type CompatMapping } from "./compat-event";
import { SEGMENT_TYPE_EVENTS, snakeCaseName } from "./event-names";
import { flatten } from "./flatten";
import { correctedTime } from "./timestamps";
import { splitTraits } from "./traits";

export const SEGMENT_TYPES = ["track", "page", "screen", "identify", "group", "alias"] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

export type SegmentOptions = {
  /** The call type a single-message route implies (/v1/track → track); /v1/batch reads each message's `type`. */
  type?: SegmentType;
  receivedAt: number;
  allowedKeys: ReadonlySet<string>;
};

/** Context entries never stored: the IP (the country comes from the edge), and traits, which go through splitTraits. */
const CONTEXT_DROPPED = new Set(["ip", "traits"]);

/** The messages of a request: `{batch: [...]}` for /v1/batch, the body itself for the single-call routes. */
export function segmentMessages(body: unknown, type?: SegmentType): { messages: unknown[]; batchContext?: unknown; sentAt?: unknown } {
  if (type === undefined && isObject(body) && Array.isArray(body.batch)) return { messages: body.batch, batchContext: body.context, sentAt: body.sentAt };
  return { messages: [body] };
}

export function mapSegment(body: unknown, opts: SegmentOptions): CompatMapping {
  const { messages, batchContext, sentAt } = segmentMessages(body, opts.type);
  const out: CompatMapping = { events: [], rejected: [] };
  messages.forEach((message, index) => {
    const mapped = mapSegmentMessage(message, index, { ...opts, batchContext, sentAt });
    if ("code" in mapped) out.rejected.push(mapped);
    else out.events.push(mapped);
  });
  return out;
}

type MessageOptions = SegmentOptions & { batchContext?: unknown; sentAt?: unknown };

export function mapSegmentMessage(message: unknown, index: number, opts: MessageOptions): CompatEvent | Rejection {
  const reject = (code: string, msg: string): Rejection => ({ index, code, message: msg });
  if (!isObject(message)) return reject("invalid_event", "A Segment message must be a JSON object");
  const type = opts.type ?? message.type;
  if (typeof type !== "string" || !(SEGMENT_TYPES as readonly string[]).includes(type)) {
    return reject("invalid_field", `type: must be one of ${SEGMENT_TYPES.join(", ")}`);
  }

  // Who: userId when known, else anonymousId. An alias names the new id in userId and the old one in previousId.
  const userId = idString(message.userId);
  const anonymousId = idString(message.anonymousId);
  const previousId = idString(message.previousId);
  const who = userId ?? anonymousId;
  if (!who) return reject("invalid_field", "userId: a Segment message needs a userId or an anonymousId");
  if (type === "alias" && (!userId || !previousId)) return reject("invalid_field", "previousId: an alias needs a userId and a previousId");

  // What: a track's event name; the other calls are events of their own.
  let original: string;
  if (type === "track") {
    if (typeof message.event !== "string" || message.event.trim() === "") return reject("invalid_event_name", "event: a track call needs an event name");
    original = message.event;
  } else {
    original = type;
  }
  const eventName = type === "track" ? snakeCaseName(original) : SEGMENT_TYPE_EVENTS[type]!;
  if (!eventName) return reject("invalid_event_name", "event: the name has no letters or digits to make an event name of");

  // When: the client's call time, corrected by the skew its sentAt shows.
  const occurredAt = correctedTime({ timestamp: message.originalTimestamp ?? message.timestamp, sentAt: message.sentAt ?? opts.sentAt }, opts.receivedAt);
  if (occurredAt === "invalid") return reject("invalid_occurred_at", "timestamp: not a date-time");

  // Properties, flattened; a page's or screen's name and category are properties as in Segment's spec.
  const properties: Record<string, unknown> = { ...flatten(message.properties).flat };
  if ((type === "page" || type === "screen") && typeof message.name === "string") properties.name ??= message.name;
  if (type === "page" && typeof message.category === "string") properties.category ??= message.category;
  if (type === "group" && idString(message.groupId)) properties.group_id = idString(message.groupId);
  if (type === "alias") properties.previous_id = previousId;
  if (original !== eventName) properties.$event_original = original;

  // Traits: identify's and group's own, and the copy analytics.js puts in context.traits.
  const context: Record<string, unknown> = { ...(isObject(opts.batchContext) ? opts.batchContext : {}), ...(isObject(message.context) ? message.context : {}) };
  const traitSource = { ...(isObject(context.traits) ? context.traits : {}), ...((type === "identify" || type === "group") && isObject(message.traits) ? message.traits : {}) };
  const traits = splitTraits(flatten(traitSource).flat, opts.allowedKeys, type === "group" ? "group_traits" : "traits");
  Object.assign(properties, traits.keep);
  const flatContext = flatten(Object.fromEntries(Object.entries(context).filter(([k]) => !CONTEXT_DROPPED.has(k))));
  const dropped = flatten(message.properties).dropped + flatContext.dropped;
  if (dropped > 0) properties.$compat_dropped_values = dropped;

  const library = isObject(context.library) && typeof context.library.name === "string" ? context.library.name.slice(0, 64) : "segment";
  const event: Record<string, unknown> = {
    event_name: eventName,
    occurred_at: new Date(occurredAt).toISOString(),
    user_id: who,
    src: library,
    ...(Object.keys(flatContext.flat).length > 0 ? { context: flatContext.flat } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
  const messageId = idString(message.messageId);
  const link =
    type === "identify" && userId && anonymousId && userId !== anonymousId
      ? { anonymousId, userId }
      : type === "alias" && previousId !== userId
        ? { anonymousId: previousId!, userId: userId! }
        : undefined;
  return {
    index,
    event,
    clientId: messageId ?? contentId("segment", message),
    ...(link ? { link } : {}),
    ...(Object.keys(traits.personal).length > 0 ? { personal: traits.personal } : {}),
  };
}

/** The writeKey a request carries in its body (the HTTP API allows it there as well as in Basic auth). */
export function segmentWriteKey(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (typeof body.writeKey === "string") return body.writeKey;
  if (Array.isArray(body.batch)) {
    const first = body.batch.find((m) => isObject(m) && typeof m.writeKey === "string") as Record<string, unknown> | undefined;
    if (first) return first.writeKey as string;
  }
  return undefined;
}
