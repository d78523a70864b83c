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

/**
 * A (metric, day) is done when all its variant rows are final, or when this run already computed it (a continued run's
 * earlier page, same as_of): without the second, every page recomputed every open day and a run whose open days
 * outlast one page's budget would hand on forever. Rows for every variant are written together.
 */
async function doneDays(d1: D1Database, experimentId: string, asOf: number): Promise<Set<string>> {
  const { results } = await d1
    .prepare("SELECT metric, day FROM experiment_results WHERE experiment_id = ?1 GROUP BY metric, day HAVING MIN(final) = 1 OR MIN(computed_at) >= ?2")
    .bind(experimentId, asOf)
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
    // Out of time: the rest is the next page's, at the same as_of (the runner passes it on).
    const handOn = () => ({ status: "ok" as const, rowsRead: daysComputed, rowsWritten, message: `${daysComputed} metric-days computed; continuing`, continueWith: { project: params.project, experiment: params.experiment } });
    for (const e of experiments) {
      const done = await doneDays(d1, e.id, ctx.asOf);
      for (const metric of experimentMetrics(e)) {
        for (const day of exposureDays(e, ctx.asOf)) {
          if (done.has(`${metric.key}\u0000${isoDay(day)}`)) {
            daysSkipped++;
            continue;
          }
          // Done days are skipped on the next page, so nothing is done twice.
          if (Date.now() > ctx.deadline) return handOn();
          rowsWritten += await computeDay(d1, e, metric, day, ctx.asOf);
          daysComputed++;
        }
      }
      // Bandit experiments also get their propensity-weighted comparison, from decisions and outcomes (not per day);
      // once per run (computeBanditResults skips a block already computed at this as_of).
      if (e.allocation === "bandit" && Date.now() > ctx.deadline) return handOn();
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
