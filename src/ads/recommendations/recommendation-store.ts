// Generating a level's recommendations into ml_recommendations (with their lifecycle), reading them, resolving one.
import type { AccountScope } from "../ads-store";
import type { EntityType } from "../entity-levels";
import { levelFeatures, runBatched } from "../features/feature-store";
import { ApiError } from "../../http/errors";
import { DISMISSED_HOLD_MS, OPEN_TTL_MS, planRecommendations, type OpenRow, type ResolvedRow } from "./lifecycle";
import { recommend, type Evidence } from "./recommend";
import { RECOMMENDATION_TYPES } from "./rules";

export const RECOMMENDATION_STATUSES = ["open", "applied", "dismissed", "expired"] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];

export type GenerationSummary = {
  entityType: EntityType;
  asOfDate: string;
  featuresComputed: boolean;
  entities: number;
  raised: number;
  refreshed: number;
  expired: number;
  heldBack: number;
};

// The conflict target names the partial unique index's columns and WHERE: at most one open row per (entity, type), and
// a refresh keeps that row's id and created_at.
const UPSERT = `INSERT INTO ml_recommendations (id, project_id, config_id, entity_type, entity_id, type, status, priority, reason, evidence, as_of_date, created_at, updated_at, expires_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, ?10, ?11, ?11, ?12)
ON CONFLICT (project_id, config_id, entity_id, type) WHERE status = 'open' DO UPDATE SET
  priority = excluded.priority, reason = excluded.reason, evidence = excluded.evidence, as_of_date = excluded.as_of_date,
  updated_at = excluded.updated_at, expires_at = excluded.expires_at`;

/**
 * One level of one account: features (stored or computed), the rules, then one batch per chunk that expires what stopped
 * firing or outlived its expiry, raises what is new and refreshes what still fires. `force` recomputes the features;
 * it does not override a person's recent apply or dismiss (docs/ads.md).
 */
export async function generateRecommendations(
  d1: D1Database,
  scope: AccountScope,
  entityType: EntityType,
  asOfDate: string,
  opts: { entityIds?: readonly string[]; force?: boolean; now: number },
): Promise<GenerationSummary> {
  const { features, computed } = await levelFeatures(d1, scope, entityType, asOfDate, opts);
  const wanted = opts.entityIds ? new Set(opts.entityIds) : null;
  const judged = features.filter((f) => !wanted || wanted.has(f.entity_id));
  const candidates = judged.flatMap((f) => recommend(f));

  const [open, resolved] = await Promise.all([
    d1
      .prepare("SELECT id, entity_id, type, expires_at FROM ml_recommendations WHERE project_id = ?1 AND config_id = ?2 AND entity_type = ?3 AND status = 'open'")
      .bind(scope.projectId, scope.configId, entityType)
      .all<{ id: string; entity_id: string; type: string; expires_at: number }>(),
    d1
      .prepare(
        `SELECT entity_id, type, status, MAX(resolved_at) AS resolved_at FROM ml_recommendations
         WHERE project_id = ?1 AND config_id = ?2 AND entity_type = ?3 AND status IN ('applied', 'dismissed') AND resolved_at > ?4
         GROUP BY entity_id, type, status`,
      )
      .bind(scope.projectId, scope.configId, entityType, opts.now - DISMISSED_HOLD_MS)
      .all<{ entity_id: string; type: string; status: "applied" | "dismissed"; resolved_at: number }>(),
  ]);
  const openRows: OpenRow[] = open.results.map((r) => ({ id: r.id, entityId: r.entity_id, type: r.type, expiresAt: r.expires_at }));
  const resolvedRows: ResolvedRow[] = resolved.results.map((r) => ({ entityId: r.entity_id, type: r.type, status: r.status, resolvedAt: r.resolved_at }));
  const plan = planRecommendations({ candidates, open: openRows, resolved: resolvedRows, entities: new Set(judged.map((f) => f.entity_id)), now: opts.now });

  const openKeys = new Set(openRows.map((o) => `${o.entityId}\u0000${o.type}`));
  const statements: D1PreparedStatement[] = [];
  // Expire first: a row expired here is never the conflict target of an upsert below (the plan keeps them apart).
  for (let i = 0; i < plan.expire.length; i += 90) {
    const ids = plan.expire.slice(i, i + 90);
    statements.push(
      d1.prepare(`UPDATE ml_recommendations SET status = 'expired', updated_at = ?1, resolved_at = ?1 WHERE status = 'open' AND id IN (${ids.map((_, j) => `?${j + 2}`).join(", ")})`).bind(opts.now, ...ids),
    );
  }
  for (const c of plan.upserts) {
    statements.push(
      d1
        .prepare(UPSERT)
        .bind(crypto.randomUUID(), scope.projectId, scope.configId, entityType, c.entityId, c.type, c.priority, c.reason, JSON.stringify(c.evidence), asOfDate, opts.now, opts.now + OPEN_TTL_MS),
    );
  }
  await runBatched(d1, statements);
  const refreshed = plan.upserts.filter((c) => openKeys.has(`${c.entityId}\u0000${c.type}`)).length;
  return {
    entityType,
    asOfDate,
    featuresComputed: computed,
    entities: judged.length,
    raised: plan.upserts.length - refreshed,
    refreshed,
    expired: plan.expire.length,
    heldBack: plan.heldBack.length,
  };
}

export type RecommendationView = {
  id: string;
  config_id: number;
  entity_type: EntityType;
  entity_id: string;
  entity_name: string | null;
  type: (typeof RECOMMENDATION_TYPES)[number];
  status: RecommendationStatus;
  priority: string;
  reason: string;
  evidence: Evidence;
  as_of_date: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
  resolved_at: string | null;
};

type Row = {
  id: string;
  config_id: number;
  entity_type: EntityType;
  entity_id: string;
  name: string | null;
  type: string;
  status: RecommendationStatus;
  priority: string;
  reason: string;
  evidence: string;
  as_of_date: string;
  created_at: number;
  updated_at: number;
  expires_at: number;
  resolved_at: number | null;
};

const iso = (ms: number) => new Date(ms).toISOString();
const view = (r: Row): RecommendationView => ({
  id: r.id,
  config_id: r.config_id,
  entity_type: r.entity_type,
  entity_id: r.entity_id,
  entity_name: r.name,
  type: r.type as RecommendationView["type"],
  status: r.status,
  priority: r.priority,
  reason: r.reason,
  evidence: JSON.parse(r.evidence) as Evidence,
  as_of_date: r.as_of_date,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
  expires_at: iso(r.expires_at),
  resolved_at: r.resolved_at === null ? null : iso(r.resolved_at),
});

const SELECT = `SELECT r.id, r.config_id, r.entity_type, r.entity_id, e.name, r.type, r.status, r.priority, r.reason, r.evidence, r.as_of_date,
  r.created_at, r.updated_at, r.expires_at, r.resolved_at
  FROM ml_recommendations r LEFT JOIN ad_entities e ON e.project_id = r.project_id AND e.config_id = r.config_id AND e.entity_id = r.entity_id`;

const PRIORITY_ORDER = "CASE r.priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END";

/** A level's recommendations in one status, most urgent first: one account, or every account of the project. */
export async function listRecommendations(
  d1: D1Database,
  projectId: string,
  opts: { entityType?: EntityType; configId?: number; entityId?: string; status: RecommendationStatus; limit: number; offset: number },
): Promise<RecommendationView[]> {
  const { results } = await d1
    .prepare(
      `${SELECT} WHERE r.project_id = ?1 AND r.status = ?2 AND (?3 IS NULL OR r.entity_type = ?3) AND (?4 IS NULL OR r.config_id = ?4) AND (?5 IS NULL OR r.entity_id = ?5)
       ORDER BY ${PRIORITY_ORDER}, r.config_id, r.entity_type, r.entity_id, r.type LIMIT ?6 OFFSET ?7`,
    )
    .bind(projectId, opts.status, opts.entityType ?? null, opts.configId ?? null, opts.entityId ?? null, opts.limit, opts.offset)
    .all<Row>();
  return results.map(view);
}

/**
 * open → applied | dismissed, in one conditional UPDATE (two people resolving at once: one wins, the other gets 409).
 * 404 when the project has no such recommendation.
 */
export async function resolveRecommendation(d1: D1Database, projectId: string, id: string, status: "applied" | "dismissed", now: number): Promise<RecommendationView> {
  const changed = await d1
    .prepare("UPDATE ml_recommendations SET status = ?1, resolved_at = ?2, updated_at = ?2 WHERE id = ?3 AND project_id = ?4 AND status = 'open'")
    .bind(status, now, id, projectId)
    .run();
  const row = await d1.prepare(`${SELECT} WHERE r.id = ?1 AND r.project_id = ?2`).bind(id, projectId).first<Row>();
  if (!row) throw new ApiError(404, "recommendation_not_found", `No recommendation ${id} in this project`);
  if (changed.meta.changes === 0) {
    throw new ApiError(409, "recommendation_not_open", `Recommendation ${id} is ${row.status}: only an open recommendation can be applied or dismissed`, { status: row.status });
  }
  return view(row);
}
