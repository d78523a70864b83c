// The shapes of a two-arm comparison's configuration and result (gbstats' test configs and TestResult classes).

/** A Gaussian prior on the effect; an improper one (proper: false) leaves the data's estimate as it is. */
export interface GaussianPrior {
  mean: number;
  variance: number;
  proper: boolean;
}

export type DifferenceType = "relative" | "absolute";

/** gbstats' FrequentistConfig / SequentialConfig / EffectBayesianConfig in one; omitted fields take gbstats' defaults. */
export interface TestConfig {
  engine: "frequentist" | "bayesian";
  /** "relative": effects are fractions of the control's (unadjusted) mean, 0.3 = +30 %; "absolute": metric units. */
  difference_type: DifferenceType;
  /** Two-sided level; 0.05 by default. */
  alpha?: number;
  /** Frequentist only: an always-valid confidence sequence instead of the fixed-horizon test. */
  sequential?: boolean;
  /** Frequentist sequential only: the sample size the sequence is tuned to be tightest at; 5000 by default. */
  sequential_tuning_parameter?: number;
  /** Bayesian only: lower is better, so chance to win and risk are turned round. */
  inverse?: boolean;
  /** Bayesian only: { mean: 0, variance: 1, proper: false } by default. */
  prior_effect?: GaussianPrior;
  /** Bayesian only: the scale the prior is stated on; rescaled by the control mean when it differs. "relative" by default. */
  prior_type?: DifferenceType;
}

export type TestErrorMessage = "ZERO_NEGATIVE_BASELINE_VARIATION" | "ZERO_NEGATIVE_VARIANCE" | "NO_UNITS_IN_VARIATION";

export interface TestResult {
  expected: number;
  ci: [number, number];
  /** Frequentist only. */
  p_value?: number;
  /** Bayesian only: P(treatment better than control). */
  chance_to_win?: number;
  /** Bayesian only: [expected loss of keeping the control, expected loss of shipping the treatment]. */
  risk?: [number, number];
  risk_type?: DifferenceType;
  uplift: { dist: "normal"; mean: number; stddev: number };
  /** Why the default (uninformative) result was returned, or null. */
  error_message: TestErrorMessage | null;
}

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_SEQUENTIAL_TUNING_PARAMETER = 5000;
export const DEFAULT_PRIOR: GaussianPrior = { mean: 0, variance: 1, proper: false };
