// The reward-spec registry and the generic spec for decision types without one.
import { describe, expect, it } from "vitest";
import { aggregateEvents } from "../../../../src/learning/aggregate-events";
import { DEFAULT_WINDOWS } from "../../../../src/learning/reward-spec";
import { defaultRewardSpec, rewardSpecFor } from "../../../../src/learning/reward-specs";

describe("rewardSpecFor", () => {
  it("knows image_pregen and post_timing", () => {
    expect(rewardSpecFor("image_pregen")?.decisionType).toBe("image_pregen");
    expect(rewardSpecFor("post_timing")?.decisionType).toBe("post_timing");
  });

  it("has nothing for other types, including names of Object.prototype", () => {
    expect(rewardSpecFor("checkout_cta")).toBeUndefined();
    expect(rewardSpecFor("constructor")).toBeUndefined();
    expect(rewardSpecFor("toString")).toBeUndefined();
  });
});

describe("defaultRewardSpec", () => {
  const spec = defaultRewardSpec("checkout_cta");
  const aggregateOf = (names: string[]) =>
    aggregateEvents(names.map((event_name, i) => ({ event_name, occurred_at: i, properties: null })), 1e9);

  it("is a 0/1 spec on success with the default windows", () => {
    expect(spec.decisionType).toBe("checkout_cta");
    expect(spec.windows).toBe(DEFAULT_WINDOWS);
    expect(spec.rewardRange).toEqual([0, 1]);
    expect(spec.learnFrom).toBe("success");
    expect(spec.defaultReward).toEqual({ reward: 0, success: false, costPenalty: 0 });
  });

  it("counts any attributed event as a success, whatever its name and the action", () => {
    expect(spec.compute(aggregateOf(["button_click"]), "a")).toEqual({ reward: 1, success: true, costPenalty: 0 });
    expect(spec.compute(aggregateOf(["error_occurred", "page_view"]), "b")).toEqual({
      reward: 1,
      success: true,
      costPenalty: 0,
    });
    expect(spec.compute(aggregateOf([]), "a")).toEqual({ reward: 0, success: false, costPenalty: 0 });
  });
});
