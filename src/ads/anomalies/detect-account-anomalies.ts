// Detection for one account and level: read the level's insights, judge each entity's days, store what was found.
import { addDays } from "../../reports/time-zones";
import { loadEntities, loadInsightDays, type AccountScope } from "../ads-store";
import type { EntityType } from "../entity-levels";
import { HISTORY_DAYS } from "./anomaly-metrics";
import { detectEntityAnomalies, type EntityAnomaly } from "./detect-entity-anomalies";
import { replaceAnomalies, type StoredAnomaly } from "./anomaly-store";

export type DetectionRequest = {
  entityType: EntityType;
  /** Only these entities (of this level); all of them when absent. */
  entityIds?: readonly string[];
  /** The last examined day (YYYY-MM-DD) and how many days up to it are examined. */
  to: string;
  /** `to` is today, still being delivered (docs/ads.md: only rising spend and leads are judged on it). */
  partialTo: boolean;
  days: number;
  now: number;
  /** Do nothing when an id in entityIds is not an entity of the level (the caller answers 404). */
  requireKnownEntities?: boolean;
};

export type DetectionResult = {
  from: string;
  to: string;
  entitiesExamined: number;
  /** Requested ids that are not entities of this level in the account. */
  unknownEntityIds: string[];
  insightDaysRead: number;
  /** As stored: an unchanged finding keeps the detected_at of its first detection. */
  anomalies: StoredAnomaly[];
  written: number;
  removed: number;
};

export async function detectAccountAnomalies(d1: D1Database, scope: AccountScope, req: DetectionRequest): Promise<DetectionResult> {
  const from = addDays(req.to, -(req.days - 1));
  const historyFrom = addDays(from, -HISTORY_DAYS);
  const entities = await loadEntities(d1, scope, req.entityType);
  const known = new Set(entities.map((e) => e.entityId));
  const wanted = req.entityIds === undefined ? known : new Set(req.entityIds.filter((id) => known.has(id)));
  const unknownEntityIds = req.entityIds === undefined ? [] : [...new Set(req.entityIds.filter((id) => !known.has(id)))];
  if (req.requireKnownEntities && unknownEntityIds.length > 0) {
    return { from, to: req.to, entitiesExamined: 0, unknownEntityIds, insightDaysRead: 0, anomalies: [], written: 0, removed: 0 };
  }
  const insights = await loadInsightDays(d1, scope, req.entityType, historyFrom, req.to);
  const found: EntityAnomaly[] = [];
  let insightDaysRead = 0;
  for (const id of wanted) {
    const days = insights.get(id) ?? [];
    insightDaysRead += days.length;
    found.push(...detectEntityAnomalies(id, days, historyFrom, from, req.to, req.partialTo));
  }
  const { written, removed, anomalies } = await replaceAnomalies(d1, scope, req.entityType, wanted, from, req.to, found, req.now);
  return { from, to: req.to, entitiesExamined: wanted.size, unknownEntityIds, insightDaysRead, anomalies, written, removed };
}
