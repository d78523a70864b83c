// ml_forecasts: the latest forecast of each metric per entity, replaced by every run.
import type { AccountScope } from "../ads-store";
import type { EntityType } from "../entity-levels";
import type { EntityForecast } from "./entity-forecast";

export const FORECAST_METRICS = ["spend", "leads", "cpl"] as const;
export type ForecastMetric = (typeof FORECAST_METRICS)[number];

const UPSERT = `INSERT INTO ml_forecasts (project_id, config_id, entity_type, entity_id, metric, as_of_date, horizon_days, model, predictions, backtest, generated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT (project_id, config_id, entity_id, metric) DO UPDATE SET entity_type = excluded.entity_type, as_of_date = excluded.as_of_date,
  horizon_days = excluded.horizon_days, model = excluded.model, predictions = excluded.predictions, backtest = excluded.backtest, generated_at = excluded.generated_at`;

export function forecastStatements(d1: D1Database, scope: AccountScope, entityType: EntityType, entityId: string, f: EntityForecast, horizon: number, now: number): D1PreparedStatement[] {
  return FORECAST_METRICS.map((metric) => {
    const m = f[metric];
    return d1
      .prepare(UPSERT)
      .bind(scope.projectId, scope.configId, entityType, entityId, metric, f.last_day, horizon, m.model, JSON.stringify({ points: m.predictions, total: m.total, history_days: f.history_days }), m.backtest ? JSON.stringify(m.backtest) : null, now);
  });
}

export type StoredForecast = {
  entity_type: EntityType;
  entity_id: string;
  metric: ForecastMetric;
  as_of_date: string;
  horizon_days: number;
  model: string;
  history_days: number;
  predictions: unknown[];
  total: unknown;
  backtest: unknown;
  generated_at: string;
};

type Row = { entity_type: EntityType; entity_id: string; metric: ForecastMetric; as_of_date: string; horizon_days: number; model: string; predictions: string; backtest: string | null; generated_at: number };

export async function listForecasts(d1: D1Database, scope: AccountScope, filter: { entityType?: EntityType; entityId?: string; metric?: ForecastMetric }): Promise<StoredForecast[]> {
  const { results } = await d1
    .prepare(
      `SELECT entity_type, entity_id, metric, as_of_date, horizon_days, model, predictions, backtest, generated_at FROM ml_forecasts
       WHERE project_id = ?1 AND config_id = ?2 AND (?3 IS NULL OR entity_type = ?3) AND (?4 IS NULL OR entity_id = ?4) AND (?5 IS NULL OR metric = ?5)
       ORDER BY entity_id, metric`,
    )
    .bind(scope.projectId, scope.configId, filter.entityType ?? null, filter.entityId ?? null, filter.metric ?? null)
    .all<Row>();
  return results.map((r) => {
    const p = JSON.parse(r.predictions) as { points: unknown[]; total: unknown; history_days: number };
    return {
      entity_type: r.entity_type,
      entity_id: r.entity_id,
      metric: r.metric,
      as_of_date: r.as_of_date,
      horizon_days: r.horizon_days,
      model: r.model,
      history_days: p.history_days,
      predictions: p.points,
      total: p.total,
      backtest: r.backtest ? JSON.parse(r.backtest) : null,
      generated_at: new Date(r.generated_at).toISOString(),
    };
  });
}
