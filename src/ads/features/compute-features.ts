// computeFeatures: seed 001's EntityFeatures for every entity of one level, from the hierarchy and daily insights (pure).
import type { EntityFeatures } from "../entity-features";
import type { EntityType } from "../entity-levels";
import type { AdEntity, InsightDay } from "../insight-day";
import { addDays, daysBetween } from "../../reports/time-zones";

/** 7 days, the 7 before them, and the 28 before the 7-day window (REACTIVATE's look-back): 35 days in all. */
export const LOOKBACK_DAYS = 35;

/** What computeFeatures reads: one level of one account, and the level above it (for shares and audience overlap). */
export type LevelInput = {
  entityType: EntityType;
  configId: number;
  /** The last day of the 7-day window (YYYY-MM-DD). */
  asOfDate: string;
  /** Every entity of the level in the account (siblings and the account reference are over all of them). */
  entities: readonly AdEntity[];
  /** The level's daily insights by entity id; days outside the look-back are ignored. */
  days: ReadonlyMap<string, readonly InsightDay[]>;
  /** The parent level's daily insights by entity id (empty for campaigns). */
  parentDays: ReadonlyMap<string, readonly InsightDay[]>;
  /**
   * The look-back's totals per entity (REACTIVATE's prior 28 days, the first day with delivery). Derived from `days`
   * when absent; the store sums them in SQL instead, so that only the last 14 days travel as daily rows.
   */
  history?: ReadonlyMap<string, LookbackTotals>;
};

/** Per entity over the look-back: spend and leads of the prior 28 days, and the first day with delivery (or null). */
export type LookbackTotals = { priorSpend: number; priorLeads: number; firstDelivery: string | null };

/** The first and last day of each window, for as_of_date D: 7d = [D−6, D], prev = [D−13, D−7], prior 28d = [D−34, D−7]. */
export function featureWindows(asOfDate: string) {
  return {
    week: { from: addDays(asOfDate, -6), to: asOfDate },
    prev: { from: addDays(asOfDate, -13), to: addDays(asOfDate, -7) },
    prior28: { from: addDays(asOfDate, -(LOOKBACK_DAYS - 1)), to: addDays(asOfDate, -7) },
    lookback: { from: addDays(asOfDate, -(LOOKBACK_DAYS - 1)), to: asOfDate },
  };
}

type Window = { from: string; to: string };

type Sums = {
  spend: number;
  impressions: number;
  clicks: number;
  leads: number;
  reach: number;
  /** Reported daily frequencies, for the fallback when reach is missing. */
  frequencySum: number;
  frequencyDays: number;
  deliveryDays: number;
  leadDays: number;
  /** spend / leads of each day with leads. */
  dailyCpl: number[];
};

function sumWindow(days: readonly InsightDay[] | undefined, w: Window): Sums {
  const s: Sums = { spend: 0, impressions: 0, clicks: 0, leads: 0, reach: 0, frequencySum: 0, frequencyDays: 0, deliveryDays: 0, leadDays: 0, dailyCpl: [] };
  for (const d of days ?? []) {
    if (d.date < w.from || d.date > w.to) continue;
    s.spend += d.spend;
    s.impressions += d.impressions;
    s.clicks += d.clicks;
    s.leads += d.leads;
    s.reach += d.reach;
    if (d.frequency !== null && Number.isFinite(d.frequency)) {
      s.frequencySum += d.frequency;
      s.frequencyDays++;
    }
    if (d.spend > 0 || d.impressions > 0) s.deliveryDays++;
    if (d.leads > 0) {
      s.leadDays++;
      s.dailyCpl.push(d.spend / d.leads);
    }
  }
  return s;
}

/** Only finite numbers leave this file: a zero denominator (or anything non-finite) is null. */
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
export const ratio = (num: number | null, den: number | null): number | null => (num === null || den === null || den === 0 ? null : finite(num / den));
/** Relative change: cur / prev − 1, null when prev is 0 or either is unknown. */
export const trend = (cur: number | null, prev: number | null): number | null => (cur === null || prev === null || prev === 0 ? null : finite(cur / prev - 1));
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * Σimpressions / Σ daily reach: a lower bound of the window's true frequency, because summing daily reach counts a
 * person reached on several days several times. The mean reported daily frequency when no reach was reported.
 */
function frequencyOf(s: Sums): number | null {
  if (s.reach > 0) return ratio(s.impressions, s.reach);
  return s.frequencyDays > 0 ? finite(s.frequencySum / s.frequencyDays) : null;
}

/** Sample standard deviation (n − 1); null below two values. */
function sampleStd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return finite(Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)));
}

/**
 * An ad set's audience overlap, from its campaign: on each day of the window where the campaign and at least two of
 * its ad sets have reach, 1 − campaign reach / Σ ad-set reach (the campaign's unique reach falls below the sum of its
 * ad sets' reach exactly when they reach the same people), clipped to [0, 1]; the mean over those days weighted by the
 * campaign's impressions. Null without such a day.
 */
export function audienceOverlap(campaignDays: readonly InsightDay[] | undefined, adsetDays: ReadonlyArray<readonly InsightDay[] | undefined>, w: Window): number | null {
  const byDate = new Map<string, { sum: number; withReach: number }>();
  for (const days of adsetDays) {
    for (const d of days ?? []) {
      if (d.date < w.from || d.date > w.to || d.reach <= 0) continue;
      const e = byDate.get(d.date) ?? { sum: 0, withReach: 0 };
      e.sum += d.reach;
      e.withReach++;
      byDate.set(d.date, e);
    }
  }
  let weighted = 0;
  let weights = 0;
  for (const c of campaignDays ?? []) {
    if (c.date < w.from || c.date > w.to || c.reach <= 0) continue;
    const e = byDate.get(c.date);
    if (!e || e.withReach < 2) continue;
    // A day with reach but no impressions reported still counts, with the least weight.
    const weight = Math.max(c.impressions, 1);
    weighted += weight * clamp(1 - c.reach / e.sum, 0, 1);
    weights += weight;
  }
  return weights > 0 ? finite(weighted / weights) : null;
}

/**
 * An ad's creative fatigue: sqrt(clamp(frequency_trend / 0.5, 0, 1) · clamp(−ctr_trend / 0.3, 0, 1)). 1 when the
 * same people saw it ≥ 50% more often while its CTR fell ≥ 30%; 0 unless both moved that way. Null without both trends.
 */
export function creativeFatigue(frequencyTrend: number | null, ctrTrend: number | null): number | null {
  if (frequencyTrend === null || ctrTrend === null) return null;
  return Math.sqrt(clamp(frequencyTrend / 0.5, 0, 1) * clamp(-ctrTrend / 0.3, 0, 1));
}

/** An entity's look-back totals from its daily rows (what the store's SQL computes). */
export function lookbackTotals(days: readonly InsightDay[] | undefined, asOfDate: string): LookbackTotals {
  const w = featureWindows(asOfDate);
  const prior = sumWindow(days, w.prior28);
  let first: string | null = null;
  for (const d of days ?? []) {
    if (d.date < w.lookback.from || d.date > w.lookback.to || !(d.spend > 0 || d.impressions > 0)) continue;
    if (first === null || d.date < first) first = d.date;
  }
  return { priorSpend: prior.spend, priorLeads: prior.leads, firstDelivery: first };
}

/** Every entity of the level, in the input's order. */
export function computeFeatures(input: LevelInput): EntityFeatures[] {
  const w = featureWindows(input.asOfDate);
  const week = new Map(input.entities.map((e) => [e.entityId, sumWindow(input.days.get(e.entityId), w.week)]));
  const groups = new Map<string | null, AdEntity[]>();
  for (const e of input.entities) {
    const g = groups.get(e.parentId);
    if (g) g.push(e);
    else groups.set(e.parentId, [e]);
  }
  let accountSpend = 0;
  let accountLeads = 0;
  for (const s of week.values()) {
    accountSpend += s.spend;
    accountLeads += s.leads;
  }
  const accountCpl = ratio(accountSpend, accountLeads);
  const overlapByCampaign = new Map<string, number | null>();

  return input.entities.map((e): EntityFeatures => {
    const own = week.get(e.entityId)!;
    const prev = sumWindow(input.days.get(e.entityId), w.prev);
    const history = input.history?.get(e.entityId) ?? (input.history ? { priorSpend: 0, priorLeads: 0, firstDelivery: null } : lookbackTotals(input.days.get(e.entityId), input.asOfDate));
    const siblings = (groups.get(e.parentId) ?? []).filter((s) => s.entityId !== e.entityId);
    // Summed sibling by sibling (not group total − own), so that "no sibling leads" is exactly 0.
    let siblingSpend = 0;
    let siblingLeads = 0;
    for (const s of siblings) {
      siblingSpend += week.get(s.entityId)!.spend;
      siblingLeads += week.get(s.entityId)!.leads;
    }
    const parent = e.parentId === null || e.entityType === "campaign" ? null : sumWindow(input.parentDays.get(e.parentId), w.week);

    const cpl = ratio(own.spend, own.leads);
    const ctr = ratio(own.clicks, own.impressions);
    const cplPrev = ratio(prev.spend, prev.leads);
    const ctrPrev = ratio(prev.clicks, prev.impressions);
    const frequency = frequencyOf(own);
    const frequencyPrev = frequencyOf(prev);
    const siblingsCpl = ratio(siblingSpend, siblingLeads);
    const ctrTrend = trend(ctr, ctrPrev);
    const frequencyTrend = trend(frequency, frequencyPrev);

    let overlap: number | null = null;
    if (e.entityType === "adset" && e.parentId !== null) {
      if (!overlapByCampaign.has(e.parentId)) {
        const adsets = (groups.get(e.parentId) ?? []).map((s) => input.days.get(s.entityId));
        overlapByCampaign.set(e.parentId, audienceOverlap(input.parentDays.get(e.parentId), adsets, w.week));
      }
      overlap = overlapByCampaign.get(e.parentId)!;
    }

    return {
      entity_type: e.entityType,
      entity_id: e.entityId,
      config_id: input.configId,
      parent_id: e.parentId,
      as_of_date: input.asOfDate,

      spend_7d: own.spend,
      impressions_7d: own.impressions,
      clicks_7d: own.clicks,
      leads_7d: own.leads,
      reach_7d: own.reach,

      cpl_7d: cpl,
      ctr_7d: ctr,
      cpc_7d: ratio(own.spend, own.clicks),
      conversion_rate_7d: ratio(own.leads, own.clicks),

      cpl_trend: trend(cpl, cplPrev),
      leads_trend: trend(own.leads, prev.leads),
      spend_trend: trend(own.spend, prev.spend),
      ctr_trend: ctrTrend,
      frequency_trend: frequencyTrend,

      cpl_std_7d: sampleStd(own.dailyCpl),
      days_with_leads_7d: own.leadDays,
      days_with_delivery_7d: own.deliveryDays,
      frequency_7d: frequency,

      share_of_parent_spend: parent === null ? null : ratio(own.spend, parent.spend),
      share_of_parent_leads: parent === null ? null : ratio(own.leads, parent.leads),
      // Positive: this entity's leads are cheaper than its siblings' pooled CPL (0.3 = 30% cheaper).
      performance_vs_siblings: cpl === null || siblingsCpl === null ? null : ratio(siblingsCpl - cpl, siblingsCpl),

      audience_overlap_score: overlap,
      creative_fatigue_score: e.entityType === "ad" ? creativeFatigue(frequencyTrend, ctrTrend) : null,

      status: e.status,
      daily_budget: e.dailyBudget,
      spend_prev_7d: prev.spend,
      leads_prev_7d: prev.leads,
      cpl_prev_7d: cplPrev,
      ctr_prev_7d: ctrPrev,
      frequency_prev_7d: frequencyPrev,
      account_cpl_7d: accountCpl,
      siblings_cpl_7d: siblingsCpl,
      active_siblings: siblings.filter((s) => s.status === "active").length,
      spend_prior_28d: history.priorSpend,
      leads_prior_28d: history.priorLeads,
      cpl_prior_28d: ratio(history.priorSpend, history.priorLeads),
      // The first day with delivery in the look-back, counted to as_of_date inclusive (0 when none).
      delivery_history_days: history.firstDelivery === null ? 0 : daysBetween(history.firstDelivery, w.lookback.to) + 1,
    };
  });
}
