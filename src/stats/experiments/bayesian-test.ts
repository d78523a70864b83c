// The Bayesian comparison of two arms: a Gaussian model of the effect (gbstats EffectBayesianABTest, formulas §6).
import type { ArmStatistics } from "./arm-data";
import { effectEstimate } from "./effect";
import { normalCdf, normalPdf, normalQuantile } from "./normal-distribution";
import {
  DEFAULT_ALPHA,
  DEFAULT_PRIOR,
  type GaussianPrior,
  type TestConfig,
  type TestErrorMessage,
  type TestResult,
} from "./test-config";

/**
 * Posterior N(μ, σ²) of the effect from the data's estimate and a Gaussian prior (with the improper default the
 * posterior is the data's estimate itself), then chance to win P(effect > 0), the α credible interval from normal
 * quantiles, and the expected losses. Guards in gbstats' order: a zero control mean (relative only), an empty arm,
 * a variance ≤ 0.
 */
export function bayesianTest(a: ArmStatistics, b: ArmStatistics, config: TestConfig): TestResult {
  const relative = config.difference_type === "relative";
  const riskType = relative ? "relative" : "absolute";
  if (relative && (a.mean === 0 || a.unadjustedMean === 0)) return defaultOutput("ZERO_NEGATIVE_BASELINE_VARIATION", riskType);
  if (a.n === 0 || b.n === 0) return defaultOutput("NO_UNITS_IN_VARIATION", riskType);
  if (a.variance <= 0 || b.variance <= 0) return defaultOutput("ZERO_NEGATIVE_VARIANCE", riskType);

  const alpha = config.alpha ?? DEFAULT_ALPHA;
  const inverse = config.inverse ?? false;
  const prior = effectivePrior(config, a.unadjustedMean);
  const data = effectEstimate(a, b, relative);
  const precision = 1 / data.variance + (prior.proper ? 1 / prior.variance : 0);
  const mean = prior.proper ? (data.estimate / data.variance + prior.mean / prior.variance) / precision : data.estimate;
  const sd = Math.sqrt(1 / precision);

  const probPositive = normalCdf(mean / sd);
  const [riskControl, riskTreatment] = expectedLosses(mean, sd);
  return {
    expected: mean,
    ci: [mean + sd * normalQuantile(alpha / 2), mean + sd * normalQuantile(1 - alpha / 2)],
    chance_to_win: inverse ? normalCdf(-mean / sd) : probPositive,
    risk: inverse ? [riskTreatment, riskControl] : [riskControl, riskTreatment],
    risk_type: riskType,
    uplift: { dist: "normal", mean, stddev: sd },
    error_message: null,
  };
}

/**
 * The prior on the scale of the difference type: a relative prior for an absolute difference is multiplied by the
 * control's unadjusted mean (its variance by the square), and the other way round divided.
 */
function effectivePrior(config: TestConfig, controlMean: number): GaussianPrior {
  const prior = config.prior_effect ?? DEFAULT_PRIOR;
  const priorType = config.prior_type ?? "relative";
  if (config.difference_type === priorType) return prior;
  // gbstats divides by zero here (a ZeroDivisionError, or a zero prior variance); a relative prior says nothing about
  // an absolute effect on a zero baseline, so it is dropped instead.
  if (controlMean === 0) return { ...prior, proper: false };
  const scale = priorType === "relative" ? Math.abs(controlMean) : 1 / Math.abs(controlMean);
  return { mean: prior.mean * scale, variance: prior.variance * scale * scale, proper: prior.proper };
}

/**
 * For X ~ N(μ, σ²): [E max(X, 0), E max(−X, 0)] = [μΦ(μ/σ) + σφ(μ/σ), −μΦ(−μ/σ) + σφ(μ/σ)], the loss of keeping the
 * control and of shipping the treatment (gbstats writes them as P·E[X | X ≷ 0] with scipy's truncnorm; same values).
 */
function expectedLosses(mu: number, sigma: number): [number, number] {
  const z = mu / sigma;
  const density = sigma * normalPdf(z);
  return [mu * normalCdf(z) + density, -mu * normalCdf(-z) + density];
}

function defaultOutput(error: TestErrorMessage, riskType: "relative" | "absolute"): TestResult {
  return {
    expected: 0,
    ci: [0, 0],
    chance_to_win: 0.5,
    risk: [0, 0],
    risk_type: riskType,
    uplift: { dist: "normal", mean: 0, stddev: 0 },
    error_message: error,
  };
}
