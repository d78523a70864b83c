// The per-project event-name registry: only registered names are accepted at ingest.
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { eventNames } from "../db/schema";
import { TtlCache } from "../http/ttl-cache";

const registry = new TtlCache<Set<string>>();

export async function registeredEventNames(db: Database, projectId: string, cacheSeconds: number): Promise<Set<string>> {
  const cached = registry.get(projectId);
  if (cached) return cached;
  const rows = await db.select({ name: eventNames.name }).from(eventNames).where(eq(eventNames.projectId, projectId)).all();
  const names = new Set(rows.map((r) => r.name));
  registry.set(projectId, names, cacheSeconds * 1000);
  return names;
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
  registry.delete(projectId);
}
