// Reading results: the per-day rows summed per variant, as arm data for the statistics, and the response's shape.
import type { Experiment, Metric } from "./experiment-config";
import { emptySums, type VariantSums } from "./metric-sql";

export type VariantTotals = VariantSums;

export type Freshness = {
  /** When the newest day was last computed (null: never). */
  computed_at: string | null;
  /** The exposure days summed, and how many of them can still change (their metric window is open). */
  days: number;
  final_days: number;
  first_day: string | null;
  last_day: string | null;
};

/**
 * Sums the days per variant (units are disjoint across days: each unit is in the day of its one exposure). Every
 * variant is in the answer, in the experiment's order, zeros where no day was computed yet.
 */
export async function loadVariantTotals(d1: D1Database, e: Experiment, metric: Metric): Promise<{ totals: VariantTotals[]; freshness: Freshness }> {
  const { results } = await d1
    .prepare(
      `SELECT variant, SUM(units) AS units, TOTAL(sum) AS sum, TOTAL(sum_squares) AS sum_squares,
        SUM(denominator_sum) AS denominator_sum, SUM(denominator_sum_squares) AS denominator_sum_squares, SUM(sum_of_products) AS sum_of_products,
        SUM(pre_sum) AS pre_sum, SUM(pre_sum_squares) AS pre_sum_squares, SUM(pre_post_sum_of_products) AS pre_post_sum_of_products
       FROM experiment_results WHERE experiment_id = ?1 AND metric = ?2 GROUP BY variant`,
    )
    .bind(e.id, metric.key)
    .all<VariantTotals>();
  const days = await d1
    .prepare("SELECT COUNT(*) AS days, TOTAL(f) AS final_days, MIN(day) AS first_day, MAX(day) AS last_day, MAX(c) AS computed_at FROM (SELECT day, MIN(final) AS f, MAX(computed_at) AS c FROM experiment_results WHERE experiment_id = ?1 AND metric = ?2 GROUP BY day)")
    .bind(e.id, metric.key)
    .first<{ days: number; final_days: number; first_day: string | null; last_day: string | null; computed_at: number | null }>();
  const byVariant = new Map(results.map((r) => [r.variant, r]));
  const totals = e.variants.map((v) => byVariant.get(v.key) ?? emptySums(metric, v.key));
  return {
    totals,
    freshness: {
      computed_at: days?.computed_at ? new Date(days.computed_at).toISOString() : null,
      days: days?.days ?? 0,
      final_days: days?.final_days ?? 0,
      first_day: days?.first_day ?? null,
      last_day: days?.last_day ?? null,
    },
  };
}

/** Per variant, what seed 003 showed (users, conversions, rate in percent) and ours (sums and the mean). */
export function variantView(e: Experiment, metric: Metric, t: VariantTotals) {
  const variant = e.variants.find((v) => v.key === t.variant)!;
  const conversion = metric.type === "conversion";
  const denominator = metric.type === "ratio" ? t.denominator_sum : t.units;
  return {
    variant_id: t.variant,
    variant_name: variant.name,
    weight: variant.weight,
    users_count: t.units,
    conversions: conversion ? t.sum : null,
    conversion_rate: conversion ? (t.units > 0 ? (100 * t.sum) / t.units : null) : null,
    sum: t.sum,
    denominator_sum: metric.type === "ratio" ? t.denominator_sum : null,
    mean: denominator ? t.sum / denominator : null,
  };
}
