// Which variant a unit gets, pure: the experiment's state and window, then GrowthBook's hash over its owned ranges.
import { chooseVariant, hashV2 } from "./bucketing";
import type { Experiment } from "./experiment-config";

export type Assignment = { variant: string; in_experiment: boolean; experiment_id: string };

/** Why a unit is outside the experiment, for logs and tests; null when it is in. */
export type OutsideReason = "not_running" | "not_started_yet" | "ended" | "not_in_allocation";

/**
 * Outside the experiment a unit gets the control (GrowthBook answers variation 0 with inExperiment false), so a caller
 * can always render what the answer names. In it, the variant is a function of hash(seed + unit id) and the ranges
 * each variant owns, which only grow while it runs (bucketing.ts): the same unit gets the same variant everywhere.
 */
export function assignVariant(e: Experiment, unitId: string, now: number): Assignment & { reason: OutsideReason | null } {
  const outside = (reason: OutsideReason) => ({ variant: e.variants[0]!.key, in_experiment: false, experiment_id: e.id, reason });
  if (e.status !== "running") return outside("not_running");
  if (e.startAt !== null && now < e.startAt) return outside("not_started_yet");
  if (e.endAt !== null && now >= e.endAt) return outside("ended");
  const index = chooseVariant(hashV2(e.seed, unitId), e.ranges);
  if (index < 0) return outside("not_in_allocation");
  return { variant: e.variants[index]!.key, in_experiment: true, experiment_id: e.id, reason: null };
}
