// One metric over all arms: each treatment against the control, per-arm summaries and SRM (gbstats analyze_metric_df, formulas §8).
import { armStddev, type ArmData, type ArmStatistics } from "./arm-data";
import { assertConfig, compareStatistics } from "./compare-arms";
import { pairStatistics } from "./pair-statistics";
import { srmPValue } from "./srm";
import type { TestConfig, TestResult } from "./test-config";

/** An arm as gbstats' results list it (BaselineResponse); field names are gbstats' own. */
export interface ArmSummary {
  /** The unadjusted mean (conversion rate for proportions). */
  cr: number;
  /** The numerator's sum (conversions, revenue, the post-period sum for CUPED). */
  value: number;
  users: number;
  /** The denominator's sum for ratio metrics, 0 otherwise. */
  denominator: number;
  stats: { users: number; count: number; stddev: number; mean: number };
}

/** A treatment arm: its summary and its test against the control (Frequentist/BayesianVariationResponse). */
export interface VariationResult extends ArmSummary {
  expected: number;
  uplift: TestResult["uplift"];
  ci: [number, number];
  errorMessage: TestResult["error_message"];
  pValue?: number;
  chanceToWin?: number;
  risk?: [number, number];
  riskType?: "relative" | "absolute";
}

export interface MetricAnalysis {
  srm_p_value: number;
  /** The control first, then each treatment in the order given. */
  variations: [ArmSummary, ...VariationResult[]];
}

/**
 * arms[0] is the control. Each other arm is tested pairwise against it with the same engine; 0.8.0 makes no
 * multiple-comparison correction, and neither does this. SRM uses every arm's units against `weights`.
 */
export function analyseMetric(arms: readonly ArmData[], config: TestConfig, weights: readonly number[]): MetricAnalysis {
  if (arms.length < 2) throw new RangeError("analyseMetric needs the control and at least one treatment");
  if (weights.length !== arms.length) {
    throw new RangeError(`analyseMetric needs one weight per arm, got ${arms.length} arms and ${weights.length} weights`);
  }
  assertConfig(config);
  const control = arms[0]!;
  let controlStats: ArmStatistics | undefined;
  const treatments: VariationResult[] = [];
  for (const arm of arms.slice(1)) {
    const [a, b] = pairStatistics(control, arm, config.engine);
    // The control's summary is the one seen by the last test, as in gbstats (with CUPED its stddev depends on the pair's θ).
    controlStats = a;
    const result = compareStatistics(a, b, config);
    const variation: VariationResult = {
      ...summarise(arm, b),
      expected: reportedExpected(result, a, b),
      uplift: result.uplift,
      ci: result.ci,
      errorMessage: result.error_message,
    };
    if (result.p_value !== undefined) variation.pValue = result.p_value;
    if (result.chance_to_win !== undefined) variation.chanceToWin = result.chance_to_win;
    if (result.risk !== undefined) variation.risk = result.risk;
    if (result.risk_type !== undefined) variation.riskType = result.risk_type;
    treatments.push(variation);
  }
  return {
    srm_p_value: srmPValue(
      arms.map((arm) => arm.n),
      weights,
    ),
    variations: [summarise(control, controlStats!), ...treatments],
  };
}

/**
 * gbstats' pipeline, not its tests: a control mean ≤ 0 reports 0, and a default result (expected exactly 0) reports
 * the raw relative difference (μ_B − μ_A)/μ_A^u instead, whatever the difference type.
 */
function reportedExpected(result: TestResult, a: ArmStatistics, b: ArmStatistics): number {
  if (a.unadjustedMean <= 0) return 0;
  if (result.expected === 0) return (b.mean - a.mean) / a.unadjustedMean;
  return result.expected;
}

function summarise(arm: ArmData, stats: ArmStatistics): ArmSummary {
  const main = arm.type === "ratio" ? arm.m : arm.type === "regression_adjusted" ? arm.post : arm;
  return {
    cr: stats.unadjustedMean,
    value: main.sum,
    users: arm.n,
    denominator: arm.type === "ratio" ? arm.d.sum : 0,
    stats: { users: arm.n, count: main.n, stddev: armStddev(stats), mean: stats.unadjustedMean },
  };
}
