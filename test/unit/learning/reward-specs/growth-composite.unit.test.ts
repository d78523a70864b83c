// Seed 004's composite reward for post_timing: a worked example, the exposure weight's boundaries, and the range.
import { describe, expect, it } from "vitest";
import { aggregateEvents } from "../../../../src/learning/aggregate-events";
import { normalizeReward } from "../../../../src/learning/normalize-reward";
import { DEFAULT_WINDOWS } from "../../../../src/learning/reward-spec";
import {
  exposureWeight,
  GROWTH_COMPOSITE_REWARD_SPEC as spec,
  growthTerms,
} from "../../../../src/learning/reward-specs/growth-composite";

type Snapshot = Partial<Record<"impressions" | "follows" | "retweets" | "replies" | "novelty" | "dup_penalty", number>>;
const aggregateOf = (...snapshots: Snapshot[]) =>
  aggregateEvents(
    snapshots.map((s, i) => ({ event_name: "post_metrics", occurred_at: i, properties: JSON.stringify(s) })),
    1e9,
  );
const rewardOf = (...snapshots: Snapshot[]) => spec.compute(aggregateOf(...snapshots), "h09");

describe("post_timing growth composite (seed 004)", () => {
  it("is an example decision type with the default windows, learning from the reward", () => {
    expect(spec.decisionType).toBe("post_timing");
    expect(spec.windows).toBe(DEFAULT_WINDOWS);
    expect(spec.learnFrom).toBe("reward");
    expect(spec.rewardRange).toEqual([-0.1, 3]);
  });

  it("computes the worked example by hand", () => {
    // impressions 2000, follows 6, retweets 40, replies 10, novelty 0.5, dup_penalty 0:
    //   fpki = 1000·6/2000 = 3, retweet_rate = 40/2000 = 0.02, reply_rate = 10/2000 = 0.005
    //   composite = 0.5·3 + 0.3·0.02 + 0.15·0.005 + 0.05·0.5 − 0.1·0 = 1.5 + 0.006 + 0.00075 + 0.025 = 1.53175
    //   exposure weight = min(1, 1000/2000) = 0.5 → reward = 0.765875
    //   normalised on [−0.1, 3]: (0.765875 + 0.1)/3.1 = 0.279314516…
    const snapshot = { impressions: 2000, follows: 6, retweets: 40, replies: 10, novelty: 0.5, dup_penalty: 0 };
    const terms = growthTerms(aggregateOf(snapshot));
    expect(terms.fpki).toBe(3);
    expect(terms.retweet_rate).toBe(0.02);
    expect(terms.reply_rate).toBe(0.005);
    const result = rewardOf(snapshot);
    expect(result.reward).toBeCloseTo(0.765875, 12);
    expect(result.success).toBe(true);
    expect(result.costPenalty).toBe(0);
    expect(normalizeReward(result.reward, spec.rewardRange)).toBeCloseTo(0.27931451612903, 12);
  });

  it("subtracts the duplicate penalty inside the weighted composite", () => {
    // impressions 500 (weight 1), follows 1 → fpki 2; novelty 0, dup_penalty 1: 0.5·2 − 0.1 = 0.9
    expect(rewardOf({ impressions: 500, follows: 1, dup_penalty: 1 }).reward).toBeCloseTo(0.9, 12);
  });

  it.each([
    [0, 1],
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 1000 / 1001],
    [2000, 0.5],
    [5000, 0.2],
  ])("weights exposure: impressions %s → %s", (impressions, weight) => {
    expect(exposureWeight(impressions)).toBeCloseTo(weight, 15);
  });

  it.each([
    // impressions, follows: fpki = 1000·follows/max(1, impressions); reward = weight · 0.5·fpki
    [0, 0, 0], // nothing seen: rates are 0/1, weight 1
    [1, 1, 500], // one impression, one follow: fpki 1000, weight 1 (saturates once normalised)
    [1000, 2, 1], // fpki 2, weight 1 → 1
    [5000, 10, 0.2], // fpki 2, weight 0.2 → 0.2: the same follow rate, a fifth of the reward
  ])("applies the weight to the reward: impressions %s, follows %s → %s", (impressions, follows, reward) => {
    expect(rewardOf({ impressions, follows }).reward).toBeCloseTo(reward, 12);
  });

  it("reads the latest snapshot, not the sum of the T+1h and T+24h ones", () => {
    const early = { impressions: 400, follows: 1, retweets: 4 };
    const final = { impressions: 1000, follows: 3, retweets: 10 };
    // fpki 3, retweet_rate 0.01, weight 1: 1.5 + 0.003 = 1.503
    expect(rewardOf(early, final).reward).toBeCloseTo(1.503, 12);
  });

  it("reads a missing property as 0 and ignores other events' properties", () => {
    const aggregate = aggregateEvents(
      [
        { event_name: "page_view", occurred_at: 0, properties: '{"follows": 50, "impressions": 1}' },
        { event_name: "post_metrics", occurred_at: 1, properties: '{"novelty": 0.8}' },
      ],
      1e9,
    );
    expect(spec.compute(aggregate, "h00")).toEqual({ reward: 0.05 * 0.8, success: false, costPenalty: 0 });
  });

  it("counts a post as a success when it gained a follower, not merely when the reward is positive", () => {
    expect(rewardOf({ impressions: 800, novelty: 1 }).success).toBe(false);
    expect(rewardOf({ impressions: 800, novelty: 1 }).reward).toBeGreaterThan(0);
    expect(rewardOf({ impressions: 800, follows: 1 }).success).toBe(true);
  });

  it("stays in its range over a grid of plausible posts and reaches both ends", () => {
    let min = Infinity;
    let max = -Infinity;
    for (const impressions of [0, 1, 200, 999, 1000, 1001, 2000, 5000, 100_000])
      for (const fpkiTarget of [0, 0.5, 2, 5]) // follows chosen so that fpki ≤ 5 (the range's cap)
        for (const rate of [0, 0.01, 1])
          for (const novelty of [0, 0.5, 1])
            for (const dup_penalty of [0, 0.5, 1]) {
              const exposure = Math.max(1, impressions);
              const follows = (fpkiTarget * exposure) / 1000;
              const counts = rate * exposure;
              const { reward } = rewardOf({ impressions, follows, retweets: counts, replies: counts, novelty, dup_penalty });
              min = Math.min(min, reward);
              max = Math.max(max, reward);
            }
    expect(min).toBeCloseTo(spec.rewardRange[0], 12);
    expect(max).toBeCloseTo(spec.rewardRange[1], 12);
  });

  it("defaults to nothing observed", () => {
    expect(spec.defaultReward).toEqual({ reward: 0, success: false, costPenalty: 0 });
    expect(spec.defaultFor).toBeUndefined();
  });
});
