// Reads of an ad account's hierarchy and daily insights, shared by the feature, anomaly and forecast jobs.
import type { EntityType } from "./entity-levels";
import type { AdEntity, InsightDay } from "./insight-day";

/** Which account: seed 001's config_id, within the project that owns it. */
export type AccountScope = { projectId: string; configId: number };

type EntityRow = { entity_id: string; entity_type: EntityType; parent_id: string | null; name: string; status: "active" | "paused"; daily_budget: number | null };

const toEntity = (configId: number) => (r: EntityRow): AdEntity => ({
  configId,
  entityType: r.entity_type,
  entityId: r.entity_id,
  parentId: r.parent_id,
  name: r.name,
  status: r.status,
  dailyBudget: r.daily_budget,
});

/** Every entity of the account at one level (or all levels), in id order. */
export async function loadEntities(d1: D1Database, scope: AccountScope, entityType?: EntityType): Promise<AdEntity[]> {
  const stmt = entityType
    ? d1.prepare("SELECT entity_id, entity_type, parent_id, name, status, daily_budget FROM ad_entities WHERE project_id = ?1 AND config_id = ?2 AND entity_type = ?3 ORDER BY entity_id").bind(scope.projectId, scope.configId, entityType)
    : d1.prepare("SELECT entity_id, entity_type, parent_id, name, status, daily_budget FROM ad_entities WHERE project_id = ?1 AND config_id = ?2 ORDER BY entity_id").bind(scope.projectId, scope.configId);
  const { results } = await stmt.all<EntityRow>();
  return results.map(toEntity(scope.configId));
}

/** One entity, or null. */
export async function loadEntity(d1: D1Database, scope: AccountScope, entityId: string): Promise<AdEntity | null> {
  const row = await d1
    .prepare("SELECT entity_id, entity_type, parent_id, name, status, daily_budget FROM ad_entities WHERE project_id = ?1 AND config_id = ?2 AND entity_id = ?3")
    .bind(scope.projectId, scope.configId, entityId)
    .first<EntityRow>();
  return row ? toEntity(scope.configId)(row) : null;
}

/** The project's ad accounts (config_ids that have at least one entity). */
export async function loadAccounts(d1: D1Database, projectId?: string): Promise<AccountScope[]> {
  const stmt = projectId
    ? d1.prepare("SELECT DISTINCT project_id, config_id FROM ad_entities WHERE project_id = ?1 ORDER BY config_id").bind(projectId)
    : d1.prepare("SELECT DISTINCT project_id, config_id FROM ad_entities ORDER BY project_id, config_id");
  const { results } = await stmt.all<{ project_id: string; config_id: number }>();
  return results.map((r) => ({ projectId: r.project_id, configId: r.config_id }));
}

/** Daily insights of one level between two dates (inclusive), grouped by entity, each entity's days in date order. */
export async function loadInsightDays(d1: D1Database, scope: AccountScope, entityType: EntityType, from: string, to: string): Promise<Map<string, InsightDay[]>> {
  const { results } = await d1
    .prepare(
      `SELECT entity_id, date, spend, impressions, reach, clicks, leads, frequency FROM ad_insights
       WHERE project_id = ?1 AND config_id = ?2 AND entity_type = ?3 AND date BETWEEN ?4 AND ?5 ORDER BY entity_id, date`,
    )
    .bind(scope.projectId, scope.configId, entityType, from, to)
    .all<{ entity_id: string; date: string; spend: number; impressions: number; reach: number; clicks: number; leads: number; frequency: number | null }>();
  const byEntity = new Map<string, InsightDay[]>();
  for (const r of results) {
    const day: InsightDay = { entityId: r.entity_id, date: r.date, spend: r.spend, impressions: r.impressions, reach: r.reach, clicks: r.clicks, leads: r.leads, frequency: r.frequency };
    const list = byEntity.get(r.entity_id);
    if (list) list.push(day);
    else byEntity.set(r.entity_id, [day]);
  }
  return byEntity;
}
