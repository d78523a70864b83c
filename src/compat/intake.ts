// The compat routes' common step: a client mapping run through the ingest pipeline, identity links and personal traits handled on the way.
import { config } from "../env";
import type { AppContext } from "../http/context";
import { ApiError } from "../http/errors";
import { log } from "../http/log";
import { pseudonymizeUserId } from "../ingest/enrich";
import type { EventRow } from "../ingest/event-schema";
import { acceptEvents, type AcceptResult } from "../ingest/ingest-events";
import type { ValidEvent } from "../ingest/validate-events";
import type { ProjectRegistry } from "../projects/event-names";
import { COMPAT_LIMITS, withEventIds, type CompatEvent, type CompatMapping } from "./compat-event";
import { storedUserId, writeIdentityLinks, type StoredLink } from "./identities";

export type MapRequest = (registry: ProjectRegistry, receivedAt: number) => CompatMapping;

/** How many items a request holds, checked before mapping as /v1/events checks it (400 empty, 413 over MAX_BATCH_SIZE). */
export function checkBatchSize(count: number, maxBatchSize: number): void {
  if (count === 0) throw new ApiError(400, "empty_batch", "The request holds no events");
  if (count > maxBatchSize) {
    throw new ApiError(413, "payload_too_large", `A request may hold at most ${maxBatchSize} events (MAX_BATCH_SIZE); this one has ${count}`, { limit: "MAX_BATCH_SIZE", value: count });
  }
}

/**
 * Maps, validates, enqueues. Compat event ids are all deterministic, so when the queue takes only part of a request
 * the whole request is answered 503: the client's retry (Segment and PostHog retry 5xx) re-sends the accepted events
 * too, and they land on the rows they already have.
 */
export async function intake(c: AppContext, mapRequest: MapRequest, historicalMigration = false): Promise<AcceptResult> {
  const cfg = config(c.env);
  const receivedAt = Date.now();
  let compat: CompatEvent[] = [];
  let registryOfRequest: ProjectRegistry | undefined;
  const result = await acceptEvents(c, [], {
    historicalMigration,
    limits: COMPAT_LIMITS,
    map: async (_raws, projectId, registry) => {
      registryOfRequest = registry;
      const mapped = await withEventIds(mapRequest(registry, receivedAt), projectId);
      compat = mapped.compat;
      return mapped;
    },
    beforeEnqueue: async (rows: EventRow[], valid: ValidEvent[], projectId: string) => {
      const byIndex = new Map(compat.map((e) => [e.index, e]));
      const mode = registryOfRequest!.pii.identifierMode;
      const salt = mode === "pseudonymize" ? cfg.USER_ID_SALT : undefined;
      const links: StoredLink[] = [];
      const out = await Promise.all(
        rows.map(async (row, i) => {
          const source = byIndex.get(valid[i]!.index);
          if (source?.link && row.user_id) {
            const anonymousId = await storedUserId(source.link.anonymousId, projectId, cfg, mode);
            if (anonymousId) links.push({ anonymousId, userId: row.user_id, source: row.event_name === "alias" ? "alias" : "identify" });
          }
          // Personal traits: only their HMAC is stored, and only when the project pseudonymises; otherwise dropped.
          if (source?.personal && salt) {
            const hashed = await Promise.all(Object.entries(source.personal).map(async ([k, v]) => [k, await pseudonymizeUserId(salt, projectId, String(v).trim().toLowerCase())] as const));
            const properties = { ...(row.properties ? (JSON.parse(row.properties) as Record<string, unknown>) : {}), ...Object.fromEntries(hashed) };
            return { ...row, properties: JSON.stringify(properties) };
          }
          return row;
        }),
      );
      try {
        await writeIdentityLinks(c.env.DB, projectId, links);
      } catch (err) {
        log.error("identity_links_failed", { project: projectId, links: links.length, error: String(err) });
        throw new ApiError(503, "identity_store_unavailable", "Identity links could not be stored; nothing was accepted, retry the request", undefined, { "Retry-After": "5" });
      }
      return out;
    },
  });
  if (result.notQueued > 0) {
    throw new ApiError(503, "queue_unavailable", "Part of the request could not be queued; retry it whole (the accepted events will not be duplicated)", { rejected: result.rejected }, { "Retry-After": "5" });
  }
  return result;
}

/** What a compat success body adds to the protocol's own fields: what was refused, by index, and the stored ids. */
export const outcomeOf = (r: AcceptResult) => ({ accepted: r.queued.length, rejected: r.rejected, event_ids: r.queued.map((row) => row.event_id) });
