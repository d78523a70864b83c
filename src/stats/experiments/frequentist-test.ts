// The frequentist comparison of two arms, fixed-horizon or sequential, with gbstats' guards and default output.
import type { ArmStatistics } from "./arm-data";
import { effectEstimate } from "./effect";
import { sequentialTest } from "./sequential-test";
import {
  DEFAULT_ALPHA,
  DEFAULT_SEQUENTIAL_TUNING_PARAMETER,
  type TestConfig,
  type TestErrorMessage,
  type TestResult,
} from "./test-config";
import { welchTest } from "./welch-test";

/**
 * gbstats TTest.compute_result. The guards come first and in its order: a control mean of exactly 0 (adjusted or
 * not; checked for absolute differences too, as gbstats does), then a variance ≤ 0 in either arm.
 */
export function frequentistTest(a: ArmStatistics, b: ArmStatistics, config: TestConfig): TestResult {
  if (a.mean === 0 || a.unadjustedMean === 0) return defaultOutput("ZERO_NEGATIVE_BASELINE_VARIATION");
  if (a.variance <= 0 || b.variance <= 0) return defaultOutput("ZERO_NEGATIVE_VARIANCE");
  const alpha = config.alpha ?? DEFAULT_ALPHA;
  const effect = effectEstimate(a, b, config.difference_type === "relative");
  const { ci, p_value } = config.sequential
    ? sequentialTest(a.n + b.n, effect, alpha, config.sequential_tuning_parameter ?? DEFAULT_SEQUENTIAL_TUNING_PARAMETER)
    : welchTest(a, b, effect, alpha);
  return {
    expected: effect.estimate,
    ci,
    p_value,
    uplift: { dist: "normal", mean: effect.estimate, stddev: Math.sqrt(effect.variance) },
    error_message: null,
  };
}

function defaultOutput(error: TestErrorMessage): TestResult {
  return { expected: 0, ci: [0, 0], p_value: 1, uplift: { dist: "normal", mean: 0, stddev: 0 }, error_message: error };
}
