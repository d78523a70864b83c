// computeOutcome: the window, the default reward when nothing was attributed, normalisation and the learned value.
import { describe, expect, it } from "vitest";
import type { AttributedEvent } from "../../../src/learning/aggregate-events";
import { computeOutcome, computeOutcomes } from "../../../src/learning/compute-outcome";
import { DEFAULT_WINDOWS, HOUR_MS, type RewardSpec, type RewardWindow } from "../../../src/learning/reward-spec";
import { defaultRewardSpec, rewardSpecFor } from "../../../src/learning/reward-specs";

const T0 = Date.UTC(2025, 2, 10, 12);
const [EARLY, FINAL] = DEFAULT_WINDOWS as readonly [RewardWindow, RewardWindow];
const imagePregen = rewardSpecFor("image_pregen")!;
const postTiming = rewardSpecFor("post_timing")!;
const at = (event_name: string, offsetMs: number, properties: string | null = null): AttributedEvent => ({
  event_name,
  occurred_at: T0 + offsetMs,
  properties,
});

describe("computeOutcome", () => {
  it("scores image_pregen's on-demand success: raw reward, cost, counts, and (0.7 + 0.3)/1.3 learned", () => {
    const events = [at("idea_view_opened", 1000), at("image_generate_clicked", 2000), at("image_download_succeeded", 3000)];
    const outcome = computeOutcome(imagePregen, "on_demand", events, T0, FINAL);
    expect(outcome).toEqual({
      pass: 2,
      reward: 0.7,
      success: true,
      metrics: {
        counts: { idea_view_opened: 1, image_generate_clicked: 1, image_download_succeeded: 1 },
        cost_penalty: 0.2,
        normalized_reward: expect.closeTo(1 / 1.3, 12),
        event_count: 3,
        default_applied: false,
      },
      learnValue: expect.closeTo(1 / 1.3, 12),
    });
  });

  it("applies the action's default when no event was attributed: an unopened pre-generated image cost a credit", () => {
    const outcome = computeOutcome(imagePregen, "pre_generate", [], T0, FINAL);
    expect(outcome.reward).toBe(-0.2);
    expect(outcome.success).toBe(false);
    expect(outcome.metrics).toEqual({
      counts: {},
      cost_penalty: 0.2,
      normalized_reward: expect.closeTo(0.1 / 1.3, 12),
      event_count: 0,
      default_applied: true,
    });
    expect(outcome.learnValue).toBeCloseTo(0.1 / 1.3, 12);

    const onDemand = computeOutcome(imagePregen, "on_demand", [], T0, FINAL);
    expect([onDemand.reward, onDemand.metrics.cost_penalty, onDemand.metrics.default_applied]).toEqual([0, 0, true]);
    expect(onDemand.learnValue).toBeCloseTo(0.3 / 1.3, 12);
  });

  it("applies the constant defaultReward for a spec without defaultFor", () => {
    const spec: RewardSpec = {
      ...defaultRewardSpec("custom"),
      defaultReward: { reward: 0.25, success: false, costPenalty: 0.1 },
      learnFrom: "reward",
    };
    const outcome = computeOutcome(spec, "a", [], T0, FINAL);
    expect([outcome.reward, outcome.success, outcome.metrics.cost_penalty]).toEqual([0.25, false, 0.1]);
    expect(outcome.metrics.default_applied).toBe(true);
    expect(outcome.learnValue).toBe(0.25);
  });

  it("closes the window at decision time + afterMs, inclusive", () => {
    const downloadAt = (offset: number) => [at("image_download_succeeded", offset)];
    const inside = computeOutcome(imagePregen, "pre_generate", downloadAt(EARLY.afterMs), T0, EARLY);
    expect([inside.pass, inside.reward, inside.metrics.default_applied]).toEqual([1, 0.8, false]);
    // A millisecond later the early pass sees nothing, so the default applies; the final pass still counts it.
    const outside = computeOutcome(imagePregen, "pre_generate", downloadAt(EARLY.afterMs + 1), T0, EARLY);
    expect([outside.reward, outside.metrics.event_count, outside.metrics.default_applied]).toEqual([-0.2, 0, true]);
    const final = computeOutcome(imagePregen, "pre_generate", downloadAt(EARLY.afterMs + 1), T0, FINAL);
    expect([final.pass, final.reward, final.metrics.default_applied]).toEqual([2, 0.8, false]);
    const late = computeOutcome(imagePregen, "pre_generate", downloadAt(FINAL.afterMs + 1), T0, FINAL);
    expect(late.metrics.default_applied).toBe(true);
  });

  it("learns 0/1 from success for a spec that learns from success", () => {
    const spec = defaultRewardSpec("checkout_cta");
    const hit = computeOutcome(spec, "a", [at("button_click", 10)], T0, FINAL);
    expect([hit.reward, hit.success, hit.learnValue, hit.metrics.normalized_reward]).toEqual([1, true, 1, 1]);
    const miss = computeOutcome(spec, "a", [], T0, FINAL);
    expect([miss.reward, miss.success, miss.learnValue, miss.metrics.default_applied]).toEqual([0, false, 0, true]);
  });

  it("learns the normalised composite for post_timing and clamps a viral post at 1", () => {
    const metrics = (p: object) => [at("post_metrics", HOUR_MS, JSON.stringify(p))];
    const typical = computeOutcome(postTiming, "h09", metrics({ impressions: 1000, follows: 1 }), T0, FINAL);
    // fpki 1, weight 1 → 0.5; normalised (0.5 + 0.1)/3.1
    expect(typical.reward).toBeCloseTo(0.5, 12);
    expect(typical.learnValue).toBeCloseTo(0.6 / 3.1, 12);
    expect(typical.metrics.cost_penalty).toBe(0);
    // 10 follows from 1000 impressions: fpki 10 → raw 5, above the range's 3
    const viral = computeOutcome(postTiming, "h09", metrics({ impressions: 1000, follows: 10 }), T0, FINAL);
    expect(viral.reward).toBe(5);
    expect(viral.learnValue).toBe(1);
  });
});

describe("computeOutcomes", () => {
  it("gives each window what computeOutcome gives for it alone, in the windows' order", () => {
    const events = [at("image_generate_clicked", 5 * 60_000), at("image_download_succeeded", 2 * HOUR_MS, '{"bytes":100}'), at("idea_view_opened", 0)];
    for (const action of ["pre_generate", "on_demand"]) {
      const both = computeOutcomes(imagePregen, action, events, T0, [EARLY, FINAL]);
      expect(both).toEqual([computeOutcome(imagePregen, action, events, T0, EARLY), computeOutcome(imagePregen, action, events, T0, FINAL)]);
      expect(both.map((o) => o.success)).toEqual([false, true]);
      expect(computeOutcomes(imagePregen, action, events, T0, [FINAL])).toEqual([both[1]]);
    }
  });
});
