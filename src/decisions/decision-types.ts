// Decision types per project: built-ins from code until an admin changes them, then versioned rows in D1.
import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { decisionTypes, decisionTypeVersions } from "../db/schema";
import { ApiError } from "../http/errors";
import { TtlCache } from "../http/ttl-cache";
import { BUILTIN_DECISION_TYPES } from "./builtin-decision-types";
import { decisionTypeConfigSchema, type DecisionTypeConfig } from "./decision-type-config";

export type DecisionType = { name: string; version: number; config: DecisionTypeConfig; builtin: boolean; updatedAt: number | null };

const cache = new TtlCache<DecisionType | null>();

/** Own keys only: a name such as "__proto__" or "constructor" must not find Object.prototype's members. */
function isBuiltin(name: string): boolean {
  return Object.hasOwn(BUILTIN_DECISION_TYPES, name);
}

function fromRow(row: typeof decisionTypes.$inferSelect): DecisionType {
  return { name: row.name, version: row.version, config: decisionTypeConfigSchema.parse(JSON.parse(row.config)), builtin: isBuiltin(row.name), updatedAt: row.updatedAt };
}

function builtin(name: string): DecisionType | null {
  return isBuiltin(name) ? { name, version: 0, config: BUILTIN_DECISION_TYPES[name]!, builtin: true, updatedAt: null } : null;
}

export async function findDecisionType(db: Database, projectId: string, name: string, cacheSeconds = 0): Promise<DecisionType | null> {
  const key = `${projectId}\u0000${name}`;
  // cacheSeconds = 0 (admin reads and writes) must see D1, not a copy a decision cached a moment ago.
  const cached = cacheSeconds > 0 ? cache.get(key) : undefined;
  if (cached !== undefined) return cached;
  const row = await db.select().from(decisionTypes).where(and(eq(decisionTypes.projectId, projectId), eq(decisionTypes.name, name))).get();
  const type = row ? fromRow(row) : builtin(name);
  cache.set(key, type, cacheSeconds * 1000);
  return type;
}

export async function requireDecisionType(db: Database, projectId: string, name: string, cacheSeconds = 0): Promise<DecisionType> {
  const type = await findDecisionType(db, projectId, name, cacheSeconds);
  if (!type) throw new ApiError(404, "decision_type_not_found", `No decision type '${name}' in this project`);
  return type;
}

export async function listDecisionTypes(db: Database, projectId: string): Promise<DecisionType[]> {
  const rows = await db.select().from(decisionTypes).where(eq(decisionTypes.projectId, projectId)).orderBy(decisionTypes.name).all();
  const stored = rows.map(fromRow);
  const untouched = Object.keys(BUILTIN_DECISION_TYPES)
    .filter((name) => !stored.some((t) => t.name === name))
    .map((name) => builtin(name)!);
  return [...stored, ...untouched].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Writes a new version (optimistic: `expectedVersion`, when given, must be the current one, else 409). The version row
 * and the current row go in one batch, so history and state never disagree.
 */
export async function saveDecisionType(
  db: Database,
  projectId: string,
  name: string,
  config: DecisionTypeConfig,
  changedBy: string,
  expectedVersion?: number,
  now = Date.now(),
): Promise<DecisionType> {
  const current = await findDecisionType(db, projectId, name);
  // Version 0 is "not stored yet": a new type, or a built-in nobody has changed.
  if (expectedVersion !== undefined && (current?.version ?? 0) !== expectedVersion) {
    throw new ApiError(409, "version_conflict", `The decision type is at version ${current?.version ?? "none"}, not ${expectedVersion}`, { current_version: current?.version ?? null });
  }
  const version = (current?.version ?? 0) + 1;
  const text = JSON.stringify(config);
  try {
    await db.batch([
      db.insert(decisionTypeVersions).values({ projectId, name, version, config: text, changedBy, createdAt: now }),
      db
        .insert(decisionTypes)
        .values({ projectId, name, version, config: text, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: [decisionTypes.projectId, decisionTypes.name], set: { version, config: text, updatedAt: now } }),
    ]);
  } catch (err) {
    // Two writers raced for the same version: the version row's primary key refused the second.
    if (String(err).includes("UNIQUE") || String(err).includes("PRIMARY")) {
      throw new ApiError(409, "version_conflict", "The decision type changed while this update was being written; read it again and retry");
    }
    throw err;
  }
  cache.delete(`${projectId}\u0000${name}`);
  return { name, version, config, builtin: isBuiltin(name), updatedAt: now };
}

export async function decisionTypeHistory(db: Database, projectId: string, name: string) {
  const rows = await db
    .select()
    .from(decisionTypeVersions)
    .where(and(eq(decisionTypeVersions.projectId, projectId), eq(decisionTypeVersions.name, name)))
    .orderBy(desc(decisionTypeVersions.version))
    .all();
  return rows.map((r) => ({ version: r.version, config: JSON.parse(r.config) as DecisionTypeConfig, changed_by: r.changedBy, created_at: new Date(r.createdAt).toISOString() }));
}
