// Every rule fires on its threshold and not just short of it, only at its levels; cuts drop growth advice.
import { describe, expect, it } from "vitest";
import type { EntityFeatures } from "../../../src/ads/entity-features";
import { AD_ENTITY_TYPES, type EntityType } from "../../../src/ads/entity-levels";
import { recommend } from "../../../src/ads/recommendations/recommend";
import { RULES } from "../../../src/ads/recommendations/rules";
import { neutralFeatures } from "./features-fixture";

const types = (level: EntityType, o: Partial<EntityFeatures>) => recommend(neutralFeatures(level, o)).map((c) => c.type).sort();

/** Fires at `edge` for exactly `levels`; not at `short` for any level. */
function rule(name: string, type: string, levels: EntityType[], edge: Partial<EntityFeatures>, shorts: Array<Partial<EntityFeatures>>) {
  describe(name, () => {
    for (const level of AD_ENTITY_TYPES) {
      const expected = levels.includes(level);
      it(`${expected ? "fires" : "does not fire"} at the threshold for ${level}s`, () => {
        expect(types(level, edge).includes(type as never)).toBe(expected);
      });
    }
    shorts.forEach((short, i) => {
      it(`does not fire just short of it (${i + 1}: ${JSON.stringify(short)})`, () => {
        for (const level of AD_ENTITY_TYPES) expect(types(level, { ...edge, ...short })).not.toContain(type);
      });
    });
  });
}

describe("the neutral entity", () => {
  it("raises nothing at any level", () => {
    for (const level of AD_ENTITY_TYPES) expect(types(level, {})).toEqual([]);
  });
});

// Account CPL 10 throughout (the neutral features).
rule("no leads → PAUSE", "PAUSE", ["campaign", "adset", "ad"], { leads_7d: 0, cpl_7d: null, performance_vs_siblings: null, spend_7d: 10, delivery_history_days: 7 }, [
  { spend_7d: 9.99 },
  { delivery_history_days: 6 },
  { status: "paused" },
  { leads_7d: 1, cpl_7d: 10 },
]);

rule("worse than siblings → PAUSE", "PAUSE", ["adset", "ad"], { performance_vs_siblings: -0.5, spend_7d: 20, cpl_7d: 10 }, [{ performance_vs_siblings: -0.49 }, { spend_7d: 19.99 }, { performance_vs_siblings: null }]);

rule("CPL high → BUDGET_DECREASE", "BUDGET_DECREASE", ["campaign", "adset"], { cpl_7d: 15, spend_7d: 20, leads_7d: 2 }, [{ cpl_7d: 14.99 }, { spend_7d: 19.99 }, { account_cpl_7d: null }]);

rule("high frequency → CREATIVE_REFRESH", "CREATIVE_REFRESH", ["ad"], { frequency_7d: 3.5 }, [{ frequency_7d: 3.49 }]);
rule("creative fatigue → CREATIVE_REFRESH", "CREATIVE_REFRESH", ["ad"], { creative_fatigue_score: 0.5 }, [{ creative_fatigue_score: 0.49 }, { creative_fatigue_score: null }]);

rule("CPL rising, leads falling → AUDIENCE_REVIEW", "AUDIENCE_REVIEW", ["adset"], { cpl_trend: 0.2, leads_trend: -0.2 }, [{ cpl_trend: 0.19 }, { leads_trend: -0.19 }, { cpl_trend: null }]);

rule("better than siblings → CREATIVE_WINNER", "CREATIVE_WINNER", ["ad"], { performance_vs_siblings: 0.3, leads_7d: 5 }, [{ performance_vs_siblings: 0.29 }, { leads_7d: 4 }]);

rule("CPL low → SCALE_UP", "SCALE_UP", ["campaign", "adset", "ad"], { cpl_7d: 7, leads_7d: 5 }, [{ cpl_7d: 7.01 }, { leads_7d: 4 }]);

rule("budget binds → BUDGET_INCREASE", "BUDGET_INCREASE", ["campaign", "adset"], { cpl_7d: 10, spend_7d: 63, daily_budget: 10 }, [{ daily_budget: 10.01 }, { cpl_7d: 10.01 }, { daily_budget: null }, { daily_budget: 0 }]);

rule("saturating winner → AUDIENCE_EXPANSION", "AUDIENCE_EXPANSION", ["adset"], { cpl_7d: 10, frequency_7d: 3 }, [{ frequency_7d: 2.99 }, { cpl_7d: 10.01 }]);

rule("overlapping ad sets → AUDIENCE_NARROWING", "AUDIENCE_NARROWING", ["adset"], { audience_overlap_score: 0.3 }, [{ audience_overlap_score: 0.29 }, { audience_overlap_score: null }]);

rule("paused past winner → REACTIVATE", "REACTIVATE", ["campaign", "adset", "ad"], { status: "paused", spend_7d: 0, leads_7d: 0, cpl_7d: null, cpl_prior_28d: 8, leads_prior_28d: 3 }, [
  { cpl_prior_28d: 8.01 },
  { leads_prior_28d: 2 },
  { status: "active" },
  { spend_7d: 1 },
]);

rule("the only active ad → CREATIVE_TEST", "CREATIVE_TEST", ["ad"], { active_siblings: 0, delivery_history_days: 7 }, [{ delivery_history_days: 6 }, { active_siblings: 1 }]);

describe("conflicts", () => {
  it("a cut drops growth advice: PAUSE beats SCALE_UP, CREATIVE_WINNER and AUDIENCE_EXPANSION", () => {
    // Worse than siblings (−0.6, spend 20) while cheap against the account (7 ≤ 0.7 · 10, 5 leads) and saturating.
    const o: Partial<EntityFeatures> = { performance_vs_siblings: -0.6, spend_7d: 20, cpl_7d: 7, leads_7d: 5, frequency_7d: 3 };
    expect(types("adset", { ...o, audience_overlap_score: 0 })).toEqual(["PAUSE"]);
    expect(types("ad", o)).toEqual(["PAUSE"]);
    // Without the cut, the same entity gets the growth advice.
    expect(types("adset", { ...o, performance_vs_siblings: 0 })).toEqual(["AUDIENCE_EXPANSION", "SCALE_UP"]);
  });

  it("PAUSE covers BUDGET_DECREASE (both cuts: only the pause is kept)", () => {
    const dear: Partial<EntityFeatures> = { cpl_7d: 15, spend_7d: 70, leads_7d: 4, daily_budget: 10, account_cpl_7d: 10 };
    expect(types("campaign", dear)).toEqual(["BUDGET_DECREASE"]);
    expect(types("adset", { ...dear, performance_vs_siblings: -0.5 })).toEqual(["PAUSE"]);
  });

  it("two rules raising one type give one recommendation, the other named in its evidence", () => {
    const both = recommend(neutralFeatures("ad", { leads_7d: 0, cpl_7d: null, spend_7d: 30, performance_vs_siblings: -0.5, delivery_history_days: 7 }));
    expect(both).toHaveLength(1);
    expect(both[0]!.evidence).toMatchObject({ rule: "no_leads", also_fired: ["worse_than_siblings"] });
  });
});

describe("evidence", () => {
  it("carries the rule, its thresholds and the feature values it read", () => {
    const [c] = recommend(neutralFeatures("adset", { cpl_trend: 0.5, leads_trend: -0.4, cpl_7d: 12, cpl_prev_7d: 8, leads_7d: 6, leads_prev_7d: 10, spend_7d: 72 }));
    expect(c).toMatchObject({
      entityId: "E1",
      type: "AUDIENCE_REVIEW",
      priority: "medium",
      evidence: { rule: "cpl_rising_leads_falling", thresholds: { min_cpl_trend: 0.2, max_leads_trend: -0.2 }, features: { cpl_trend: 0.5, leads_trend: -0.4, cpl_7d: 12, cpl_prev_7d: 8, leads_7d: 6, leads_prev_7d: 10 } },
    });
    expect(c!.reason).toBe("CPL rose 50% (8.00 → 12.00) while leads fell 40% (10 → 6).");
  });

  it("every rule's thresholds are numbers and its levels are real levels", () => {
    for (const r of RULES) {
      expect(r.levels.length).toBeGreaterThan(0);
      for (const v of Object.values(r.thresholds)) expect(Number.isFinite(v)).toBe(true);
    }
  });
});
