// One account's forecasts at one level: read the history, forecast each entity, replace its stored forecasts.
import { loadEntities, loadInsightDays, type AccountScope } from "../ads-store";
import type { EntityType } from "../entity-levels";
import { addDays } from "../report-day";
import { forecastEntity, FORECAST_HISTORY_DAYS } from "./entity-forecast";
import { forecastStatements } from "./forecasts-store";

export type ForecastRun = { forecasted: string[]; skipped: string[]; rowsRead: number; rowsWritten: number; stoppedAfter?: string };

/**
 * Entities in id order, from just after `after`; stops (reporting where) when `deadline` passes so a job can hand the
 * rest on. An entity without a day of data in the history window is skipped (nothing to fit) and loses its stored
 * forecasts.
 */
export async function generateForecasts(
  d1: D1Database,
  scope: AccountScope,
  entityType: EntityType,
  opts: { lastDay: string; horizon: number; entityIds?: readonly string[]; after?: string; deadline?: number; now?: number },
): Promise<ForecastRun> {
  const wanted = opts.entityIds ? new Set(opts.entityIds) : null;
  const entities = (await loadEntities(d1, scope, entityType)).filter((e) => (!wanted || wanted.has(e.entityId)) && (!opts.after || e.entityId > opts.after));
  const history = await loadInsightDays(d1, scope, entityType, addDays(opts.lastDay, -(FORECAST_HISTORY_DAYS - 1)), opts.lastDay);
  const run: ForecastRun = { forecasted: [], skipped: [], rowsRead: 0, rowsWritten: 0 };
  const now = opts.now ?? Date.now();
  let last: string | undefined;
  for (const entity of entities) {
    // At least one entity per call, so a page always advances.
    if (opts.deadline !== undefined && Date.now() > opts.deadline && last !== undefined) {
      run.stoppedAfter = last;
      break;
    }
    last = entity.entityId;
    const days = history.get(entity.entityId) ?? [];
    run.rowsRead += days.length;
    const forecast = forecastEntity(days, opts.lastDay, opts.horizon);
    if (!forecast) {
      // Nothing to fit any more (no delivery in the history window): an older forecast would be read as current.
      const removed = await d1.prepare("DELETE FROM ml_forecasts WHERE project_id = ?1 AND config_id = ?2 AND entity_id = ?3").bind(scope.projectId, scope.configId, entity.entityId).run();
      run.rowsWritten += removed.meta.changes ?? 0;
      run.skipped.push(entity.entityId);
      continue;
    }
    const statements = forecastStatements(d1, scope, entityType, entity.entityId, forecast, opts.horizon, now);
    await d1.batch(statements);
    run.rowsWritten += statements.length;
    run.forecasted.push(entity.entityId);
  }
  return run;
}
