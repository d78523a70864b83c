// The shape of a reward spec: how a decision's attributed events become a reward, a success, and what it cost.

/** Everything a decision's events say, aggregated over one attribution window. Pure data, built by aggregateEvents. */
export type EventAggregate = {
  /** Events per event name. */
  counts: Record<string, number>;
  /** Sum of each numeric property per event name, keyed "event_name.property". */
  sums: Record<string, number>;
  /** The latest value (by occurred_at) of each numeric property per event name, keyed "event_name.property". */
  latest: Record<string, number>;
};

export type RewardWindow = {
  /** 1 = early look (T+1h), 2 = final (T+24h); only the final pass trains the policy (seed 004's collected_pass). */
  pass: 1 | 2;
  /** The window closes this long after the decision; events after it are not attributed to this pass. */
  afterMs: number;
};

export type RewardResult = {
  /** Raw reward in the spec's own units (before normalisation). */
  reward: number;
  success: boolean;
  /** The cost subtracted (e.g. a credit spent on an image nobody used), reported in metrics. */
  costPenalty: number;
};

export type RewardSpec = {
  decisionType: string;
  windows: readonly RewardWindow[];
  /** Reward a decision gets when its window closed with no events (Azure Personalizer's default reward). */
  defaultReward: RewardResult;
  /**
   * Optional: the default when it depends on the action, because something is known without any event (a
   * pre-generated image cost a credit whether or not anyone looked at it). Takes precedence over defaultReward.
   */
  defaultFor?(action: string): RewardResult;
  /** Pure: the reward for one decision from its aggregate and the action taken. */
  compute(aggregate: EventAggregate, action: string): RewardResult;
  /** The raw reward's range, to map it to [0, 1] for the Beta-Bernoulli statistics and UCB1. */
  rewardRange: readonly [min: number, max: number];
  /**
   * What the Beta posterior counts as a success. "success": the success rule (a Bernoulli outcome). "reward": the
   * normalised reward as a fractional success (Agrawal & Goyal's Bernoulli trick), so costs move the policy too.
   */
  learnFrom: "success" | "reward";
};

export const HOUR_MS = 3_600_000;
/** Seed 004's collected_pass: an early look at T+1h, the final one at T+24h. */
export const DEFAULT_WINDOWS: readonly RewardWindow[] = [
  { pass: 1, afterMs: HOUR_MS },
  { pass: 2, afterMs: 24 * HOUR_MS },
];
export const FINAL_PASS = 2;
