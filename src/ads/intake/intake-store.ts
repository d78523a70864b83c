// D1 reads and writes of ads uploads: the stored hierarchy the checks need, and idempotent upserts of what passed.
import { jsonRowInserts } from "../../db/json-row-insert";
import type { AccountScope } from "../ads-store";
import type { EntityType } from "../entity-levels";
import type { EntityRow, StoredEntity } from "./entity-rows";
import type { AcceptedInsight, StoredSpend } from "./insight-rows";

type EntityRef = { entity_id: string; entity_type: EntityType; parent_id: string | null };
const toMap = (rows: EntityRef[]) => new Map(rows.map((r) => [r.entity_id, { entityType: r.entity_type, parentId: r.parent_id } satisfies StoredEntity]));

/** The stored entities among `ids` (rows and the parents they name): one read. */
export async function storedEntities(d1: D1Database, scope: AccountScope, ids: readonly string[]): Promise<Map<string, StoredEntity>> {
  const { results } = await d1
    .prepare("SELECT entity_id, entity_type, parent_id FROM ad_entities WHERE project_id = ?1 AND config_id = ?2 AND entity_id IN (SELECT value FROM json_each(?3))")
    .bind(scope.projectId, scope.configId, JSON.stringify(ids))
    .all<EntityRef>();
  return toMap(results);
}

/**
 * What the insight checks need, in one batch: the rows' entities with their parents and children, and the stored
 * spend of those parents and children on the rows' dates.
 */
export async function insightNeighbourhood(d1: D1Database, scope: AccountScope, ids: readonly string[], dates: readonly string[]) {
  const related = `SELECT entity_id FROM ad_entities WHERE project_id = ?1 AND config_id = ?2 AND (
      entity_id IN (SELECT value FROM json_each(?3))
      OR parent_id IN (SELECT value FROM json_each(?3))
      OR entity_id IN (SELECT parent_id FROM ad_entities WHERE project_id = ?1 AND config_id = ?2 AND entity_id IN (SELECT value FROM json_each(?3))))`;
  const [entities, spend] = await d1.batch([
    d1.prepare(`SELECT entity_id, entity_type, parent_id FROM ad_entities WHERE project_id = ?1 AND config_id = ?2 AND entity_id IN (${related})`).bind(scope.projectId, scope.configId, JSON.stringify(ids)),
    d1
      .prepare(
        `SELECT entity_id AS entityId, date, spend FROM ad_insights WHERE project_id = ?1 AND config_id = ?2
         AND date IN (SELECT value FROM json_each(?4)) AND entity_id IN (${related})`,
      )
      .bind(scope.projectId, scope.configId, JSON.stringify(ids), JSON.stringify(dates)),
  ]);
  return { entities: toMap(entities!.results as EntityRef[]), storedSpend: spend!.results as StoredSpend[] };
}

const ENTITY_COLUMNS = ["project_id", "config_id", "entity_id", "entity_type", "parent_id", "name", "status", "daily_budget", "updated_at"] as const;
const INSIGHT_COLUMNS = ["project_id", "config_id", "entity_id", "entity_type", "date", "spend", "impressions", "reach", "clicks", "leads", "frequency", "updated_at"] as const;

/** ON CONFLICT … DO UPDATE only when a value differs: a re-sent row changes nothing, not even updated_at. */
function upsertSuffix(key: readonly string[], columns: readonly string[], table: string): string {
  const changing = columns.filter((c) => !key.includes(c) && c !== "updated_at" && c !== "entity_type");
  return `ON CONFLICT (${key.join(", ")}) DO UPDATE SET ${[...changing, "updated_at"].map((c) => `${c} = excluded.${c}`).join(", ")}
    WHERE ${changing.map((c) => `${table}.${c} IS NOT excluded.${c}`).join(" OR ")}`;
}

/** Upserts entities; returns how many rows were inserted or changed (the rest were already stored as sent). */
export async function upsertEntities(d1: D1Database, scope: AccountScope, rows: readonly EntityRow[], now: number): Promise<number> {
  if (rows.length === 0) return 0;
  const values = rows.map((r) => [scope.projectId, scope.configId, r.entity_id, r.entity_type, r.parent_id ?? null, r.name, r.status, r.daily_budget ?? null, now]);
  const statements = jsonRowInserts(d1, "ad_entities", ENTITY_COLUMNS, values, upsertSuffix(["project_id", "config_id", "entity_id"], ENTITY_COLUMNS, "ad_entities"));
  const results = await d1.batch(statements);
  return results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}

/** Upserts daily insights (a re-sent day replaces the stored one); returns how many rows were inserted or changed. */
export async function upsertInsights(d1: D1Database, scope: AccountScope, rows: readonly AcceptedInsight[], now: number): Promise<number> {
  if (rows.length === 0) return 0;
  const values = rows.map(({ row, entityType }) => [
    scope.projectId, scope.configId, row.entity_id, entityType, row.date, row.spend, row.impressions, row.reach, row.clicks, row.leads, row.frequency, now,
  ]);
  const statements = jsonRowInserts(d1, "ad_insights", INSIGHT_COLUMNS, values, upsertSuffix(["project_id", "config_id", "entity_id", "date"], INSIGHT_COLUMNS, "ad_insights"));
  const results = await d1.batch(statements);
  return results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}
