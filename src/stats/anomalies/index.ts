// Anomaly detection over regularly-sampled series (pure): a seasonal median baseline and a robust z-score.
export { DEFAULT_DETECTOR, SEVERITIES, detectAt, detectSeries, severityOf, type DetectorConfig, type Severity, type Verdict } from "./detector";
export { MAD_TO_SIGMA, mad, median } from "./robust";
export { firstKnown, seasonalBaseline, type Baseline, type BaselineOptions, type Series } from "./seasonal-baseline";
