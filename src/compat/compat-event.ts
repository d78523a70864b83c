// What every client mapping produces, and the step that gives each mapped event its deterministic id.
import type { MappedEvents } from "../ingest/ingest-events";
import type { Rejection } from "../ingest/event-schema";
import { COMPAT_STANDARD_NAMES } from "./event-names";
import { canonicalJson, eventIdFor } from "./event-id";
import type { Scalar } from "./traits";

/** An identify or alias: `anonymousId` is the same person as `userId` from now on (and before). */
export type IdentityLink = { anonymousId: string; userId: string };

export type CompatEvent = {
  /** Position in the client's batch. */
  index: number;
  /** The event in edgeloop's contract (event_id filled in by withEventIds). */
  event: Record<string, unknown>;
  /** The client's own id (messageId, uuid, $insert_id), else its content: what makes a retry the same row. */
  clientId: string;
  link?: IdentityLink;
  /** Personal traits, stored only as HMACs or not at all (see traits.ts); keys already prefixed. */
  personal?: Record<string, Scalar>;
};

export type CompatMapping = { events: CompatEvent[]; rejected: Rejection[] };

/** The contract's limits raised to what the clients send: a posthog-js $pageview has ~58 properties, URLs run long. */
export const COMPAT_LIMITS = { maxKeys: 128, maxObjectBytes: 16_384, maxStringLength: 2_048, maxArrayLength: 64 } as const;

/** A trimmed id string from a string or a number (Segment allows numeric userIds); undefined otherwise. */
export function idString(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Used when a message carries no id of its own: its content, so the same message resent is the same event. */
export const contentId = (kind: string, message: unknown) => `${kind}:${canonicalJson(message)}`;

/** Gives every mapped event its id and hands the pipeline its input (request indexes kept). */
export async function withEventIds(mapping: CompatMapping, projectId: string): Promise<MappedEvents & { compat: CompatEvent[] }> {
  const events = await Promise.all(mapping.events.map(async (e) => ({ ...e.event, event_id: await eventIdFor(projectId, e.clientId) })));
  return { events, indexOf: mapping.events.map((e) => e.index), rejected: mapping.rejected, extraNames: COMPAT_STANDARD_NAMES, compat: mapping.events };
}
