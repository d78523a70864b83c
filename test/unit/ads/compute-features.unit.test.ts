// computeFeatures against hand-computed values (the arithmetic is in the comments), and nulls for every zero denominator.
import { describe, expect, it } from "vitest";
import { audienceOverlap, computeFeatures, creativeFatigue, featureWindows, lookbackTotals } from "../../../src/ads/features/compute-features";
import { addDays } from "../../../src/ads/report-day";
import type { EntityType } from "../../../src/ads/entity-levels";
import type { AdEntity, InsightDay } from "../../../src/ads/insight-day";

const AS_OF = "2026-03-14"; // 7d = 03-08 … 03-14, prev = 03-01 … 03-07, prior 28d = 02-08 … 03-07

const entity = (entityType: EntityType, entityId: string, parentId: string | null, extra: Partial<AdEntity> = {}): AdEntity => ({
  configId: 7,
  entityType,
  entityId,
  parentId,
  name: entityId,
  status: "active",
  dailyBudget: null,
  ...extra,
});

const day = (entityId: string, date: string, v: Partial<Omit<InsightDay, "entityId" | "date">>): InsightDay => ({
  entityId,
  date,
  spend: 0,
  impressions: 0,
  reach: 0,
  clicks: 0,
  leads: 0,
  frequency: null,
  ...v,
});

const dates = (from: string, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));

describe("featureWindows", () => {
  it("is the 7 days ending on as_of inclusive, the 7 before, and the 28 before the week", () => {
    expect(featureWindows(AS_OF)).toEqual({
      week: { from: "2026-03-08", to: "2026-03-14" },
      prev: { from: "2026-03-01", to: "2026-03-07" },
      prior28: { from: "2026-02-08", to: "2026-03-07" },
      lookback: { from: "2026-02-08", to: "2026-03-14" },
    });
  });
});

describe("computeFeatures: ads", () => {
  // A1: the previous week 10/day spend, 1000 impressions, 500 reach, 20 clicks, 1 lead; this week 20/day spend,
  // 1000 impressions, 250 reach, 10 clicks, and leads 2, 1, 0, 1, 0, 0, 0.
  const a1Days = [
    ...dates("2026-03-01", 7).map((d) => day("A1", d, { spend: 10, impressions: 1000, reach: 500, clicks: 20, leads: 1, frequency: 2 })),
    ...dates("2026-03-08", 7).map((d, i) => day("A1", d, { spend: 20, impressions: 1000, reach: 250, clicks: 10, leads: [2, 1, 0, 1, 0, 0, 0][i]!, frequency: 4 })),
    // Outside the look-back (before 02-08) and after as_of: ignored.
    day("A1", "2026-02-07", { spend: 999, impressions: 9, leads: 9 }),
    day("A1", "2026-03-15", { spend: 999, impressions: 9, leads: 9 }),
  ];
  // A2: one day this week, 70 spend, 7 leads, 500 impressions, no reach reported but a frequency of 2.5.
  const a2Days = [day("A2", "2026-03-10", { spend: 70, impressions: 500, clicks: 14, leads: 7, frequency: 2.5 })];
  // The parent S1: 40/day this week, 2 leads/day.
  const s1Days = dates("2026-03-08", 7).map((d) => day("S1", d, { spend: 40, impressions: 1500, reach: 600, clicks: 24, leads: 2 }));
  const [a1, a2, a3] = computeFeatures({
    entityType: "ad",
    configId: 7,
    asOfDate: AS_OF,
    entities: [entity("ad", "A1", "S1"), entity("ad", "A2", "S1"), entity("ad", "A3", "S2", { status: "paused" })],
    days: new Map([["A1", a1Days], ["A2", a2Days]]),
    parentDays: new Map([["S1", s1Days]]),
  });

  it("sums the 7 days and derives the ratios", () => {
    expect(a1).toMatchObject({ entity_type: "ad", entity_id: "A1", config_id: 7, parent_id: "S1", as_of_date: AS_OF, status: "active" });
    // 7 × 20 = 140 spend, 7 × 1000 impressions, 7 × 10 clicks, 2+1+1 = 4 leads, 7 × 250 reach.
    expect(a1).toMatchObject({ spend_7d: 140, impressions_7d: 7000, clicks_7d: 70, leads_7d: 4, reach_7d: 1750 });
    expect(a1!.cpl_7d).toBe(35); // 140 / 4
    expect(a1!.ctr_7d).toBe(0.01); // 70 / 7000
    expect(a1!.cpc_7d).toBe(2); // 140 / 70
    expect(a1!.conversion_rate_7d).toBeCloseTo(4 / 70, 12); // 0.05714…
    expect(a1!.days_with_leads_7d).toBe(3);
    expect(a1!.days_with_delivery_7d).toBe(7);
  });

  it("trends are this week against the week before, minus one", () => {
    // prev: spend 70, leads 7, CPL 10, CTR 140/7000 = 0.02, frequency 7000/3500 = 2.
    expect(a1).toMatchObject({ spend_prev_7d: 70, leads_prev_7d: 7, cpl_prev_7d: 10, ctr_prev_7d: 0.02, frequency_prev_7d: 2 });
    expect(a1!.cpl_trend).toBe(2.5); // 35 / 10 − 1
    expect(a1!.leads_trend).toBeCloseTo(-3 / 7, 12); // 4 / 7 − 1 = −0.428…
    expect(a1!.spend_trend).toBe(1); // 140 / 70 − 1
    expect(a1!.ctr_trend).toBe(-0.5); // 0.01 / 0.02 − 1
    expect(a1!.frequency_7d).toBe(4); // 7000 / 1750
    expect(a1!.frequency_trend).toBe(1); // 4 / 2 − 1
  });

  it("CPL spread, creative fatigue, shares and siblings", () => {
    // Daily CPLs on lead days: 20/2 = 10, 20/1 = 20, 20/1 = 20; mean 50/3; squared deviations 400/9 + 100/9 + 100/9 = 600/9;
    // / (3 − 1) = 100/3; sqrt = 5.7735…
    expect(a1!.cpl_std_7d).toBeCloseTo(Math.sqrt(100 / 3), 12);
    // frequency +100% (≥ 50%: 1) and CTR −50% (≥ 30%: 1): sqrt(1 · 1) = 1.
    expect(a1!.creative_fatigue_score).toBe(1);
    expect(a1!.audience_overlap_score).toBeNull();
    // S1 spent 7 × 40 = 280 with 14 leads: 140 / 280 and 4 / 14.
    expect(a1!.share_of_parent_spend).toBe(0.5);
    expect(a1!.share_of_parent_leads).toBeCloseTo(4 / 14, 12);
    // A1's sibling A2: CPL 70 / 7 = 10; (10 − 35) / 10 = −2.5. A2's sibling A1: (35 − 10) / 35 = 0.714…
    expect(a1!.siblings_cpl_7d).toBe(10);
    expect(a1!.performance_vs_siblings).toBe(-2.5);
    expect(a2!.performance_vs_siblings).toBeCloseTo(25 / 35, 12);
    expect(a1!.active_siblings).toBe(1);
    // The account's ads: (140 + 70) / (4 + 7) = 19.09…
    expect(a1!.account_cpl_7d).toBeCloseTo(210 / 11, 12);
    expect(a3!.account_cpl_7d).toBeCloseTo(210 / 11, 12);
  });

  it("history: the 28 days before the week, and days since the first delivery", () => {
    // 02-08 … 03-07 holds only the previous week: 70 spend, 7 leads.
    expect(a1).toMatchObject({ spend_prior_28d: 70, leads_prior_28d: 7, cpl_prior_28d: 10 });
    // First delivery 03-01 (02-07 is outside the look-back): 03-01 … 03-14 is 14 days.
    expect(a1!.delivery_history_days).toBe(14);
    expect(a2!.delivery_history_days).toBe(5); // 03-10 … 03-14
  });

  it("falls back to the mean reported frequency without reach, and leaves undefined things null", () => {
    expect(a2!.frequency_7d).toBe(2.5);
    // No previous week: no trend; one day with leads: no spread.
    expect(a2).toMatchObject({ cpl_trend: null, leads_trend: null, spend_trend: null, ctr_trend: null, frequency_trend: null, cpl_std_7d: null, creative_fatigue_score: null });
    // S1 is not A3's parent (S2 has no insights): shares null; alone under S2: no siblings.
    expect(a3).toMatchObject({
      status: "paused",
      spend_7d: 0,
      cpl_7d: null,
      ctr_7d: null,
      cpc_7d: null,
      conversion_rate_7d: null,
      frequency_7d: null,
      share_of_parent_spend: null,
      share_of_parent_leads: null,
      siblings_cpl_7d: null,
      performance_vs_siblings: null,
      active_siblings: 0,
      cpl_prior_28d: null,
      delivery_history_days: 0,
    });
  });

  it("never writes NaN or Infinity into JSON", () => {
    for (const f of [a1, a2, a3]) {
      const text = JSON.stringify(f);
      expect(text).not.toMatch(/NaN|Infinity/);
      // JSON.stringify turns NaN/Infinity into null: the round trip equals the object only if there were none.
      expect(JSON.parse(text)).toEqual(f);
      for (const v of Object.values(f!)) if (typeof v === "number") expect(Number.isFinite(v)).toBe(true);
    }
  });
});

describe("computeFeatures: campaigns and ad sets", () => {
  it("campaigns: siblings are the account's other campaigns; no parent share, no overlap", () => {
    const week = (id: string, spend: number, leads: number) => [day(id, "2026-03-12", { spend, leads, impressions: 1000, clicks: 10 })];
    const [c1, c2, c3] = computeFeatures({
      entityType: "campaign",
      configId: 7,
      asOfDate: AS_OF,
      entities: [entity("campaign", "C1", null), entity("campaign", "C2", null), entity("campaign", "C3", null)],
      days: new Map([["C1", week("C1", 100, 10)], ["C2", week("C2", 200, 5)], ["C3", week("C3", 50, 0)]]),
      parentDays: new Map(),
    });
    // Account: 350 / 15.
    expect(c1!.account_cpl_7d).toBeCloseTo(350 / 15, 12);
    // C1: CPL 10; siblings C2 + C3: 250 / 5 = 50; (50 − 10) / 50 = 0.8.
    expect(c1!.siblings_cpl_7d).toBe(50);
    expect(c1!.performance_vs_siblings).toBe(0.8);
    // C2: CPL 40; siblings 150 / 10 = 15; (15 − 40) / 15 = −1.666…
    expect(c2!.performance_vs_siblings).toBeCloseTo(-25 / 15, 12);
    // C3: no leads, no CPL: no comparison.
    expect(c3!.performance_vs_siblings).toBeNull();
    for (const c of [c1, c2, c3]) expect(c).toMatchObject({ parent_id: null, share_of_parent_spend: null, share_of_parent_leads: null, audience_overlap_score: null, creative_fatigue_score: null, active_siblings: 2 });
  });

  it("ad sets: the audience overlap of their campaign", () => {
    const c = [
      day("C1", "2026-03-08", { reach: 800, impressions: 2000 }),
      day("C1", "2026-03-09", { reach: 500, impressions: 1000 }),
      day("C1", "2026-03-10", { reach: 300, impressions: 900 }),
      day("C1", "2026-03-11", { reach: 1200, impressions: 3000 }),
      day("C1", "2026-03-05", { reach: 100, impressions: 100000 }), // the week before: not in the 7 days
    ];
    const s1 = [
      day("S1", "2026-03-08", { reach: 600 }),
      day("S1", "2026-03-09", { reach: 500 }),
      day("S1", "2026-03-10", { reach: 300 }),
      day("S1", "2026-03-11", { reach: 600 }),
      day("S1", "2026-03-05", { reach: 600 }),
    ];
    const s2 = [day("S2", "2026-03-08", { reach: 400 }), day("S2", "2026-03-09", { reach: 500 }), day("S2", "2026-03-11", { reach: 400 }), day("S2", "2026-03-05", { reach: 600 })];
    // 03-08: 1 − 800/1000 = 0.2 (weight 2000); 03-09: 1 − 500/1000 = 0.5 (1000); 03-10: one ad set with reach, skipped;
    // 03-11: 1 − 1200/1000 = −0.2 → 0 (3000). (2000·0.2 + 1000·0.5 + 0) / 6000 = 900 / 6000 = 0.15.
    const features = computeFeatures({
      entityType: "adset",
      configId: 7,
      asOfDate: AS_OF,
      entities: [entity("adset", "S1", "C1"), entity("adset", "S2", "C1"), entity("adset", "S3", "C2")],
      days: new Map([["S1", s1], ["S2", s2]]),
      parentDays: new Map([["C1", c]]),
    });
    expect(features[0]!.audience_overlap_score).toBeCloseTo(0.15, 12);
    expect(features[1]!.audience_overlap_score).toBeCloseTo(0.15, 12);
    expect(features[2]!.audience_overlap_score).toBeNull(); // C2: no insights
    expect(features.every((f) => f.creative_fatigue_score === null)).toBe(true);
    // No spend anywhere: shares over a zero parent are null, not NaN.
    expect(features[0]!.share_of_parent_spend).toBeNull();
    expect(audienceOverlap(undefined, [s1, s2], { from: "2026-03-08", to: AS_OF })).toBeNull();
  });
});

describe("creativeFatigue", () => {
  it("is the geometric mean of the scaled frequency rise and CTR fall", () => {
    expect(creativeFatigue(0.5, -0.3)).toBe(1);
    expect(creativeFatigue(2, -0.9)).toBe(1); // clamped
    expect(creativeFatigue(0.25, -0.15)).toBeCloseTo(0.5, 12); // sqrt(0.5 · 0.5)
    expect(creativeFatigue(0.5, 0.1)).toBe(0); // CTR rose: not fatigue
    expect(creativeFatigue(-0.2, -0.3)).toBe(0); // frequency fell
    expect(creativeFatigue(null, -0.3)).toBeNull();
  });
});

describe("the look-back summed apart (as the store does it in SQL)", () => {
  it("gives the same features from the last 14 days plus the look-back totals as from all 35 days", () => {
    // Ads with delivery starting at different points of the look-back (one paused for the last 10 days), so the prior
    // 28 days, the first delivery and REACTIVATE's inputs all differ from the 14 daily rows.
    const days = new Map<string, InsightDay[]>();
    const starts: Record<string, number> = { A1: 0, A2: 20, A3: 30 };
    for (const [id, start] of Object.entries(starts)) {
      const list: InsightDay[] = [];
      for (let k = start; k < 35; k++) {
        if (id === "A1" && k >= 25) continue;
        list.push(day(id, addDays(AS_OF, k - 34), { spend: 10 + ((k * 7) % 5), impressions: 1000 + k, reach: 600, clicks: 10 + (k % 3), leads: k % 4 === 0 ? 0 : 1 }));
      }
      days.set(id, list);
    }
    const entities = ["A1", "A2", "A3"].map((id) => entity("ad", id, "S1"));
    const full = computeFeatures({ entityType: "ad", configId: 7, asOfDate: AS_OF, entities, days, parentDays: new Map() });
    const from = featureWindows(AS_OF).prev.from;
    const recent = new Map([...days].map(([id, list]) => [id, list.filter((d) => d.date >= from)]));
    const history = new Map([...days].map(([id, list]) => [id, lookbackTotals(list, AS_OF)]));
    const split = computeFeatures({ entityType: "ad", configId: 7, asOfDate: AS_OF, entities, days: recent, parentDays: new Map(), history });
    expect(split).toEqual(full);
    expect(full.map((f) => f.delivery_history_days)).toEqual([35, 15, 5]);
    expect(full[0]!.spend_prior_28d).toBeGreaterThan(0);
  });
});
