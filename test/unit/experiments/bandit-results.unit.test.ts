// The bandit experiment's propensity-weighted verdict: winner only when a lift's interval excludes 0 and no ESS warning.
import { describe, expect, it } from "vitest";
import { propensityWeighted, type BanditRoundGroup } from "../../../src/experiments/bandit-results";

const e = { variants: [{ key: "a", name: "a", weight: 0.5 }, { key: "b", name: "b", weight: 0.5 }], decisionType: "cta" };
const g = (action: string, propensity: number, success: number, count: number, bucket = "all"): BanditRoundGroup => ({ bucket, action, propensity, success, count });

describe("propensityWeighted", () => {
  it("reproduces the hand computation on four rounds and withholds the winner (few rounds, small ESS)", () => {
    // One bucket, rounds (action, p, success): (a,.5,1) (a,.5,0) (b,.25,1) (b,.5,0); cell means q̂(a) = q̂(b) = 1/2.
    const r = propensityWeighted(e, [g("a", 0.5, 1, 1), g("a", 0.5, 0, 1), g("b", 0.25, 1, 1), g("b", 0.5, 0, 1)], 3, 0);
    // value(a): terms 0.5 + (1−0.5)/0.5 = 1.5, 0.5 − 0.5/0.5 = −0.5, 0.5, 0.5 → mean 0.5
    // value(b): terms 0.5, 0.5, 0.5 + 0.5/0.25 = 2.5, 0.5 − 0.5/0.5 = −0.5 → mean 0.75
    expect(r.variants.map((v) => [v.variant_id, v.chosen, v.value])).toEqual([["a", 2, 0.5], ["b", 2, 0.75]]);
    expect(r.lifts[0]!.absolute.estimate).toBeCloseTo(0.25, 12);
    expect(r.lifts[0]!.relative).toBeCloseTo(0.5, 12);
    expect(r).toMatchObject({ rounds: 4, decisions_without_outcome: 3, winner_variant_id: null });
    expect(r.recommendation).toMatch(/^Not enough evidence: the propensity weights rest on few rounds/);
  });

  it("names the better treatment when its interval excludes 0 and the weights are healthy, the control when every treatment is worse", () => {
    const better = propensityWeighted(e, [g("a", 0.5, 1, 150), g("a", 0.5, 0, 350), g("b", 0.5, 1, 300), g("b", 0.5, 0, 200)], 0, 0);
    expect(better.lifts[0]!.absolute.estimate).toBeCloseTo(0.3, 12);
    expect(better.lifts[0]!.significant).toBe(true);
    expect(better.lifts[0]!.absolute.p_value!).toBeLessThan(1e-6);
    expect(better.winner_variant_id).toBe("b");
    expect(better.recommendation).toMatch(/^Variant b is better than a .*\+30\.0 points/);

    const worse = propensityWeighted(e, [g("a", 0.5, 1, 300), g("a", 0.5, 0, 200), g("b", 0.5, 1, 150), g("b", 0.5, 0, 350)], 0, 0);
    expect(worse.winner_variant_id).toBe("a");
    expect(worse.recommendation).toMatch(/^Keep a/);

    const tie = propensityWeighted(e, [g("a", 0.5, 1, 250), g("a", 0.5, 0, 250), g("b", 0.5, 1, 255), g("b", 0.5, 0, 245)], 0, 0);
    expect(tie.winner_variant_id).toBeNull();
    expect(tie.recommendation).toMatch(/interval that excludes 0/);
  });

  it("says so when no decision has a final outcome yet, with nulls rather than NaN", () => {
    const r = propensityWeighted(e, [], 12, 0);
    expect(r).toMatchObject({ rounds: 0, decisions_without_outcome: 12, winner_variant_id: null });
    expect(r.variants[0]).toMatchObject({ value: null, ci_lower: null, ess: 0 });
    expect(r.variants[0]!.warnings[0]!.code).toBe("no_rounds");
    expect(JSON.stringify(r)).not.toContain("NaN");
  });
});
