// ml_anomalies: what is stored for a level's examined days, replaced to match a new detection, and read back.
import type { Severity } from "../../stats/anomalies";
import type { AccountScope } from "../ads-store";
import type { EntityType } from "../entity-levels";
import type { EntityAnomaly } from "./detect-entity-anomalies";

export type StoredAnomaly = EntityAnomaly & { configId: number; entityType: EntityType; detectedAt: number };

type Row = { config_id: number; entity_type: EntityType; entity_id: string; metric: string; date: string; value: number; expected: number; score: number; severity: Severity; direction: "up" | "down"; detected_at: number };

const toStored = (r: Row): StoredAnomaly => ({
  configId: r.config_id,
  entityType: r.entity_type,
  entityId: r.entity_id,
  metric: r.metric as StoredAnomaly["metric"],
  date: r.date,
  value: r.value,
  expected: r.expected,
  score: r.score,
  severity: r.severity,
  direction: r.direction,
  detectedAt: r.detected_at,
});

const COLUMNS = "config_id, entity_type, entity_id, metric, date, value, expected, score, severity, direction, detected_at";
const UPSERT = `INSERT INTO ml_anomalies (project_id, ${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
ON CONFLICT (project_id, config_id, entity_id, metric, date) DO UPDATE SET entity_type = excluded.entity_type, value = excluded.value,
expected = excluded.expected, score = excluded.score, severity = excluded.severity, direction = excluded.direction, detected_at = excluded.detected_at`;
const DELETE = "DELETE FROM ml_anomalies WHERE project_id = ?1 AND config_id = ?2 AND entity_id = ?3 AND metric = ?4 AND date = ?5";

// Statements per D1 batch: each binds at most 12 parameters (D1: ≤ 100 per statement); a batch is one transaction.
const BATCH = 50;

const keyOf = (a: { entityId: string; metric: string; date: string }) => `${a.entityId}\u0000${a.metric}\u0000${a.date}`;
const sameFinding = (a: EntityAnomaly, b: EntityAnomaly) =>
  a.value === b.value && a.expected === b.expected && a.score === b.score && a.severity === b.severity && a.direction === b.direction;

/**
 * Makes the stored anomalies of `entityIds` (one level) on [from, to] equal `found`: new and changed findings are
 * upserted (a changed one gets the new detected_at), unchanged ones are left alone (a re-run writes nothing), and
 * stored ones the detection no longer finds (a corrected day) are deleted. Returns the findings as now stored.
 */
export async function replaceAnomalies(
  d1: D1Database,
  scope: AccountScope,
  entityType: EntityType,
  entityIds: ReadonlySet<string>,
  from: string,
  to: string,
  found: readonly EntityAnomaly[],
  now: number,
): Promise<{ written: number; removed: number; anomalies: StoredAnomaly[] }> {
  const stored = (await listAnomalies(d1, scope.projectId, { configId: scope.configId, entityType, from, to })).filter((a) => entityIds.has(a.entityId));
  const storedByKey = new Map(stored.map((a) => [keyOf(a), a]));
  const foundKeys = new Set(found.map(keyOf));
  const statements: D1PreparedStatement[] = [];
  let written = 0;
  const anomalies: StoredAnomaly[] = [];
  for (const a of found) {
    const before = storedByKey.get(keyOf(a));
    if (before && before.entityType === entityType && sameFinding(before, a)) {
      anomalies.push(before);
      continue;
    }
    anomalies.push({ ...a, configId: scope.configId, entityType, detectedAt: now });
    statements.push(d1.prepare(UPSERT).bind(scope.projectId, scope.configId, entityType, a.entityId, a.metric, a.date, a.value, a.expected, a.score, a.severity, a.direction, now));
    written++;
  }
  let removed = 0;
  for (const a of stored) {
    if (foundKeys.has(keyOf(a))) continue;
    statements.push(d1.prepare(DELETE).bind(scope.projectId, scope.configId, a.entityId, a.metric, a.date));
    removed++;
  }
  for (let i = 0; i < statements.length; i += BATCH) await d1.batch(statements.slice(i, i + BATCH));
  return { written, removed, anomalies };
}

export type AnomalyFilter = { configId?: number; entityType: EntityType; from?: string; to?: string; entityId?: string; severities?: readonly Severity[]; limit?: number };

/** A project's anomalies at one level, newest day first, then by |score|. */
export async function listAnomalies(d1: D1Database, projectId: string, f: AnomalyFilter): Promise<StoredAnomaly[]> {
  const where = ["project_id = ?1", "entity_type = ?2"];
  const params: unknown[] = [projectId, f.entityType];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace("?", `?${params.length}`));
  };
  if (f.configId !== undefined) add("config_id = ?", f.configId);
  if (f.from !== undefined) add("date >= ?", f.from);
  if (f.to !== undefined) add("date <= ?", f.to);
  if (f.entityId !== undefined) add("entity_id = ?", f.entityId);
  if (f.severities !== undefined) where.push(`severity IN (${f.severities.map((s) => `'${s}'`).join(", ")})`); // a closed enum, never caller text
  const limit = f.limit === undefined ? "" : ` LIMIT ${Math.trunc(f.limit)}`;
  const { results } = await d1
    .prepare(`SELECT ${COLUMNS} FROM ml_anomalies WHERE ${where.join(" AND ")} ORDER BY date DESC, abs(score) DESC, config_id, entity_id, metric${limit}`)
    .bind(...params)
    .all<Row>();
  return results.map(toStored);
}
