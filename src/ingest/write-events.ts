// writeEvents: the platform write of the consumer, idempotent on (project_id, event_id) and chunked to D1's limits.
import type { Database } from "../db/client";
import { events } from "../db/schema";
import type { EventRow } from "./event-schema";

// https://developers.cloudflare.com/d1/platform/limits/ : at most 100 bound parameters per statement.
// An event row binds 20 values, so 5 rows go in one INSERT; db.batch sends all of them in one transaction.
const COLUMNS_PER_ROW = 20;
export const ROWS_PER_INSERT = Math.floor(100 / COLUMNS_PER_ROW);

function toInsert(r: EventRow): typeof events.$inferInsert {
  return {
    eventId: r.event_id,
    projectId: r.project_id,
    eventName: r.event_name,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    userId: r.user_id,
    userIdentified: r.user_identified,
    clientSessionId: r.client_session_id,
    requestId: r.request_id,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    decisionId: r.decision_id,
    policyId: r.policy_id,
    src: r.src,
    context: r.context,
    properties: r.properties,
    country: r.country,
    browser: r.browser,
    os: r.os,
    deviceType: r.device_type,
  };
}

/** All rows or none (one D1 batch is one transaction); re-writing a row that exists is a no-op. */
export async function writeEvents(db: Database, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  const statements = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    statements.push(db.insert(events).values(rows.slice(i, i + ROWS_PER_INSERT).map(toInsert)).onConflictDoNothing({ target: [events.projectId, events.eventId] }));
  }
  await db.batch(statements as [(typeof statements)[0], ...typeof statements]);
}
