// GET /v1/experiments/:key/results: seed 003's A/B metrics shape, every number from the results table, plus ours.
import { z } from "zod";
import { database } from "../db/client";
import { ApiRoute } from "../http/api-route";
import type { AppContext } from "../http/context";
import { ApiError, errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { projectOf, requireProjectAdmin } from "../http/principal";
import { loadBanditResults } from "./bandit-results-store";
import { propensityWeightedSchema, type PropensityWeighted } from "./bandit-results";
import { compareVariants, comparisonSchema, srmSchema, type Verdict } from "./comparisons";
import { ALLOCATIONS, experimentKeySchema, experimentMetrics, metricSchema } from "./experiment-config";
import { requireExperiment } from "./experiments";
import { loadVariantTotals, variantView } from "./results";

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

const variantSchema = z.object({
  variant_id: z.string(),
  variant_name: z.string(),
  weight: z.number(),
  users_count: z.number().int().describe("Units first exposed (in the days computed so far)"),
  conversions: z.number().nullable().describe("Conversion metrics: units that converted"),
  conversion_rate: z.number().nullable().describe("Conversion metrics: percent of units that converted"),
  sum: z.number().describe("Σ of the metric over units (ratio: the numerator)"),
  denominator_sum: z.number().nullable(),
  mean: z.number().nullable().describe("Per unit (ratio: Σ numerator / Σ denominator)"),
});

const RESULTS_SCHEMA = {
  tags: ["experiments"],
  summary: "An experiment's results for one metric, from the results job's table (freshness says how current)",
  security: bearerOnly,
  request: {
    params: z.object({ key: experimentKeySchema }),
    query: z.object({
      project: z.string().optional().describe("Only for the operator token, which spans projects"),
      metric: z.string().max(64).optional().describe("A metric key of the experiment; the primary metric by default"),
      sequential: z.enum(["true", "false"]).default("false").describe("Always-valid (sequential) intervals and p-values, for teams that look before the planned end"),
    }),
  },
  responses: {
    "200": jsonResponse(
      "Results",
      z.object({
        test_id: z.string(),
        test_name: z.string(),
        metric_name: z.string(),
        start_date: z.string().nullable(),
        end_date: z.string().nullable(),
        status: z.string(),
        variants: z.array(variantSchema),
        winner_variant_id: z.string().nullable(),
        statistical_significance: z.number().nullable().describe("The winner's p-value (two-sided, of the absolute difference), or the smallest treatment p-value when there is no winner"),
        is_significant: z.boolean(),
        recommendation: z.string(),
        experiment_key: z.string(),
        metric: metricSchema,
        freshness: z.object({ computed_at: z.string().nullable(), days: z.number().int(), final_days: z.number().int(), first_day: z.string().nullable(), last_day: z.string().nullable() }),
        srm: srmSchema.nullable(),
        comparisons: z.array(comparisonSchema),
        statistics: z.enum(["computed"]).nullable().describe("\"computed\": comparisons, SRM and verdict come from the statistics core (gbstats 0.8.0's tests)"),
        allocation: z.enum(ALLOCATIONS),
        propensity_weighted: propensityWeightedSchema
          .nullable()
          .describe("Bandit experiments: the unbiased comparison, by propensity weighting (doubly robust) over the experiment's decisions; it names the winner. Null for fixed experiments, and until the results job has run"),
        notes: z.array(z.string()).describe("What to keep in mind reading these numbers (bandit experiments: why the per-variant aggregates are biased and SRM is skipped)"),
      }),
    ),
    ...errorResponses(400, 401, 403, 404, 429),
  },
};

const BANDIT_NOTES = [
  "Bandit allocation: the policy gave more units to the variant it believed better, at other times and in other buckets, so the per-variant aggregates and comparisons are biased; the winner and recommendation come from propensity_weighted.",
  "The SRM check is skipped: the split of units is unequal by design.",
];

/**
 * A bandit experiment's headline: the propensity-weighted verdict (null until the job computed it), never the naive
 * comparisons' winner, and no SRM check.
 */
function banditVerdict(naive: Verdict, weighted: PropensityWeighted | null): Verdict {
  if (!weighted) return { ...naive, winner: null, pValue: null, srm: null, recommendation: "Not enough evidence: the propensity-weighted comparison has not been computed yet (compute_experiment_results runs hourly)." };
  const winnerLift = weighted.lifts.find((l) => l.variant_id === weighted.winner_variant_id);
  const ps = weighted.lifts.map((l) => l.absolute.p_value).filter((p): p is number => p !== null);
  const pValue = winnerLift?.absolute.p_value ?? (weighted.winner_variant_id !== null ? Math.max(...ps) : ps.length ? Math.min(...ps) : null);
  return { ...naive, winner: weighted.winner_variant_id, pValue, srm: null, recommendation: weighted.recommendation };
}

export class GetExperimentResults extends ApiRoute {
  schema = RESULTS_SCHEMA;
  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const principal = c.get("principal");
    const projectId = projectOf(principal, query.project);
    requireProjectAdmin(principal, projectId);
    const e = await requireExperiment(database(c.env.DB), projectId, params.key);
    const metric = query.metric === undefined ? e.primaryMetric : experimentMetrics(e).find((m) => m.key === query.metric);
    if (!metric) throw new ApiError(404, "metric_not_found", `Experiment '${e.key}' has no metric '${query.metric}'. Metrics: ${experimentMetrics(e).map((m) => m.key).join(", ")}`);
    const { totals, freshness } = await loadVariantTotals(c.env.DB, e, metric);
    const naive = compareVariants(e, metric, totals, { sequential: query.sequential === "true" });
    const bandit = e.allocation === "bandit";
    const weighted = bandit ? await loadBanditResults(c.env.DB, e.id) : null;
    const verdict = bandit ? banditVerdict(naive, weighted) : naive;
    return {
      test_id: e.id,
      test_name: e.name,
      metric_name: metric.key,
      start_date: iso(e.startedAt ?? e.startAt),
      end_date: iso(e.stoppedAt ?? e.endAt),
      status: e.status,
      variants: totals.map((t) => variantView(e, metric, t)),
      winner_variant_id: verdict.winner,
      statistical_significance: verdict.pValue,
      is_significant: verdict.winner !== null,
      recommendation: verdict.recommendation,
      experiment_key: e.key,
      metric,
      freshness,
      srm: verdict.srm,
      comparisons: verdict.comparisons,
      statistics: verdict.computed ? ("computed" as const) : null,
      allocation: e.allocation,
      propensity_weighted: weighted,
      notes: bandit ? BANDIT_NOTES : [],
    };
  }
}
