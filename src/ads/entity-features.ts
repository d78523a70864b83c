// Seed 001's EntityFeatures: one generic shape for campaigns, ad sets and ads (docs/ads.md §2 defines each field).
import type { EntityType } from "./entity-levels";

/**
 * Every ratio is null where its denominator is zero (no Infinity or NaN ever reaches JSON). Windows: "7d" is the seven
 * days ending on `as_of_date`, inclusive; trends compare them with the seven days before.
 */
export type EntityFeatures = {
  entity_type: EntityType;
  entity_id: string;
  config_id: number;
  /** campaign_id for an ad set, adset_id for an ad, null for a campaign. */
  parent_id: string | null;
  as_of_date: string;

  spend_7d: number;
  impressions_7d: number;
  clicks_7d: number;
  leads_7d: number;
  reach_7d: number;

  cpl_7d: number | null;
  ctr_7d: number | null;
  cpc_7d: number | null;
  conversion_rate_7d: number | null;

  cpl_trend: number | null;
  leads_trend: number | null;
  spend_trend: number | null;
  ctr_trend: number | null;
  frequency_trend: number | null;

  cpl_std_7d: number | null;
  days_with_leads_7d: number;
  days_with_delivery_7d: number;
  frequency_7d: number | null;

  share_of_parent_spend: number | null;
  share_of_parent_leads: number | null;
  performance_vs_siblings: number | null;

  /** Ad sets only (null elsewhere). */
  audience_overlap_score: number | null;
  /** Ads only (null elsewhere). */
  creative_fatigue_score: number | null;

  // Added for the classification and the recommendation rules, which are pure functions of this record alone: the
  // entity's state, the previous week's values the trends were computed from, the references it is compared with, and
  // its longer history (docs/ads.md).
  status: "active" | "paused";
  daily_budget: number | null;
  spend_prev_7d: number;
  leads_prev_7d: number;
  cpl_prev_7d: number | null;
  ctr_prev_7d: number | null;
  frequency_prev_7d: number | null;
  /** The account's pooled CPL at this level over the 7 days (Σspend / Σleads of every entity at the level, this one included). */
  account_cpl_7d: number | null;
  /** The siblings' pooled CPL over the 7 days (the same parent's other children; for campaigns the account's other campaigns). */
  siblings_cpl_7d: number | null;
  /** How many of the siblings are active. */
  active_siblings: number;
  /** The 28 days before the 7-day window (REACTIVATE looks there). */
  spend_prior_28d: number;
  leads_prior_28d: number;
  cpl_prior_28d: number | null;
  /** Days from the first day with delivery (within the 35-day lookback) to as_of_date, inclusive; 0 without delivery. */
  delivery_history_days: number;
};

/** Seed 001's compatibility rule: CampaignFeatures stays as a name for the campaign case. */
export type CampaignFeatures = EntityFeatures & { entity_type: "campaign" };
