// computeOutcome: one decision's events over one attribution window, through its reward spec, to a decision outcome.
import { aggregateEventsPerWindow, type AttributedEvent } from "./aggregate-events";
import { normalizeReward } from "./normalize-reward";
import type { EventAggregate, RewardSpec, RewardWindow } from "./reward-spec";

export type OutcomeMetrics = {
  /** Events per name inside the window: seed 000's "contagens por evento". */
  counts: Record<string, number>;
  /** Seed 000's "penalidade de custo", in the spec's raw units. */
  cost_penalty: number;
  normalized_reward: number;
  event_count: number;
  /** True when no event fell in the window and the spec's default reward stood in. */
  default_applied: boolean;
};

export type ComputedOutcome = {
  pass: RewardWindow["pass"];
  /** Raw reward in the spec's units. */
  reward: number;
  success: boolean;
  metrics: OutcomeMetrics;
  /** What the Beta statistics add as a success for this outcome (the rest of one trial is the failure), in [0, 1]. */
  learnValue: number;
};

/**
 * Pure: the job fetches the decision's attributed events and writes the result. The window closes at
 * decisionCreatedAt + window.afterMs, inclusive. Whether a pass trains the policy is the job's call (only the final
 * one does); the outcome is computed the same way for every pass.
 */
export function computeOutcome(
  spec: RewardSpec,
  action: string,
  events: readonly AttributedEvent[],
  decisionCreatedAt: number,
  window: RewardWindow,
): ComputedOutcome {
  return computeOutcomes(spec, action, events, decisionCreatedAt, [window])[0]!;
}

/** computeOutcome for several windows of one decision, its events aggregated in one pass. */
export function computeOutcomes(
  spec: RewardSpec,
  action: string,
  events: readonly AttributedEvent[],
  decisionCreatedAt: number,
  windows: readonly RewardWindow[],
): ComputedOutcome[] {
  const aggregates = aggregateEventsPerWindow(events, windows.map((w) => decisionCreatedAt + w.afterMs));
  return windows.map((window, i) => outcomeOf(spec, action, aggregates[i]!, window));
}

function outcomeOf(spec: RewardSpec, action: string, aggregate: EventAggregate, window: RewardWindow): ComputedOutcome {
  const eventCount = Object.values(aggregate.counts).reduce((total, n) => total + n, 0);
  const defaultApplied = eventCount === 0;
  const result = defaultApplied ? (spec.defaultFor?.(action) ?? spec.defaultReward) : spec.compute(aggregate, action);
  const normalized = normalizeReward(result.reward, spec.rewardRange);
  return {
    pass: window.pass,
    reward: result.reward,
    success: result.success,
    metrics: {
      counts: aggregate.counts,
      cost_penalty: result.costPenalty,
      normalized_reward: normalized,
      event_count: eventCount,
      default_applied: defaultApplied,
    },
    learnValue: spec.learnFrom === "reward" ? normalized : result.success ? 1 : 0,
  };
}
