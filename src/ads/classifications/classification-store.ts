// Classifying a level of an account (features → tiers → ml_classifications) and reading the tiers back.
import type { AccountScope } from "../ads-store";
import type { EntityType } from "../entity-levels";
import { levelFeatures, runBatched } from "../features/feature-store";
import { classify, type Classification } from "./classify";

export type ClassificationRow = Classification & { configId: number; entityType: EntityType; entityId: string; entityName: string | null; asOfDate: string; classifiedAt: number };

const UPSERT = `INSERT INTO ml_classifications (project_id, config_id, entity_type, entity_id, tier, confidence, drivers, as_of_date, classified_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (project_id, config_id, entity_id) DO UPDATE SET entity_type = excluded.entity_type, tier = excluded.tier, confidence = excluded.confidence,
  drivers = excluded.drivers, as_of_date = excluded.as_of_date, classified_at = excluded.classified_at`;

/** Classifies the level's entities (or those named) on asOfDate and stores each one's latest tier. */
export async function classifyLevel(
  d1: D1Database,
  scope: AccountScope,
  entityType: EntityType,
  asOfDate: string,
  opts: { entityIds?: readonly string[]; force?: boolean; now: number },
): Promise<{ classified: Array<Classification & { entityId: string }>; featuresComputed: boolean }> {
  const { features, computed } = await levelFeatures(d1, scope, entityType, asOfDate, opts);
  const wanted = opts.entityIds ? new Set(opts.entityIds) : null;
  const classified = features.filter((f) => !wanted || wanted.has(f.entity_id)).map((f) => ({ entityId: f.entity_id, ...classify(f) }));
  await runBatched(
    d1,
    classified.map((c) => d1.prepare(UPSERT).bind(scope.projectId, scope.configId, entityType, c.entityId, c.tier, c.confidence, JSON.stringify(c.drivers), asOfDate, opts.now)),
  );
  return { classified, featuresComputed: computed };
}

type Row = { config_id: number; entity_type: EntityType; entity_id: string; name: string | null; tier: string; confidence: number; drivers: string; as_of_date: string; classified_at: number };

/** The stored tiers of a level: one account, or every account of the project. */
export async function listClassifications(d1: D1Database, projectId: string, entityType: EntityType, opts: { configId?: number; tier?: string; limit: number; offset: number }): Promise<ClassificationRow[]> {
  const { results } = await d1
    .prepare(
      `SELECT c.config_id, c.entity_type, c.entity_id, e.name, c.tier, c.confidence, c.drivers, c.as_of_date, c.classified_at
       FROM ml_classifications c LEFT JOIN ad_entities e ON e.project_id = c.project_id AND e.config_id = c.config_id AND e.entity_id = c.entity_id
       WHERE c.project_id = ?1 AND c.entity_type = ?2 AND (?3 IS NULL OR c.config_id = ?3) AND (?4 IS NULL OR c.tier = ?4)
       ORDER BY c.config_id, c.entity_id LIMIT ?5 OFFSET ?6`,
    )
    .bind(projectId, entityType, opts.configId ?? null, opts.tier ?? null, opts.limit, opts.offset)
    .all<Row>();
  return results.map((r) => ({
    configId: r.config_id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    entityName: r.name,
    tier: r.tier as Classification["tier"],
    confidence: r.confidence,
    drivers: JSON.parse(r.drivers) as Classification["drivers"],
    asOfDate: r.as_of_date,
    classifiedAt: r.classified_at,
  }));
}
