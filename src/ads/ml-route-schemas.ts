// What the /v1/ml routes share: the level and date parameters, the entity check, and the response schemas.
import { z } from "zod";
import { isDate } from "../reports/day-range";
import { loadEntities, type AccountScope } from "./ads-store";
import { ApiError } from "../http/errors";
import { AD_ENTITY_TYPES, type EntityType } from "./entity-levels";
import { entityIdSchema } from "./intake/entity-rows";

/** Seed 001's compatibility rule: without entity_type, the campaign level. */
export const entityTypeParam = z.enum(AD_ENTITY_TYPES).default("campaign").describe("campaign | adset | ad (default campaign)");
export const projectQuery = z.string().min(1).max(64).optional().describe("Only for the operator token, which spans projects");
/** Entity ids a run is limited to (routes and jobs): ids as an upload accepts them, at most 1,000. */
export const entityIdsParam = z.array(entityIdSchema).min(1).max(1000).describe("Only these entities of the level (404 ad_entity_not_found for one that is not)");
export const asOfDateParam = z
  .string()
  .refine((s) => isDate(s) && s >= "2000-01-01" && s <= "9998-12-31", "a date YYYY-MM-DD between 2000-01-01 and 9998-12-31")
  .meta({ format: "date" })
  .describe("The last day of the 7-day window (default: yesterday, UTC)");
export const limitParam = z.coerce.number().int().min(1).max(5000).default(1000);
export const offsetParam = z.coerce.number().int().min(0).max(1_000_000).default(0);

/** 404 ad_entity_not_found naming the ids that are not entities of this level in the account. */
export async function requireLevelEntities(d1: D1Database, scope: AccountScope, entityType: EntityType, ids: readonly string[] | undefined): Promise<void> {
  if (!ids) return;
  const known = new Set((await loadEntities(d1, scope, entityType)).map((e) => e.entityId));
  const missing = [...new Set(ids)].filter((id) => !known.has(id));
  if (missing.length) throw new ApiError(404, "ad_entity_not_found", `Not ${entityType}s of ad account ${scope.configId}: ${missing.slice(0, 10).join(", ")}`, { entity_type: entityType, entity_ids: missing });
}

const n = z.number();
const nn = z.number().nullable();
export const featuresSchema = z.object({
  entity_type: z.enum(AD_ENTITY_TYPES),
  entity_id: z.string(),
  config_id: n,
  parent_id: z.string().nullable(),
  as_of_date: z.string(),
  spend_7d: n,
  impressions_7d: n,
  clicks_7d: n,
  leads_7d: n,
  reach_7d: n,
  cpl_7d: nn,
  ctr_7d: nn,
  cpc_7d: nn,
  conversion_rate_7d: nn,
  cpl_trend: nn,
  leads_trend: nn,
  spend_trend: nn,
  ctr_trend: nn,
  frequency_trend: nn,
  cpl_std_7d: nn,
  days_with_leads_7d: n,
  days_with_delivery_7d: n,
  frequency_7d: nn,
  share_of_parent_spend: nn,
  share_of_parent_leads: nn,
  performance_vs_siblings: nn,
  audience_overlap_score: nn,
  creative_fatigue_score: nn,
  status: z.enum(["active", "paused"]),
  daily_budget: nn,
  spend_prev_7d: n,
  leads_prev_7d: n,
  cpl_prev_7d: nn,
  ctr_prev_7d: nn,
  frequency_prev_7d: nn,
  account_cpl_7d: nn,
  siblings_cpl_7d: nn,
  active_siblings: n,
  spend_prior_28d: n,
  leads_prior_28d: n,
  cpl_prior_28d: nn,
  delivery_history_days: n,
});

export const driverSchema = z.object({ feature: z.string(), value: nn, reference: nn, comparison: z.string() });
