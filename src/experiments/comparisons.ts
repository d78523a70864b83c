// Each treatment against the control, and the verdict: a winner only when significant and free of sample ratio mismatch.
import { z } from "zod";
import { compareArms, srmPValue, type ArmData, type BaseArmData, type TestResult } from "../stats/experiments";
import type { Experiment, Metric } from "./experiment-config";
import type { VariantTotals } from "./results";

const interval = z.object({ estimate: z.number(), ci_lower: z.number(), ci_upper: z.number(), p_value: z.number().describe("Two-sided, frequentist") });
export const comparisonSchema = z.object({
  variant_id: z.string(),
  absolute_lift: interval.describe("Treatment mean − control mean, with its 95% interval (Welch's t-test: for conversions, the unpooled two-proportion test)"),
  relative_lift: interval.describe("(Treatment − control) / control, with its 95% interval (delta method)"),
  p_value: z.number().describe("The absolute difference's two-sided p-value"),
  sequential: z.boolean().describe("Intervals and p-value are always-valid (they stay valid however often one looks)"),
  chance_to_beat_control: z.number().describe("Bayesian: P(treatment better than control)"),
  expected_loss: z.number().describe("Bayesian: the relative loss expected from shipping this treatment if it is in fact worse"),
  significant: z.boolean().describe("Both the absolute and the relative test reject no difference at 0.05"),
  error: z.string().nullable().describe("Why the statistics are uninformative (e.g. no units), or null"),
});
export const srmSchema = z.object({
  p_value: z.number(),
  flagged: z.boolean().describe("p < 0.001: the split of units does not match the weights; no winner is called"),
  expected_weights: z.array(z.number()),
});

export type Verdict = {
  computed: boolean;
  winner: string | null;
  pValue: number | null;
  recommendation: string;
  srm: z.infer<typeof srmSchema> | null;
  comparisons: Array<z.infer<typeof comparisonSchema>>;
};

const ALPHA = 0.05;
/** GrowthBook's SRM threshold: below it the split of units is called broken. */
export const SRM_THRESHOLD = 0.001;

const base = (type: "proportion" | "mean", n: number, sum: number, sumSquares: number | null): BaseArmData =>
  type === "proportion" ? { type, n, sum } : { type, n, sum, sum_squares: sumSquares ?? 0 };

/** A variant's sums as the statistics core's arm data: proportion, mean, ratio, or regression-adjusted (CUPED). */
export function armData(metric: Metric, t: VariantTotals): ArmData {
  if (metric.type === "ratio") {
    return {
      type: "ratio",
      n: t.units,
      m: base("mean", t.units, t.sum, t.sum_squares),
      d: base("mean", t.units, t.denominator_sum ?? 0, t.denominator_sum_squares),
      m_d_sum_of_products: t.sum_of_products ?? 0,
    };
  }
  const kind = metric.type === "conversion" ? "proportion" : "mean";
  const post = base(kind, t.units, t.sum, t.sum_squares);
  if (metric.cuped_days === undefined || t.pre_sum === null) return post;
  return { type: "regression_adjusted", n: t.units, post, pre: base(kind, t.units, t.pre_sum, t.pre_sum_squares), post_pre_sum_of_products: t.pre_post_sum_of_products ?? 0 };
}

const lift = (r: TestResult) => ({ estimate: r.expected, ci_lower: r.ci[0], ci_upper: r.ci[1], p_value: r.p_value! });
const pct = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}%`;
const p3 = (p: number) => (p < 0.001 ? "< 0.001" : `= ${p.toFixed(3)}`);

/**
 * Every treatment against the control, with the statistics core (gbstats 0.8.0's tests): frequentist relative and
 * absolute lift with 95% intervals and p-value (sequential when asked), Bayesian chance to beat the control and
 * expected loss, and the SRM check over all variants. A winner is named only when the SRM check is clean and the
 * comparison significant: the best significantly better treatment, or the control when every treatment is
 * significantly worse. Otherwise "Not enough evidence".
 */
export function compareVariants(e: Experiment, metric: Metric, totals: VariantTotals[], opts: { sequential: boolean }): Verdict {
  const arms = totals.map((t) => armData(metric, t));
  const frequentist = { engine: "frequentist" as const, alpha: ALPHA, sequential: opts.sequential };
  const comparisons = totals.slice(1).map((t, i) => {
    const treatment = arms[i + 1]!;
    const relative = compareArms(arms[0]!, treatment, { ...frequentist, difference_type: "relative" });
    const absolute = compareArms(arms[0]!, treatment, { ...frequentist, difference_type: "absolute" });
    const bayes = compareArms(arms[0]!, treatment, { engine: "bayesian", difference_type: "relative" });
    const error = relative.error_message ?? bayes.error_message;
    return {
      variant_id: t.variant,
      absolute_lift: lift(absolute),
      relative_lift: lift(relative),
      p_value: absolute.p_value!,
      sequential: opts.sequential,
      chance_to_beat_control: bayes.chance_to_win!,
      expected_loss: bayes.risk![1],
      significant: error === null && absolute.p_value! < ALPHA && relative.p_value! < ALPHA,
      error: error ?? absolute.error_message,
    };
  });
  const weights = e.variants.map((v) => v.weight);
  const srmP = srmPValue(totals.map((t) => t.units), weights);
  const srm = { p_value: srmP, flagged: srmP < SRM_THRESHOLD, expected_weights: weights };
  const smallestP = comparisons.reduce((m, c) => Math.min(m, c.p_value), 1);
  const verdict = (winner: string | null, pValue: number, recommendation: string): Verdict => ({ computed: true, winner, pValue, recommendation, srm, comparisons });

  if (srm.flagged) {
    return verdict(null, smallestP, `Not enough evidence: sample ratio mismatch (SRM p ${p3(srmP)}): the units per variant do not match the weights, so no winner is called. Check assignment and exposure logging first.`);
  }
  const better = comparisons.filter((c) => c.significant && c.relative_lift.estimate > 0).sort((a, b) => b.relative_lift.estimate - a.relative_lift.estimate);
  const best = better[0];
  if (best) {
    const name = e.variants.find((v) => v.key === best.variant_id)!.name;
    return verdict(best.variant_id, best.p_value, `Variant ${best.variant_id} (${name}) shows a statistically significant improvement in ${metric.key}: ${pct(best.relative_lift.estimate)} (95% CI ${pct(best.relative_lift.ci_lower)} to ${pct(best.relative_lift.ci_upper)}, p ${p3(best.p_value)}, chance to beat control ${(100 * best.chance_to_beat_control).toFixed(1)}%).`);
  }
  if (comparisons.every((c) => c.significant && c.relative_lift.estimate < 0)) {
    const control = e.variants[0]!;
    const worst = Math.max(...comparisons.map((c) => c.p_value));
    return verdict(control.key, worst, `Keep ${control.key} (${control.name}): every other variant is significantly worse on ${metric.key} (${comparisons.map((c) => `${c.variant_id} ${pct(c.relative_lift.estimate)}`).join(", ")}).`);
  }
  return verdict(null, smallestP, `Not enough evidence: no variant differs significantly from ${e.variants[0]!.key} on ${metric.key} (smallest p ${p3(smallestP)}).`);
}
