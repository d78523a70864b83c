// compute_experiment_results: per variant, metric and exposure day, the sufficient statistics, until each day is final.
import { z } from "zod";
import { database } from "../db/client";
import { asOfParam, defineJob, projectParam } from "../jobs/job";
import { computeBanditResults } from "./bandit-results-store";
import { experimentKeySchema, experimentMetrics, type Experiment, type Metric } from "./experiment-config";
import { startedExperiments } from "./experiments";
import { DAY_MS, dayStartOf, emptySums, isDayFinal, isoDay, metricStatement, type VariantSums } from "./metric-sql";

const COLUMNS = [
  "experiment_id", "metric", "day", "variant", "project_id", "units", "sum", "sum_squares", "denominator_sum", "denominator_sum_squares",
  "sum_of_products", "pre_sum", "pre_sum_squares", "pre_post_sum_of_products", "final", "computed_at",
] as const;
const UPSERT = `INSERT INTO experiment_results (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((_, i) => `?${i + 1}`).join(", ")})
ON CONFLICT (experiment_id, metric, day, variant) DO UPDATE SET ${COLUMNS.slice(4).map((c) => `${c} = excluded.${c}`).join(", ")}`;

/** The exposure days that may still change: from the first start to the last day anyone could have been exposed. */
function exposureDays(e: Experiment, asOf: number): number[] {
  const first = dayStartOf(e.startedAt!);
  const lastExposure = e.status === "running" ? asOf : Math.min(asOf, e.stoppedAt ?? asOf);
  const days: number[] = [];
  for (let d = first; d <= dayStartOf(lastExposure); d += DAY_MS) days.push(d);
  return days;
}

async function finalDays(d1: D1Database, experimentId: string): Promise<Set<string>> {
  // A (metric, day) is done when all its variant rows are final; rows for every variant are written together.
  const { results } = await d1
    .prepare("SELECT metric, day FROM experiment_results WHERE experiment_id = ?1 GROUP BY metric, day HAVING MIN(final) = 1")
    .bind(experimentId)
    .all<{ metric: string; day: string }>();
  return new Set(results.map((r) => `${r.metric}\u0000${r.day}`));
}

/** One (metric, day): the query, then a row for every variant (zeros where nobody was exposed), in one batch. */
async function computeDay(d1: D1Database, e: Experiment, metric: Metric, dayStart: number, asOf: number): Promise<number> {
  const { sql, params } = metricStatement(metric, { projectId: e.projectId, experimentId: e.id, dayStart, dayEnd: dayStart + DAY_MS });
  const { results } = await d1.prepare(sql).bind(...params).all<VariantSums>();
  const final = isDayFinal(metric, dayStart, asOf) ? 1 : 0;
  const byVariant = new Map(results.map((r) => [r.variant, r]));
  // A variant nobody entered that day still gets its row (zeros), so the day reads as done once final.
  const rows = e.variants.map((variant) => {
    const r = byVariant.get(variant.key) ?? emptySums(metric, variant.key);
    return [
      e.id, metric.key, isoDay(dayStart), variant.key, e.projectId, r.units, r.sum, r.sum_squares, r.denominator_sum, r.denominator_sum_squares,
      r.sum_of_products, r.pre_sum, r.pre_sum_squares, r.pre_post_sum_of_products, final, asOf,
    ];
  });
  await d1.batch(rows.map((row) => d1.prepare(UPSERT).bind(...row)));
  return rows.length;
}

export const computeExperimentResults = defineJob({
  name: "compute_experiment_results",
  description: "Per variant, metric and exposure day, the sums the results read: recomputes only days whose metric window has not closed",
  params: z.strictObject({
    project: projectParam,
    /** One experiment (its key; needs `project`). */
    experiment: experimentKeySchema.optional(),
    as_of: asOfParam,
  }),
  async run(ctx, params) {
    const d1 = ctx.env.DB;
    const experiments = (await startedExperiments(database(d1), params.project)).filter((e) => params.experiment === undefined || e.key === params.experiment);
    let daysComputed = 0;
    let daysSkipped = 0;
    let rowsWritten = 0;
    let banditComputed = 0;
    for (const e of experiments) {
      const done = await finalDays(d1, e.id);
      for (const metric of experimentMetrics(e)) {
        for (const day of exposureDays(e, ctx.asOf)) {
          if (done.has(`${metric.key}\u0000${isoDay(day)}`)) {
            daysSkipped++;
            continue;
          }
          // Out of time: what is left is the next page's (final days are skipped there, so nothing is done twice).
          if (Date.now() > ctx.deadline) {
            return { status: "ok", rowsRead: daysComputed, rowsWritten, message: `${daysComputed} metric-days computed; continuing`, continueWith: { project: params.project, experiment: params.experiment } };
          }
          rowsWritten += await computeDay(d1, e, metric, day, ctx.asOf);
          daysComputed++;
        }
      }
      // Bandit experiments also get their propensity-weighted comparison, from decisions and outcomes (not per day).
      if (e.allocation === "bandit" && (await computeBanditResults(d1, e, ctx.asOf))) {
        rowsWritten++;
        banditComputed++;
      }
    }
    return {
      status: "ok",
      rowsRead: daysComputed,
      rowsWritten,
      message: `${experiments.length} experiments: ${daysComputed} metric-days computed, ${daysSkipped} final ones skipped${banditComputed ? `; ${banditComputed} bandit comparisons` : ""}`,
    };
  },
});
