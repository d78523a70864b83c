// The experiment statistics core's public API: gbstats 0.8.0's two-arm tests, SRM and the many-arm analysis, as pure functions.
export type {
  ArmData,
  ArmStatistics,
  BaseArmData,
  MeanData,
  ProportionData,
  RatioData,
  RegressionAdjustedData,
} from "./arm-data";
export { armStatistics } from "./arm-data";
export type { DifferenceType, GaussianPrior, TestConfig, TestErrorMessage, TestResult } from "./test-config";
export { compareArms } from "./compare-arms";
export { srmPValue } from "./srm";
export type { ArmSummary, MetricAnalysis, VariationResult } from "./analyse-metric";
export { analyseMetric } from "./analyse-metric";
export type { ChiSquareResult } from "./pooled-chi-square";
export { pooledChiSquare, pooledZTest } from "./pooled-chi-square";
