// The recommendation rule table: every rule's type, levels, thresholds and test in one typed place (docs/ads.md).
import type { EntityFeatures } from "../entity-features";
import type { EntityType } from "../entity-levels";

/** Seed 001's RecommendationType. */
export const RECOMMENDATION_TYPES = [
  "SCALE_UP",
  "BUDGET_INCREASE",
  "BUDGET_DECREASE",
  "PAUSE",
  "REACTIVATE",
  "AUDIENCE_REVIEW",
  "AUDIENCE_EXPANSION",
  "AUDIENCE_NARROWING",
  "CREATIVE_REFRESH",
  "CREATIVE_TEST",
  "CREATIVE_WINNER",
] as const;
export type RecommendationType = (typeof RECOMMENDATION_TYPES)[number];

export const PRIORITIES = ["high", "medium", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Cuts: when one fires for an entity, growth advice for it is dropped (nothing contradictory is emitted). */
export const CUTS: ReadonlySet<RecommendationType> = new Set(["PAUSE", "BUDGET_DECREASE"]);
export const GROWTH: ReadonlySet<RecommendationType> = new Set(["SCALE_UP", "BUDGET_INCREASE", "AUDIENCE_EXPANSION", "CREATIVE_WINNER"]);

/** The feature values a rule read, as they were: the evidence attached to its recommendation. */
export type FeaturesUsed = Record<string, number | string | null>;

export type Rule<T extends Record<string, number> = Record<string, number>> = {
  /** The rule's name in evidence (several rules may raise the same type). */
  id: string;
  type: RecommendationType;
  levels: readonly EntityType[];
  priority: Priority;
  thresholds: T;
  /** Only rules about reactivation look at paused entities: advice on delivery is for what is delivering. */
  appliesToPaused?: boolean;
  /** The features the rule reads (its evidence), and whether it fires. */
  used(f: EntityFeatures): FeaturesUsed;
  fires(f: EntityFeatures, t: T): boolean;
  reason(f: EntityFeatures, t: T): string;
};

const defineRule = <T extends Record<string, number>>(rule: Rule<T>): Rule => rule as unknown as Rule;

const money = (x: number | null) => (x === null ? "–" : x.toFixed(2));
const pct = (x: number | null) => (x === null ? "–" : `${Math.round(x * 100)}%`);
/** Every rule that compares with a CPL compares with the account's pooled 7-day CPL at the same level. */
const ref = (f: EntityFeatures) => f.account_cpl_7d;

/** In priority order: when two rules raise the same type for one entity, the first one's evidence is kept. */
export const RULES: readonly Rule[] = [
  defineRule({
    id: "no_leads",
    type: "PAUSE",
    levels: ["campaign", "adset", "ad"],
    priority: "high",
    thresholds: { spend_in_account_cpls: 1, min_history_days: 7 },
    used: (f) => ({ leads_7d: f.leads_7d, spend_7d: f.spend_7d, account_cpl_7d: ref(f), delivery_history_days: f.delivery_history_days, status: f.status }),
    fires: (f, t) => f.leads_7d === 0 && ref(f) !== null && f.spend_7d >= t.spend_in_account_cpls * ref(f)! && f.delivery_history_days >= t.min_history_days,
    reason: (f) => `No leads in 7 days after spending ${money(f.spend_7d)}, at least one account CPL (${money(ref(f))}).`,
  }),
  defineRule({
    id: "worse_than_siblings",
    type: "PAUSE",
    levels: ["adset", "ad"],
    priority: "high",
    thresholds: { max_performance_vs_siblings: -0.5, spend_in_account_cpls: 2 },
    used: (f) => ({ performance_vs_siblings: f.performance_vs_siblings, cpl_7d: f.cpl_7d, siblings_cpl_7d: f.siblings_cpl_7d, spend_7d: f.spend_7d, account_cpl_7d: ref(f) }),
    fires: (f, t) => f.performance_vs_siblings !== null && f.performance_vs_siblings <= t.max_performance_vs_siblings && ref(f) !== null && f.spend_7d >= t.spend_in_account_cpls * ref(f)!,
    reason: (f) => `Leads cost ${money(f.cpl_7d)}, ${pct(-f.performance_vs_siblings!)} more than its siblings' ${money(f.siblings_cpl_7d)}.`,
  }),
  defineRule({
    id: "cpl_high",
    type: "BUDGET_DECREASE",
    levels: ["campaign", "adset"],
    priority: "high",
    thresholds: { min_cpl_in_account_cpls: 1.5, spend_in_account_cpls: 2 },
    used: (f) => ({ cpl_7d: f.cpl_7d, account_cpl_7d: ref(f), spend_7d: f.spend_7d, leads_7d: f.leads_7d }),
    fires: (f, t) => f.cpl_7d !== null && ref(f) !== null && f.cpl_7d >= t.min_cpl_in_account_cpls * ref(f)! && f.spend_7d >= t.spend_in_account_cpls * ref(f)!,
    reason: (f) => `CPL ${money(f.cpl_7d)} is ${(f.cpl_7d! / ref(f)!).toFixed(1)}× the account's ${money(ref(f))}.`,
  }),
  defineRule({
    id: "high_frequency",
    type: "CREATIVE_REFRESH",
    levels: ["ad"],
    priority: "medium",
    thresholds: { min_frequency_7d: 3.5, min_creative_fatigue_score: 0.5 },
    used: (f) => ({ frequency_7d: f.frequency_7d, frequency_trend: f.frequency_trend, ctr_trend: f.ctr_trend, creative_fatigue_score: f.creative_fatigue_score }),
    fires: (f, t) => (f.frequency_7d !== null && f.frequency_7d >= t.min_frequency_7d) || (f.creative_fatigue_score !== null && f.creative_fatigue_score >= t.min_creative_fatigue_score),
    reason: (f) => `The audience is tiring of this creative: frequency ${f.frequency_7d?.toFixed(1) ?? "–"} (${pct(f.frequency_trend)} on the week before), CTR ${pct(f.ctr_trend)}.`,
  }),
  defineRule({
    id: "cpl_rising_leads_falling",
    type: "AUDIENCE_REVIEW",
    levels: ["adset"],
    priority: "medium",
    thresholds: { min_cpl_trend: 0.2, max_leads_trend: -0.2 },
    used: (f) => ({ cpl_trend: f.cpl_trend, leads_trend: f.leads_trend, cpl_7d: f.cpl_7d, cpl_prev_7d: f.cpl_prev_7d, leads_7d: f.leads_7d, leads_prev_7d: f.leads_prev_7d }),
    fires: (f, t) => f.cpl_trend !== null && f.leads_trend !== null && f.cpl_trend >= t.min_cpl_trend && f.leads_trend <= t.max_leads_trend,
    reason: (f) => `CPL rose ${pct(f.cpl_trend)} (${money(f.cpl_prev_7d)} → ${money(f.cpl_7d)}) while leads fell ${pct(-f.leads_trend!)} (${f.leads_prev_7d} → ${f.leads_7d}).`,
  }),
  defineRule({
    id: "audience_overlap",
    type: "AUDIENCE_NARROWING",
    levels: ["adset"],
    priority: "low",
    thresholds: { min_audience_overlap_score: 0.3 },
    used: (f) => ({ audience_overlap_score: f.audience_overlap_score }),
    fires: (f, t) => f.audience_overlap_score !== null && f.audience_overlap_score >= t.min_audience_overlap_score,
    reason: (f) => `About ${pct(f.audience_overlap_score)} of the reach of this campaign's ad sets is the same people: narrow or exclude audiences so they stop competing.`,
  }),
  defineRule({
    id: "better_than_siblings",
    type: "CREATIVE_WINNER",
    levels: ["ad"],
    priority: "medium",
    thresholds: { min_performance_vs_siblings: 0.3, min_leads_7d: 5 },
    used: (f) => ({ performance_vs_siblings: f.performance_vs_siblings, cpl_7d: f.cpl_7d, siblings_cpl_7d: f.siblings_cpl_7d, leads_7d: f.leads_7d }),
    fires: (f, t) => f.performance_vs_siblings !== null && f.performance_vs_siblings >= t.min_performance_vs_siblings && f.leads_7d >= t.min_leads_7d,
    reason: (f) => `Leads cost ${money(f.cpl_7d)}, ${pct(f.performance_vs_siblings)} less than its siblings' ${money(f.siblings_cpl_7d)}: give it the ad set's delivery.`,
  }),
  defineRule({
    id: "cpl_low",
    type: "SCALE_UP",
    levels: ["campaign", "adset", "ad"],
    priority: "medium",
    thresholds: { max_cpl_in_account_cpls: 0.7, min_leads_7d: 5 },
    used: (f) => ({ cpl_7d: f.cpl_7d, account_cpl_7d: ref(f), leads_7d: f.leads_7d }),
    fires: (f, t) => f.cpl_7d !== null && ref(f) !== null && f.cpl_7d <= t.max_cpl_in_account_cpls * ref(f)! && f.leads_7d >= t.min_leads_7d,
    reason: (f) => `CPL ${money(f.cpl_7d)} is ${pct(1 - f.cpl_7d! / ref(f)!)} below the account's ${money(ref(f))} over ${f.leads_7d} leads.`,
  }),
  defineRule({
    id: "budget_binding",
    type: "BUDGET_INCREASE",
    levels: ["campaign", "adset"],
    priority: "medium",
    thresholds: { max_cpl_in_account_cpls: 1, min_budget_use: 0.9 },
    used: (f) => ({ cpl_7d: f.cpl_7d, account_cpl_7d: ref(f), spend_7d: f.spend_7d, daily_budget: f.daily_budget }),
    fires: (f, t) =>
      f.cpl_7d !== null && ref(f) !== null && f.cpl_7d <= t.max_cpl_in_account_cpls * ref(f)! &&
      f.daily_budget !== null && f.daily_budget > 0 && f.spend_7d / 7 >= t.min_budget_use * f.daily_budget,
    reason: (f) => `It spends ${pct(f.spend_7d / 7 / f.daily_budget!)} of its daily budget (${money(f.daily_budget)}) at a CPL no higher than the account's: the budget is what limits it.`,
  }),
  defineRule({
    id: "saturating_winner",
    type: "AUDIENCE_EXPANSION",
    levels: ["adset"],
    priority: "low",
    thresholds: { max_cpl_in_account_cpls: 1, min_frequency_7d: 3 },
    used: (f) => ({ cpl_7d: f.cpl_7d, account_cpl_7d: ref(f), frequency_7d: f.frequency_7d }),
    fires: (f, t) => f.cpl_7d !== null && ref(f) !== null && f.cpl_7d <= t.max_cpl_in_account_cpls * ref(f)! && f.frequency_7d !== null && f.frequency_7d >= t.min_frequency_7d,
    reason: (f) => `It converts at or below the account's CPL but shows each person ${f.frequency_7d!.toFixed(1)} times a week: widen the audience before it saturates.`,
  }),
  defineRule({
    id: "past_winner_paused",
    type: "REACTIVATE",
    levels: ["campaign", "adset", "ad"],
    priority: "low",
    appliesToPaused: true,
    thresholds: { max_cpl_in_account_cpls: 0.8, min_leads_prior_28d: 3 },
    used: (f) => ({ status: f.status, spend_7d: f.spend_7d, cpl_prior_28d: f.cpl_prior_28d, leads_prior_28d: f.leads_prior_28d, account_cpl_7d: ref(f) }),
    fires: (f, t) =>
      f.status === "paused" && f.spend_7d === 0 && f.cpl_prior_28d !== null && ref(f) !== null && f.cpl_prior_28d <= t.max_cpl_in_account_cpls * ref(f)! && f.leads_prior_28d >= t.min_leads_prior_28d,
    reason: (f) => `Paused, yet in the 28 days before it brought ${f.leads_prior_28d} leads at ${money(f.cpl_prior_28d)}, below the account's ${money(ref(f))} now.`,
  }),
  defineRule({
    id: "single_creative",
    type: "CREATIVE_TEST",
    levels: ["ad"],
    priority: "low",
    thresholds: { max_active_siblings: 0, min_history_days: 7 },
    used: (f) => ({ active_siblings: f.active_siblings, delivery_history_days: f.delivery_history_days }),
    fires: (f, t) => f.active_siblings <= t.max_active_siblings && f.delivery_history_days >= t.min_history_days,
    reason: (f) => `The only active ad in its ad set for ${f.delivery_history_days} days: test a second creative against it.`,
  }),
];
