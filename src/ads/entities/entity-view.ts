// Everything edgeloop knows about one entity, read together: its place, latest features and tier, open advice, recent anomalies, forecasts.
import type { AccountScope } from "../ads-store";
import { loadEntity } from "../ads-store";
import { listForecasts } from "../forecasts/forecasts-store";

/** Anomalies this recent are shown with the entity; older ones are in GET /v1/ml/anomalies. */
export const ENTITY_VIEW_ANOMALY_DAYS = 30;

const parse = (json: string | null) => (json === null ? null : JSON.parse(json));
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function entityView(d1: D1Database, scope: AccountScope, entityId: string, now = Date.now()) {
  const entity = await loadEntity(d1, scope, entityId);
  if (!entity) return null;
  const since = new Date(now - ENTITY_VIEW_ANOMALY_DAYS * 86_400_000).toISOString().slice(0, 10);
  const key = [scope.projectId, scope.configId, entityId] as const;
  const [features, classification, recommendations, anomalies, children] = await d1.batch([
    d1.prepare("SELECT as_of_date, features, computed_at FROM ml_features WHERE project_id = ?1 AND config_id = ?2 AND entity_id = ?3 ORDER BY as_of_date DESC LIMIT 1").bind(...key),
    d1.prepare("SELECT tier, confidence, drivers, as_of_date, classified_at FROM ml_classifications WHERE project_id = ?1 AND config_id = ?2 AND entity_id = ?3").bind(...key),
    d1
      .prepare("SELECT id, type, priority, reason, evidence, as_of_date, created_at, updated_at, expires_at FROM ml_recommendations WHERE project_id = ?1 AND config_id = ?2 AND entity_id = ?3 AND status = 'open' ORDER BY created_at")
      .bind(...key),
    d1
      .prepare("SELECT metric, date, value, expected, score, severity, direction, detected_at FROM ml_anomalies WHERE project_id = ?1 AND config_id = ?2 AND entity_id = ?3 AND date >= ?4 ORDER BY date DESC, metric")
      .bind(...key, since),
    d1.prepare("SELECT entity_id FROM ad_entities WHERE project_id = ?1 AND config_id = ?2 AND parent_id = ?3 ORDER BY entity_id").bind(...key),
  ]);
  type Row = Record<string, unknown>;
  const f = features!.results[0] as { as_of_date: string; features: string; computed_at: number } | undefined;
  const c = classification!.results[0] as { tier: string; confidence: number; drivers: string; as_of_date: string; classified_at: number } | undefined;
  return {
    config_id: scope.configId,
    entity_type: entity.entityType,
    entity_id: entity.entityId,
    parent_id: entity.parentId,
    name: entity.name,
    status: entity.status,
    daily_budget: entity.dailyBudget,
    children: (children!.results as Array<{ entity_id: string }>).map((r) => r.entity_id),
    features: f ? { as_of_date: f.as_of_date, computed_at: iso(f.computed_at), ...parse(f.features) } : null,
    classification: c ? { tier: c.tier, confidence: c.confidence, drivers: parse(c.drivers), as_of_date: c.as_of_date, classified_at: iso(c.classified_at) } : null,
    recommendations: (recommendations!.results as Row[]).map((r) => ({
      id: r.id, type: r.type, priority: r.priority, reason: r.reason, evidence: parse(r.evidence as string), as_of_date: r.as_of_date,
      created_at: iso(r.created_at as number), updated_at: iso(r.updated_at as number), expires_at: iso(r.expires_at as number),
    })),
    anomalies: (anomalies!.results as Row[]).map((r) => ({ ...r, detected_at: iso(r.detected_at as number) })),
    forecasts: entity.entityType === "ad" ? [] : await listForecasts(d1, scope, { entityId }),
  };
}
