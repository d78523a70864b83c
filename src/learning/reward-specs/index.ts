// The reward-spec registry: the spec for a decision type, and the generic one for types that have none.
import { DEFAULT_WINDOWS, type RewardSpec } from "../reward-spec";
import { GROWTH_COMPOSITE_REWARD_SPEC } from "./growth-composite";
import { IMAGE_PREGEN_REWARD_SPEC } from "./image-pregen";

const REWARD_SPECS: ReadonlyMap<string, RewardSpec> = new Map(
  [IMAGE_PREGEN_REWARD_SPEC, GROWTH_COMPOSITE_REWARD_SPEC].map((spec) => [spec.decisionType, spec]),
);

/** The spec written for this decision type, if any. A Map, so a type named "constructor" finds nothing. */
export function rewardSpecFor(decisionType: string): RewardSpec | undefined {
  return REWARD_SPECS.get(decisionType);
}

/**
 * For a project's own decision types, whose events edgeloop cannot interpret: any attributed event is a success.
 * It learns from success because a 0/1 reward carries nothing more; the user's engagement is the only signal.
 */
export function defaultRewardSpec(decisionType: string): RewardSpec {
  return {
    decisionType,
    windows: DEFAULT_WINDOWS,
    defaultReward: { reward: 0, success: false, costPenalty: 0 },
    compute(aggregate) {
      const success = Object.values(aggregate.counts).some((n) => n > 0);
      return { reward: success ? 1 : 0, success, costPenalty: 0 };
    },
    rewardRange: [0, 1],
    learnFrom: "success",
  };
}

export { GROWTH_COMPOSITE_REWARD_SPEC, IMAGE_PREGEN_REWARD_SPEC };
