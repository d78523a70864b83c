// The rules of an experiment's life, pure: what a new one looks like, what an update or a transition may change.
import { ApiError } from "../http/errors";
import { bucketRanges, reallocateRanges, type VariantRanges } from "./bucketing";
import { duplicateKeys, experimentMetrics, resolveWeights, type CreateExperiment, type Experiment, type ExperimentStatus, type Metric, type UpdateExperiment, type Variant } from "./experiment-config";

export type Transition = "start" | "stop" | "archive";

const invalid = (message: string, details?: unknown) => new ApiError(400, "invalid_experiment", message, details);
const parseTime = (t: string | null | undefined) => (t === undefined ? undefined : t === null ? null : Date.parse(t));

function checkMetrics(primary: Metric, guardrails: Metric[]): void {
  const dup = duplicateKeys(experimentMetrics({ primaryMetric: primary, guardrailMetrics: guardrails }).map((m) => m.key));
  if (dup.length) throw invalid(`Metric keys must be unique: ${dup.join(", ")}`);
}

function checkWindow(startAt: number | null, endAt: number | null): void {
  if (startAt !== null && endAt !== null && endAt <= startAt) throw invalid("end_at must be after start_at");
}

function variantsOf(given: CreateExperiment["variants"]): Variant[] {
  const dup = duplicateKeys(given.map((v) => v.key));
  if (dup.length) throw invalid(`Variant keys must be unique: ${dup.join(", ")}`);
  const weights = resolveWeights(given.map((v) => v.weight));
  if (!weights.ok) throw invalid(weights.message);
  return given.map((v, i) => ({ key: v.key, name: v.name ?? v.key, weight: weights.weights[i]! }));
}

/** GrowthBook's ranges; a variant with no share owns none. */
function freshRanges(variants: Variant[], allocationPercent: number): VariantRanges {
  return bucketRanges(variants.map((v) => v.weight), allocationPercent / 100).map((r) => (r[1] > r[0] ? [r] : []));
}

export function newExperiment(projectId: string, id: string, input: CreateExperiment, now: number): Experiment {
  const variants = variantsOf(input.variants);
  checkMetrics(input.primary_metric, input.guardrail_metrics);
  const startAt = parseTime(input.start_at) ?? null;
  const endAt = parseTime(input.end_at) ?? null;
  checkWindow(startAt, endAt);
  return {
    id,
    projectId,
    key: input.key,
    name: input.name,
    status: "draft",
    version: 1,
    variants,
    trafficAllocation: input.traffic_allocation,
    seed: input.seed ?? input.key,
    ranges: freshRanges(variants, input.traffic_allocation),
    primaryMetric: input.primary_metric,
    guardrailMetrics: input.guardrail_metrics,
    decisionType: input.decision_type ?? null,
    allocation: input.allocation,
    startAt,
    endAt,
    startedAt: null,
    stoppedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The experiment after an update. Before its first start anything may change and the ranges are recomputed; after it,
 * variants, seed and allocation mode are fixed (they decide who saw what), and new weights or traffic allocation go
 * through `reallocateRanges`, which refuses (409) a change that would move units between variants.
 */
export function applyUpdate(current: Experiment, input: UpdateExperiment, now: number): Experiment {
  if (current.status === "archived") throw new ApiError(409, "experiment_archived", "An archived experiment cannot change");
  const started = current.startedAt !== null;
  if (started) {
    // A bandit experiment's decisions and results belong to its decision type: another one would start from nothing.
    const frozen = current.allocation === "bandit" ? (["variants", "seed", "allocation", "decision_type"] as const) : (["variants", "seed", "allocation"] as const);
    const fixed = frozen.filter((f) => input[f] !== undefined);
    if (fixed.length) throw new ApiError(409, "experiment_started", `${fixed.join(", ")} cannot change once the experiment has started: units were assigned by them`);
  }
  if (input.variants && input.weights) throw invalid("Send either variants (with their weights) or weights, not both");

  let variants = input.variants ? variantsOf(input.variants) : current.variants;
  if (input.weights) {
    if (input.weights.length !== variants.length) throw invalid(`weights has ${input.weights.length} entries for ${variants.length} variants`);
    const weights = resolveWeights(input.weights);
    if (!weights.ok) throw invalid(weights.message);
    variants = variants.map((v, i) => ({ ...v, weight: weights.weights[i]! }));
  }
  const trafficAllocation = input.traffic_allocation ?? current.trafficAllocation;
  const primaryMetric = input.primary_metric ?? current.primaryMetric;
  const guardrailMetrics = input.guardrail_metrics ?? current.guardrailMetrics;
  checkMetrics(primaryMetric, guardrailMetrics);
  const startAt = parseTime(input.start_at) === undefined ? current.startAt : parseTime(input.start_at)!;
  const endAt = parseTime(input.end_at) === undefined ? current.endAt : parseTime(input.end_at)!;
  checkWindow(startAt, endAt);

  let ranges = current.ranges;
  const reweighted = input.variants !== undefined || input.weights !== undefined || input.traffic_allocation !== undefined;
  if (reweighted && !started) ranges = freshRanges(variants, trafficAllocation);
  if (reweighted && started) {
    const next = reallocateRanges(current.ranges, variants.map((v) => v.weight), trafficAllocation / 100);
    if (!next.ok) {
      const names = next.shrinking.map((i) => variants[i]!.key);
      throw new ApiError(
        409,
        "would_reassign_units",
        `Units already in ${names.join(", ")} would have to move to another variant: a running experiment's variant can only grow (raise traffic_allocation to make room, or start a new experiment)`,
        { shrinking: names },
      );
    }
    ranges = next.ranges;
  }

  return {
    ...current,
    name: input.name ?? current.name,
    variants,
    trafficAllocation,
    seed: input.seed ?? current.seed,
    ranges,
    primaryMetric,
    guardrailMetrics,
    decisionType: input.decision_type === undefined ? current.decisionType : input.decision_type,
    allocation: input.allocation ?? current.allocation,
    startAt,
    endAt,
    version: current.version + 1,
    updatedAt: now,
  };
}

const ALLOWED_FROM: Record<Transition, readonly ExperimentStatus[]> = {
  start: ["draft", "stopped"],
  stop: ["running"],
  archive: ["draft", "stopped"],
};
const TO: Record<Transition, ExperimentStatus> = { start: "running", stop: "stopped", archive: "archived" };

export function applyTransition(current: Experiment, transition: Transition, now: number): Experiment {
  if (!ALLOWED_FROM[transition].includes(current.status)) {
    const hint = transition === "archive" && current.status === "running" ? " (stop it first)" : "";
    throw new ApiError(409, "invalid_transition", `Cannot ${transition} an experiment that is ${current.status}${hint}`);
  }
  return {
    ...current,
    status: TO[transition],
    startedAt: transition === "start" ? (current.startedAt ?? now) : current.startedAt,
    stoppedAt: transition === "stop" ? now : transition === "start" ? null : current.stoppedAt,
    version: current.version + 1,
    updatedAt: now,
  };
}

/** What changed between two versions, field by field, in the API's names. */
export function diffExperiments(before: Record<string, unknown> | null, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, to] of Object.entries(after)) {
    const from = before ? before[field] : undefined;
    if (JSON.stringify(from) !== JSON.stringify(to)) out[field] = { from: from ?? null, to };
  }
  return out;
}
