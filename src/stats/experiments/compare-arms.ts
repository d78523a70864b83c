// A treatment against the control: the chosen engine (fixed-horizon, sequential or Bayesian) on their statistics.
import type { ArmData, ArmStatistics } from "./arm-data";
import { bayesianTest } from "./bayesian-test";
import { frequentistTest } from "./frequentist-test";
import { pairStatistics } from "./pair-statistics";
import type { TestConfig, TestResult } from "./test-config";

/** gbstats 0.8.0's TwoSidedTTest, SequentialTwoSidedTTest or EffectBayesianABTest(...).compute_result(). */
export function compareArms(control: ArmData, treatment: ArmData, config: TestConfig): TestResult {
  assertConfig(config);
  const [a, b] = pairStatistics(control, treatment, config.engine);
  return compareStatistics(a, b, config);
}

/** The same on statistics already paired (analyse-metric reuses them for its per-arm summaries). */
export function compareStatistics(a: ArmStatistics, b: ArmStatistics, config: TestConfig): TestResult {
  return config.engine === "bayesian" ? bayesianTest(a, b, config) : frequentistTest(a, b, config);
}

/** Values gbstats would accept but that give no meaningful test. */
export function assertConfig(config: TestConfig): void {
  const { alpha, sequential_tuning_parameter: tuning, prior_effect: prior } = config;
  if (alpha !== undefined && !(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (tuning !== undefined && !(tuning > 0 && Number.isFinite(tuning))) {
    throw new RangeError(`sequential_tuning_parameter must be a finite number > 0, got ${tuning}`);
  }
  if (prior?.proper && !(prior.variance > 0 && Number.isFinite(prior.variance))) {
    throw new RangeError(`a proper prior needs a finite variance > 0, got ${prior.variance}`);
  }
}
