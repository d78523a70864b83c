// Identity links (anonymous id → identified user) written by identify/alias calls, and the SQL that reports resolve them with.
import type { Config } from "../env";
import { pseudonymizeUserId } from "../ingest/enrich";
import { screenIdentifier, type PiiIdentifierMode } from "../ingest/pii/identifiers";

export type StoredLink = { anonymousId: string; userId: string; source: "identify" | "alias" };

/**
 * An id as the events table stores it: the HMAC when every user id is hashed (ANONYMIZE_USER_IDS) or when this one
 * looks like personal data and the project pseudonymises such ids; null when the project refuses it (the event
 * carrying it was refused too). The same rule as toEventRow's, so a link joins the rows it names.
 */
export async function storedUserId(id: string, projectId: string, cfg: Pick<Config, "ANONYMIZE_USER_IDS" | "USER_ID_SALT">, mode: PiiIdentifierMode): Promise<string | null> {
  if (cfg.ANONYMIZE_USER_IDS && cfg.USER_ID_SALT) return pseudonymizeUserId(cfg.USER_ID_SALT, projectId, id);
  const verdict = screenIdentifier("user_id", id, mode, cfg.USER_ID_SALT !== undefined);
  if (verdict.action === "refuse") return null;
  return verdict.action === "pseudonymize" ? pseudonymizeUserId(cfg.USER_ID_SALT!, projectId, id) : id;
}

/**
 * One statement for the request's links. The first link of an anonymous id stands (ON CONFLICT DO NOTHING), in a
 * request as across requests: a retry is a no-op, and a shared device's anonymous id is not moved from one account to
 * the next. Migration 0012's trigger keeps the links flat (chains point at their last user, no cycles).
 */
export async function writeIdentityLinks(d1: D1Database, projectId: string, links: StoredLink[], now = Date.now()): Promise<void> {
  const first = new Map<string, StoredLink>();
  for (const l of links) if (l.anonymousId !== l.userId && !first.has(l.anonymousId)) first.set(l.anonymousId, l);
  const unique = [...first.values()];
  if (unique.length === 0) return;
  // 5 bound parameters a row: 20 rows a statement stay under D1's 100.
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < unique.length; i += 20) {
    const chunk = unique.slice(i, i + 20);
    const sql = `INSERT INTO identities (project_id, anonymous_id, user_id, source, created_at) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?)").join(", ")} ON CONFLICT (project_id, anonymous_id) DO NOTHING`;
    statements.push(d1.prepare(sql).bind(...chunk.flatMap((l) => [projectId, l.anonymousId, l.userId, l.source, now])));
  }
  await d1.batch(statements);
}

/**
 * The events of a project with each user id resolved through identities: an anonymous id's events count as its
 * identified user's. `?1` is the project. Reports select from this instead of `events`.
 */
export const RESOLVED_EVENTS_SQL = `SELECT coalesce(i.user_id, e.user_id) AS user_id, e.event_name, e.occurred_at, e.resource_type, e.properties
    FROM events AS e LEFT JOIN identities AS i ON i.project_id = e.project_id AND i.anonymous_id = e.user_id
   WHERE e.project_id = ?1`;
