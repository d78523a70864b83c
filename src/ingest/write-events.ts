// writeEvents: the platform write of the consumer, idempotent on (project_id, event_id) and chunked to D1's limits.
import type { Database } from "../db/client";
import { jsonRowInserts } from "../db/json-row-insert";
import type { EventRow } from "./event-schema";

// The events table's columns, in EventRow's own names. Written by hand rather than through drizzle's insert builder:
// building the SQL of a 100-row batch that way was the consumer's largest CPU cost (a CPU profile under bench:ingest).
// The rows travel as one JSON parameter, so a delivery of 100 events is one statement, not twenty of five rows.
const COLUMNS = [
  "event_id", "project_id", "event_name", "occurred_at", "received_at", "user_id", "user_identified", "client_session_id",
  "request_id", "resource_type", "resource_id", "decision_id", "policy_id", "src", "context", "properties", "country",
  "browser", "os", "device_type",
] as const satisfies ReadonlyArray<keyof EventRow>;

/** All rows or none (one D1 batch is one transaction); re-writing a row that exists is a no-op. */
export async function writeEvents(db: Database, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  const d1 = db.$client;
  await d1.batch(jsonRowInserts(d1, "events", COLUMNS, rows.map((r) => COLUMNS.map((c) => r[c])), "ON CONFLICT (project_id, event_id) DO NOTHING"));
}
