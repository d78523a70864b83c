// Seed 004's growth-first composite reward, as the spec of an example decision type: post_timing (hours h00–h23).
import { DEFAULT_WINDOWS, type EventAggregate, type RewardResult, type RewardSpec } from "../reward-spec";

/*
 * Seed 004 (xBOT "Production-Ready Learning System", section 3, Reward Shaping):
 *   composite reward 0.5*fpki + 0.3*retweet_rate + 0.15*reply_rate + 0.05*novelty - 0.1*dup_penalty,
 *   exposure weighting min(1, 1000 / max(1, impressions)).
 * Its inputs are the metrics section 2 collects (impressions, retweets, replies, follows, ...) and section 5's
 * novelty ("1 - max cosine similarity vs 30d embeddings"); the seed names fpki and retweet_rate as derived metrics
 * but gives no formula, and never defines reply_rate or dup_penalty. The definitions used here are those of the
 * seed's own repository (jatenner/xBOT, src/jobs/analyticsCollectorJobV2.ts): fpki = 1000·follows / max(1,
 * impressions), retweet_rate = retweets / max(1, impressions), reply_rate = replies / max(1, impressions).
 * dup_penalty is read as given, expected in [0, 1] like novelty.
 *
 * The inputs are the latest values of a post_metrics event's properties, named as the seed names them: the
 * collector reports cumulative snapshots (T+1h, then T+24h), so summing them would count the first hour twice.
 * A missing property reads as 0; novelty included, so an unmeasured post earns no novelty credit (xBOT's collector
 * writes a constant 0.5 when it has not measured novelty).
 *
 * Exposure weighting multiplies the reward. The seed lists it under Reward Shaping, next to the formula, and its
 * repository multiplies ("to prevent high-reach posts from dominating"). Note what that does: the rates are already
 * per impression, so above 1000 impressions the same follow rate is worth 1000/impressions as much (a fifth at 5000).
 * The other reading, a sample weight on the statistics update, would need a weight on RewardResult that the
 * arm-statistics job honours; the interface has none, so the seed's own code decides.
 *
 * rewardRange [−0.1, 3]: the weight is in (0, 1] and only shrinks the reward toward 0, so the extremes are at
 * weight 1. The minimum is −0.1 (dup_penalty 1, nothing else). The maximum caps fpki at 5, one follower per 200
 * impressions, with the rates and novelty at 1: 0.5·5 + 0.3 + 0.15 + 0.05 = 3. Anything better saturates at a
 * normalised 1. A wider cap would squeeze typical posts (fpki around 1, raw ≈ 0.5) toward 0 on the [0, 1] scale, where
 * the fractional Beta update overstates their spread and explores for longer.
 *
 * success: a post gained at least one follower. The seed has no success rule, but its goal is "real learning toward
 * follower growth"; "reward > 0" would hold for nearly every post, since novelty alone makes the reward positive.
 * learnFrom is "reward", so success is reported, and the composite trains the policy.
 */

export const POST_METRICS_EVENT = "post_metrics";
const WEIGHTS = { fpki: 0.5, retweet_rate: 0.3, reply_rate: 0.15, novelty: 0.05, dup_penalty: -0.1 } as const;

/** Seed 004's exposure weighting: full weight up to 1000 impressions, then 1000/impressions. */
export function exposureWeight(impressions: number): number {
  return Math.min(1, 1000 / Math.max(1, impressions));
}

/** The composite's terms from a post_metrics snapshot, before weighting. */
export function growthTerms(aggregate: EventAggregate) {
  const read = (property: string) => aggregate.latest[`${POST_METRICS_EVENT}.${property}`] ?? 0;
  const impressions = read("impressions");
  const exposure = Math.max(1, impressions);
  return {
    impressions,
    follows: read("follows"),
    fpki: (1000 * read("follows")) / exposure,
    retweet_rate: read("retweets") / exposure,
    reply_rate: read("replies") / exposure,
    novelty: read("novelty"),
    dup_penalty: read("dup_penalty"),
  };
}

function computeGrowthComposite(aggregate: EventAggregate): RewardResult {
  const t = growthTerms(aggregate);
  const composite =
    WEIGHTS.fpki * t.fpki +
    WEIGHTS.retweet_rate * t.retweet_rate +
    WEIGHTS.reply_rate * t.reply_rate +
    WEIGHTS.novelty * t.novelty +
    WEIGHTS.dup_penalty * t.dup_penalty;
  // Posting has no credit cost; the duplicate penalty is a content-quality term, not a cost, so it stays inside.
  return { reward: exposureWeight(t.impressions) * composite, success: t.follows >= 1, costPenalty: 0 };
}

export const GROWTH_COMPOSITE_REWARD_SPEC: RewardSpec = {
  decisionType: "post_timing",
  windows: DEFAULT_WINDOWS,
  // No post_metrics snapshot means the collector never reached the post: no growth observed, no penalty either.
  defaultReward: { reward: 0, success: false, costPenalty: 0 },
  compute: (aggregate) => computeGrowthComposite(aggregate),
  rewardRange: [-0.1, 3],
  learnFrom: "reward",
};
