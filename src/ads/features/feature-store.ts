// A level's features for one day: read from ml_features when stored, otherwise computed from the insights and stored.
import { lastCompleteDay } from "../report-day";
import { loadEntities, loadInsightDays, type AccountScope } from "../ads-store";
import type { EntityFeatures } from "../entity-features";
import { PARENT_TYPE, type EntityType } from "../entity-levels";
import { computeFeatures, featureWindows, type LookbackTotals } from "./compute-features";

/**
 * The as_of_date a job acting at instant `asOf` uses: the last UTC day closed by then (the day before as_of's day), so
 * the 05:00 runs never count a day that has barely started as a week's last day.
 */
export const asOfDateOf = lastCompleteDay;

/** Per entity of the level: the prior 28 days' spend and leads and the first day with delivery in the look-back. */
async function loadLookbackTotals(d1: D1Database, scope: AccountScope, entityType: EntityType, asOfDate: string): Promise<Map<string, LookbackTotals>> {
  const w = featureWindows(asOfDate);
  const { results } = await d1
    .prepare(
      `SELECT entity_id, SUM(CASE WHEN date <= ?5 THEN spend ELSE 0 END) AS prior_spend, SUM(CASE WHEN date <= ?5 THEN leads ELSE 0 END) AS prior_leads,
         MIN(CASE WHEN spend > 0 OR impressions > 0 THEN date END) AS first_delivery
       FROM ad_insights WHERE project_id = ?1 AND config_id = ?2 AND entity_type = ?3 AND date BETWEEN ?4 AND ?6 GROUP BY entity_id`,
    )
    .bind(scope.projectId, scope.configId, entityType, w.lookback.from, w.prior28.to, w.lookback.to)
    .all<{ entity_id: string; prior_spend: number; prior_leads: number; first_delivery: string | null }>();
  return new Map(results.map((r) => [r.entity_id, { priorSpend: r.prior_spend, priorLeads: r.prior_leads, firstDelivery: r.first_delivery }]));
}

/** The stored features of a level and day, by entity id. */
export async function storedFeatures(d1: D1Database, scope: AccountScope, entityType: EntityType, asOfDate: string): Promise<Map<string, EntityFeatures>> {
  const { results } = await d1
    .prepare("SELECT entity_id, features FROM ml_features WHERE project_id = ?1 AND config_id = ?2 AND entity_type = ?3 AND as_of_date = ?4")
    .bind(scope.projectId, scope.configId, entityType, asOfDate)
    .all<{ entity_id: string; features: string }>();
  return new Map(results.map((r) => [r.entity_id, JSON.parse(r.features) as EntityFeatures]));
}

/** The latest day with stored features at this level, or null. */
export async function latestFeatureDate(d1: D1Database, scope: AccountScope, entityType: EntityType): Promise<string | null> {
  const row = await d1
    .prepare("SELECT MAX(as_of_date) AS d FROM ml_features WHERE project_id = ?1 AND config_id = ?2 AND entity_type = ?3")
    .bind(scope.projectId, scope.configId, entityType)
    .first<{ d: string | null }>();
  return row?.d ?? null;
}

const UPSERT = `INSERT INTO ml_features (project_id, config_id, entity_type, entity_id, as_of_date, features, computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (project_id, config_id, entity_id, as_of_date) DO UPDATE SET entity_type = excluded.entity_type, features = excluded.features, computed_at = excluded.computed_at`;

/** D1 runs a batch as one transaction; chunks keep each one well inside a request's limits. */
export const BATCH_STATEMENTS = 200;

export async function runBatched(d1: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  for (let i = 0; i < statements.length; i += BATCH_STATEMENTS) await d1.batch(statements.slice(i, i + BATCH_STATEMENTS));
}

export type LevelFeatures = { features: EntityFeatures[]; computed: boolean };

/**
 * Every entity's features at this level on asOfDate, in entity-id order. Stored ones are reused when every entity of
 * the level has one (so the classification and the recommendations of one morning read the same numbers); `force`
 * recomputes them, e.g. after insights for the window were re-sent.
 */
export async function levelFeatures(d1: D1Database, scope: AccountScope, entityType: EntityType, asOfDate: string, opts: { force?: boolean; now: number }): Promise<LevelFeatures> {
  const entities = await loadEntities(d1, scope, entityType);
  if (!opts.force) {
    const stored = await storedFeatures(d1, scope, entityType, asOfDate);
    if (entities.every((e) => stored.has(e.entityId))) return { features: entities.map((e) => stored.get(e.entityId)!), computed: false };
  }
  const w = featureWindows(asOfDate);
  const parentType = PARENT_TYPE[entityType];
  // Daily rows only for the 14 days the features look at day by day; the 35-day look-back is summed in SQL (2.5× fewer
  // rows through D1, which was most of the job's time at 2,780 ads).
  const [days, parentDays, history] = await Promise.all([
    loadInsightDays(d1, scope, entityType, w.prev.from, w.week.to),
    parentType ? loadInsightDays(d1, scope, parentType, w.week.from, w.week.to) : Promise.resolve(new Map()),
    loadLookbackTotals(d1, scope, entityType, asOfDate),
  ]);
  const features = computeFeatures({ entityType, configId: scope.configId, asOfDate, entities, days, parentDays, history });
  await runBatched(
    d1,
    features.map((f) => d1.prepare(UPSERT).bind(scope.projectId, scope.configId, entityType, f.entity_id, asOfDate, JSON.stringify(f), opts.now)),
  );
  return { features, computed: true };
}
