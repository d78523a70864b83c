// What an experiment is, as zod schemas and types: variants, allocation, metrics over events. Pure.
import { z } from "zod";
import { EVENT_NAME_PATTERN } from "../projects/default-event-names";
import type { VariantRanges } from "./bucketing";

export const EXPERIMENT_STATUSES = ["draft", "running", "stopped", "archived"] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];
export const ALLOCATIONS = ["fixed", "bandit"] as const;

const SLUG = /^[a-z][a-z0-9_]{0,63}$/;
export const experimentKeySchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lower case letters, digits, _ and -, at most 64 characters");
const eventName = z.string().regex(EVENT_NAME_PATTERN, "an event name: lower snake case, at most 64 characters");
const propertyName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "a top-level key of the event's properties");
// Long enough for a monthly purchase cycle, short enough that a day's units are final within a quarter.
const windowHours = z.number().int().min(1).max(2160).default(72).describe("Events count from the unit's first exposure until this many hours after it");
const cupedDays = z.number().int().min(1).max(90).optional().describe("CUPED: also measure the same metric over this many days before exposure, as a covariate");

/** A count of events per unit, or the sum of a numeric property over them. */
const measureSchema = z.object({ event: eventName, property: propertyName.optional().describe("Sum this property; count events when absent") });

export const metricSchema = z.discriminatedUnion("type", [
  z.object({ key: z.string().regex(SLUG), type: z.literal("conversion").describe("1 if the unit did `event` within the window, else 0"), event: eventName, window_hours: windowHours, cuped_days: cupedDays }),
  z.object({ key: z.string().regex(SLUG), type: z.literal("count").describe("How many `event`s the unit did within the window (mean per unit)"), event: eventName, window_hours: windowHours, cuped_days: cupedDays }),
  z.object({ key: z.string().regex(SLUG), type: z.literal("sum").describe("The sum of `property` over the unit's `event`s within the window (mean per unit)"), event: eventName, property: propertyName, window_hours: windowHours, cuped_days: cupedDays }),
  z.object({ key: z.string().regex(SLUG), type: z.literal("ratio").describe("Σ numerator / Σ denominator over units, e.g. revenue per session (delta method)"), numerator: measureSchema, denominator: measureSchema, window_hours: windowHours }),
]);
export type Metric = z.infer<typeof metricSchema>;

export const variantSchema = z.object({
  key: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lower case letters, digits, _ and -, at most 64 characters"),
  name: z.string().min(1).max(200).optional(),
  weight: z.number().min(0).max(1).optional().describe("Share of the experiment's traffic; equal when no variant has one"),
});
export type Variant = { key: string; name: string; weight: number };

const percent = z.number().min(0).max(100);
const time = z.iso.datetime({ offset: true }).describe("ISO-8601");

export const createExperimentSchema = z.object({
  key: experimentKeySchema,
  name: z.string().min(1).max(200),
  variants: z.array(variantSchema).min(2).max(10).describe("The first is the control"),
  traffic_allocation: percent.default(100).describe("Percent of units that enter the experiment"),
  seed: z.string().min(1).max(128).optional().describe("Hash seed; the key when absent"),
  primary_metric: metricSchema,
  guardrail_metrics: z.array(metricSchema).max(10).default([]),
  decision_type: z.string().regex(SLUG).optional().describe("The decision type whose decisions run under this experiment"),
  allocation: z.enum(ALLOCATIONS).default("fixed"),
  start_at: time.optional(),
  end_at: time.optional(),
});
export type CreateExperiment = z.infer<typeof createExperimentSchema>;

export const updateExperimentSchema = z.object({
  expected_version: z.number().int().min(1).describe("The version this change was made from; 409 if it changed since"),
  name: z.string().min(1).max(200).optional(),
  variants: z.array(variantSchema).min(2).max(10).optional().describe("Before the first start only"),
  weights: z.array(z.number().min(0).max(1)).min(2).max(10).optional().describe("New weights in variant order; while running, units already in a variant keep it"),
  traffic_allocation: percent.optional(),
  seed: z.string().min(1).max(128).optional().describe("Before the first start only"),
  primary_metric: metricSchema.optional(),
  guardrail_metrics: z.array(metricSchema).max(10).optional(),
  decision_type: z.string().regex(SLUG).nullable().optional(),
  allocation: z.enum(ALLOCATIONS).optional().describe("Before the first start only"),
  start_at: time.nullable().optional(),
  end_at: time.nullable().optional(),
});
export type UpdateExperiment = z.infer<typeof updateExperimentSchema>;

export type Experiment = {
  id: string;
  projectId: string;
  key: string;
  name: string;
  status: ExperimentStatus;
  version: number;
  variants: Variant[];
  /** Percent, 0–100. */
  trafficAllocation: number;
  seed: string;
  ranges: VariantRanges;
  primaryMetric: Metric;
  guardrailMetrics: Metric[];
  decisionType: string | null;
  allocation: (typeof ALLOCATIONS)[number];
  startAt: number | null;
  endAt: number | null;
  startedAt: number | null;
  stoppedAt: number | null;
  createdAt: number;
  updatedAt: number;
};

/**
 * Weights as given, normalised to sum to exactly 1; equal when none is given. Refuses a partial set, a set that does
 * not sum to 1 (±0.001, GrowthBook's 0.99–1.01 made strict) and a wrong count: a silent fallback to equal weights
 * (what GrowthBook's SDK does) would run an experiment nobody configured.
 */
export function resolveWeights(given: ReadonlyArray<number | undefined>): { ok: true; weights: number[] } | { ok: false; message: string } {
  const set = given.filter((w): w is number => w !== undefined);
  if (set.length === 0) return { ok: true, weights: given.map(() => 1 / given.length) };
  if (set.length !== given.length) return { ok: false, message: "Give every variant a weight, or none (equal weights)" };
  const total = set.reduce((s, w) => s + w, 0);
  if (Math.abs(total - 1) > 0.001) return { ok: false, message: `Weights must sum to 1; these sum to ${total}` };
  return { ok: true, weights: set.map((w) => w / total) };
}

/** Every metric the experiment measures, the primary first; keys are unique. */
export function experimentMetrics(e: Pick<Experiment, "primaryMetric" | "guardrailMetrics">): Metric[] {
  return [e.primaryMetric, ...e.guardrailMetrics];
}

/** The problems with a metric set or variant list a schema cannot see (uniqueness across items). */
export function duplicateKeys(keys: readonly string[]): string[] {
  return [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
}
