// Exposures: one `$exposure` event per unit and experiment, sent through the events queue like any ingested event.
import type { Env } from "../env";
import { TtlCache } from "../http/ttl-cache";
import { derivedEventId } from "../ingest/event-ids";
import type { EventRow } from "../ingest/event-schema";
import { enqueueEvents } from "../ingest/enqueue";

export const EXPOSURE_EVENT = "$exposure";
/** Exposure events carry the experiment in resource_type/resource_id, which the events table indexes by project. */
export const EXPOSURE_RESOURCE_TYPE = "experiment";

/**
 * The event id is derived from (project, experiment, unit), so every exposure of a unit is the same event: the
 * consumer's ON CONFLICT (project_id, event_id) DO NOTHING keeps the first one written and drops every repeat.
 * "Once per unit" is a property of storage, not of this isolate's memory.
 */
export type Exposure = { projectId: string; experimentId: string; experimentKey: string; variant: string; storedUnitId: string; attributes: Record<string, unknown> | undefined; now: number; decision?: { id: string; propensity: number } };

export async function exposureRow(a: Exposure): Promise<EventRow> {
  return {
    event_id: await derivedEventId(a.projectId, `${EXPOSURE_EVENT}\u0000${a.experimentId}\u0000${a.storedUnitId}`, 0),
    project_id: a.projectId,
    event_name: EXPOSURE_EVENT,
    occurred_at: a.now,
    received_at: a.now,
    user_id: a.storedUnitId,
    // A bearer token (a user's own sub, or a backend/admin naming the unit) asked: as ingest marks such ids.
    user_identified: 1,
    client_session_id: null,
    request_id: null,
    resource_type: EXPOSURE_RESOURCE_TYPE,
    resource_id: a.experimentId,
    decision_id: null,
    policy_id: null,
    src: "assignment",
    context: a.attributes && Object.keys(a.attributes).length > 0 ? JSON.stringify(a.attributes) : null,
    // A bandit experiment's exposure also names the decision that chose the variant and its propensity: in properties,
    // never in the decision_id column, or the learning job would count the exposure itself as the decision's outcome.
    properties: JSON.stringify({ experiment_key: a.experimentKey, variant: a.variant, ...(a.decision ? { decision_id: a.decision.id, propensity: a.decision.propensity } : {}) }),
    country: null,
    browser: null,
    os: null,
    device_type: null,
  };
}

// Saves the queue send for a unit this isolate has exposed lately; D1 dedupes whatever other isolates send.
const recentlySent = new TtlCache<true>(50_000);
const RECENT_MS = 3_600_000;

/**
 * Enqueues the exposure unless this isolate sent it within the hour. Checked by (project, experiment, unit) before the
 * row is built, so a repeat assignment costs no hashing. A refused send is forgotten, so a retry resends.
 */
export async function recordExposure(env: Env, exposure: Exposure): Promise<void> {
  const key = `${exposure.projectId}\u0000${exposure.experimentId}\u0000${exposure.storedUnitId}`;
  if (recentlySent.get(key)) return;
  recentlySent.set(key, true, RECENT_MS);
  try {
    const { refused, error } = await enqueueEvents(env.EVENTS_QUEUE, [await exposureRow(exposure)]);
    if (refused.length > 0) throw error instanceof Error ? error : new Error(String(error));
  } catch (err) {
    recentlySent.delete(key);
    throw err;
  }
}
