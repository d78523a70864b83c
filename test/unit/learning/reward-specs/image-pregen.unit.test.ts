// Seed 000's image_pregen reward: every action × event case with exact numbers, and the range recomputed exhaustively.
import { describe, expect, it } from "vitest";
import { aggregateEvents } from "../../../../src/learning/aggregate-events";
import { IMAGE_PREGEN_REWARD_SPEC as spec } from "../../../../src/learning/reward-specs/image-pregen";
import { DEFAULT_WINDOWS } from "../../../../src/learning/reward-spec";

const aggregateOf = (names: string[]) =>
  aggregateEvents(names.map((event_name, i) => ({ event_name, occurred_at: i, properties: null })), 1e9);

const GEN = "image_generate_clicked";
const DL = "image_download_succeeded";
const FAIL = "image_download_failed";
const VIEW = "idea_view_opened";

describe("image_pregen reward spec", () => {
  it("is seed 000's decision type, with the default windows, learning from the reward", () => {
    expect(spec.decisionType).toBe("image_pregen");
    expect(spec.windows).toBe(DEFAULT_WINDOWS);
    expect(spec.learnFrom).toBe("reward");
    expect(spec.rewardRange).toEqual([-0.3, 1]);
  });

  // reward = 1[download] − 0.2·1[pre_generate or generate clicked] − 0.1·1[on_demand and generate clicked]
  it.each([
    // action, events, reward, success, costPenalty
    ["pre_generate", [], -0.2, false, 0.2], // the unused pre-generated image: the waste the seed targets
    ["pre_generate", [VIEW], -0.2, false, 0.2],
    ["pre_generate", [VIEW, FAIL], -0.2, false, 0.2],
    ["pre_generate", [VIEW, DL], 0.8, true, 0.2], // the image was ready when wanted
    ["pre_generate", [VIEW, DL, DL], 0.8, true, 0.2], // a second download adds nothing
    ["pre_generate", [VIEW, GEN], -0.2, false, 0.2], // generated again: still one credit, and nobody waited
    ["pre_generate", [VIEW, GEN, DL], 0.8, true, 0.2],
    ["pre_generate", [VIEW, GEN, GEN, DL], 0.8, true, 0.2],
    ["on_demand", [], 0, false, 0], // nothing spent, nothing lost
    ["on_demand", [VIEW], 0, false, 0],
    ["on_demand", [VIEW, FAIL], 0, false, 0],
    ["on_demand", [VIEW, DL], 1, true, 0], // a download without generating (never expected, best case)
    ["on_demand", [VIEW, GEN], -0.3, false, 0.2], // the worst case: credit spent, user waited, no download
    ["on_demand", [VIEW, GEN, FAIL], -0.3, false, 0.2],
    ["on_demand", [VIEW, GEN, DL], 0.7, true, 0.2], // the on-demand success: one credit, one wait
    ["on_demand", [VIEW, GEN, GEN, DL, DL], 0.7, true, 0.2],
  ] as const)("%s with %j → reward %s, success %s, cost %s", (action, events, reward, success, costPenalty) => {
    expect(spec.compute(aggregateOf([...events]), action)).toEqual({ reward, success, costPenalty });
  });

  it("charges no credit and no wait for an action it does not know, unless an image was generated", () => {
    expect(spec.compute(aggregateOf([DL]), "legacy")).toEqual({ reward: 1, success: true, costPenalty: 0 });
    expect(spec.compute(aggregateOf([GEN]), "legacy")).toEqual({ reward: -0.2, success: false, costPenalty: 0.2 });
  });

  it("has the range its cases span: every subset of seed 000's events under every action", () => {
    // Seed 000's "Lista de eventos mínimos (UI)", verbatim.
    const seed000 = [
      "idea_view_opened",
      "idea_copy_clicked",
      "idea_regenerate_clicked",
      "image_generate_clicked",
      "image_regenerate_clicked",
      "image_download_clicked",
      "image_download_succeeded",
      "image_download_failed",
      "post_save_clicked",
    ];
    let min = Infinity;
    let max = -Infinity;
    for (const action of ["pre_generate", "on_demand", "other"]) {
      for (let mask = 0; mask < 1 << seed000.length; mask++) {
        const names = seed000.filter((_, i) => mask & (1 << i));
        const { reward } = spec.compute(aggregateOf(names), action);
        min = Math.min(min, reward);
        max = Math.max(max, reward);
      }
    }
    expect([min, max]).toEqual([...spec.rewardRange]);
  });

  it("defaults by action: an unopened pre-generated image still cost its credit", () => {
    expect(spec.defaultFor?.("pre_generate")).toEqual({ reward: -0.2, success: false, costPenalty: 0.2 });
    expect(spec.defaultFor?.("on_demand")).toEqual({ reward: 0, success: false, costPenalty: 0 });
    expect(spec.defaultReward).toEqual({ reward: 0, success: false, costPenalty: 0 });
  });

  it("makes pre-generating pay off only above a 2/3 download share (the weights' break-even)", () => {
    const expected = (action: string, q: number) =>
      q * spec.compute(aggregateOf(action === "on_demand" ? [GEN, DL] : [DL]), action).reward +
      (1 - q) * spec.compute(aggregateOf([]), action).reward;
    expect(expected("pre_generate", 2 / 3)).toBeCloseTo(expected("on_demand", 2 / 3), 12);
    expect(expected("pre_generate", 0.6)).toBeLessThan(expected("on_demand", 0.6));
    expect(expected("pre_generate", 0.75)).toBeGreaterThan(expected("on_demand", 0.75));
  });
});
