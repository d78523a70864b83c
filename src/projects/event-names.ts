// The per-project registry the hot paths read: registered event names (only those are accepted) and the PII settings.
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { eventNames, projects } from "../db/schema";
import { TtlCache } from "../http/ttl-cache";
import { parsePiiSettings, type PiiSettings } from "../ingest/pii/identifiers";

export type ProjectRegistry = { names: Set<string>; pii: PiiSettings };

const registry = new TtlCache<ProjectRegistry | null>();

/**
 * One query (the project row joined to its names) behind one cache entry, so ingest pays one round trip at most per
 * REGISTRY_CACHE_SECONDS for both, and decisions share the entry. Null when the project does not exist.
 */
export async function projectRegistry(db: Database, projectId: string, cacheSeconds: number): Promise<ProjectRegistry | null> {
  const cached = registry.get(projectId);
  if (cached !== undefined) return cached;
  const rows = await db
    .select({ name: eventNames.name, piiIdentifiers: projects.piiIdentifiers, piiAllowedKeys: projects.piiAllowedKeys })
    .from(projects)
    .leftJoin(eventNames, eq(eventNames.projectId, projects.id))
    .where(eq(projects.id, projectId))
    .all();
  const first = rows[0];
  const entry = first
    ? { names: new Set(rows.flatMap((r) => (r.name === null ? [] : [r.name]))), pii: parsePiiSettings(first.piiIdentifiers, first.piiAllowedKeys) }
    : null;
  registry.set(projectId, entry, cacheSeconds * 1000);
  return entry;
}

/** After a change to a project's names or settings; other isolates see it within REGISTRY_CACHE_SECONDS. */
export function forgetProjectRegistry(projectId: string): void {
  registry.delete(projectId);
}

export async function listEventNames(db: Database, projectId: string) {
  const rows = await db.select().from(eventNames).where(eq(eventNames.projectId, projectId)).orderBy(eventNames.name).all();
  return rows.map((r) => ({ name: r.name, description: r.description, created_at: new Date(r.createdAt).toISOString() }));
}

/** Adding a name that exists is a no-op (idempotent). */
export async function addEventNames(db: Database, projectId: string, names: Array<{ name: string; description?: string }>, now = Date.now()) {
  // 4 bound parameters a row: 25 rows stay under D1's 100-parameter limit.
  for (let i = 0; i < names.length; i += 25) {
    const chunk = names.slice(i, i + 25).map((n) => ({ projectId, name: n.name, description: n.description ?? null, createdAt: now }));
    await db.insert(eventNames).values(chunk).onConflictDoNothing();
  }
  forgetProjectRegistry(projectId);
}
