// Publishable (pk_) keys: write-only browser credentials, stored as hashes, each with an origin allow-list.
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import { projects, publishableKeys } from "../db/schema";
import { randomHex, sha256Hex } from "../http/crypto";
import { TtlCache } from "../http/ttl-cache";

export type ActiveKey = { keyId: string; projectId: string; allowedOrigins: string[]; ingestLimitPerMinute: number | null };

export const KEY_PREFIX = "pk_";
const activeKeys = new TtlCache<ActiveKey | null>();

export function keyView(row: typeof publishableKeys.$inferSelect) {
  return {
    key_id: row.id,
    project: row.projectId,
    key_prefix: row.keyPrefix,
    label: row.label,
    allowed_origins: JSON.parse(row.allowedOrigins) as string[],
    created_at: new Date(row.createdAt).toISOString(),
    revoked_at: row.revokedAt ? new Date(row.revokedAt).toISOString() : null,
  };
}

/** Returns the secret once; only its hash is stored. */
export async function createKey(db: Database, projectId: string, input: { label?: string; allowedOrigins: string[] }, now = Date.now()) {
  const secret = `${KEY_PREFIX}${randomHex(24)}`;
  const row = {
    id: `key_${randomHex(8)}`,
    projectId,
    keyHash: await sha256Hex(secret),
    keyPrefix: secret.slice(0, 10),
    label: input.label ?? null,
    allowedOrigins: JSON.stringify(input.allowedOrigins),
    createdAt: now,
    revokedAt: null,
  };
  await db.insert(publishableKeys).values(row);
  return { ...keyView(row), key: secret };
}

export async function listKeys(db: Database, projectId: string) {
  const rows = await db.select().from(publishableKeys).where(eq(publishableKeys.projectId, projectId)).orderBy(publishableKeys.createdAt).all();
  return rows.map(keyView);
}

/** Revoking twice keeps the first revocation time. Other isolates notice within REGISTRY_CACHE_SECONDS. */
export async function revokeKey(db: Database, projectId: string, keyId: string, now = Date.now()) {
  await db
    .update(publishableKeys)
    .set({ revokedAt: now })
    .where(and(eq(publishableKeys.id, keyId), eq(publishableKeys.projectId, projectId), isNull(publishableKeys.revokedAt)));
  const row = await db.select().from(publishableKeys).where(and(eq(publishableKeys.id, keyId), eq(publishableKeys.projectId, projectId))).get();
  activeKeys.clear();
  return row ? keyView(row) : undefined;
}

/** Looks a presented key up by its hash; null for unknown or revoked keys. */
export async function findActiveKey(db: Database, secret: string, cacheSeconds: number): Promise<ActiveKey | null> {
  const hash = await sha256Hex(secret);
  const cached = activeKeys.get(hash);
  if (cached !== undefined) return cached;
  const row = await db
    .select({
      keyId: publishableKeys.id,
      projectId: publishableKeys.projectId,
      allowedOrigins: publishableKeys.allowedOrigins,
      revokedAt: publishableKeys.revokedAt,
      ingestLimitPerMinute: projects.ingestRateLimitPerMinute,
    })
    .from(publishableKeys)
    .innerJoin(projects, eq(projects.id, publishableKeys.projectId))
    .where(eq(publishableKeys.keyHash, hash))
    .get();
  const key =
    row && row.revokedAt === null
      ? { keyId: row.keyId, projectId: row.projectId, allowedOrigins: JSON.parse(row.allowedOrigins) as string[], ingestLimitPerMinute: row.ingestLimitPerMinute }
      : null;
  activeKeys.set(hash, key, cacheSeconds * 1000);
  return key;
}

/**
 * Is this origin allowed by an active key — of one project, or (for preflights, which carry no credential) of any?
 * A browser holding a user's JWT is trusted on the origins its project's keys allow.
 */
export async function keysAllowOrigin(db: Database, origin: string, projectId?: string): Promise<boolean> {
  const hit = await db.$client
    .prepare(
      `SELECT 1 FROM publishable_keys AS k, json_each(k.allowed_origins) AS o
        WHERE k.revoked_at IS NULL AND (o.value = ?1 OR o.value = '*') AND (?2 IS NULL OR k.project_id = ?2) LIMIT 1`,
    )
    .bind(origin, projectId ?? null)
    .first();
  return hit !== null;
}

export function originAllowed(allowed: string[], origin: string): boolean {
  return allowed.includes("*") || allowed.includes(origin);
}
