// Each treatment against the control, and the verdict: a winner only when significant and free of sample ratio mismatch.
import { z } from "zod";
import type { Experiment, Metric } from "./experiment-config";
import type { VariantTotals } from "./results";

const interval = z.object({ estimate: z.number(), ci_lower: z.number(), ci_upper: z.number() });
export const comparisonSchema = z.object({
  variant_id: z.string(),
  absolute_lift: interval.describe("Treatment mean − control mean, with its 95% interval"),
  relative_lift: interval.describe("(Treatment − control) / control, with its 95% interval"),
  p_value: z.number().describe("Two-sided, frequentist (of the relative lift)"),
  sequential: z.boolean().describe("Intervals and p-value are always-valid (they stay valid however often one looks)"),
  chance_to_beat_control: z.number().describe("Bayesian: P(treatment better than control)"),
  expected_loss: z.number().describe("Bayesian: the relative loss expected from shipping this treatment if it is in fact worse"),
  significant: z.boolean(),
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

/**
 * The statistics core (src/stats/experiments) is not part of this build yet: the aggregates are reported as they
 * are, and no winner is called.
 */
export function compareVariants(_e: Experiment, _metric: Metric, _totals: VariantTotals[], _opts: { sequential: boolean }): Verdict {
  return { computed: false, winner: null, pValue: null, recommendation: "Not enough evidence: statistics are not computed in this build, so no winner is called", srm: null, comparisons: [] };
}
