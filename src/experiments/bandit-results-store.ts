// A bandit experiment's propensity-weighted results in D1: computed by the results job from the experiment's decisions
// and their final outcomes, stored per experiment, read by the results route.
import { log } from "../http/log";
import { FINAL_PASS } from "../learning/reward-spec";
import { propensityWeighted, type BanditRoundGroup, type PropensityWeighted } from "./bandit-results";
import type { Experiment } from "./experiment-config";

/**
 * Groups, not rows: rounds that share bucket, variant, propensity and success are the same to the estimate, and a
 * fallback phase (propensity 1/K) or a long-lived statistics version repeats them often. A window this large has
 * never been asked for; beyond it the estimate would need the rounds streamed, not read at once.
 */
const MAX_GROUPS = 100_000;

/**
 * The experiment's logged decisions (its decision type, from its first start: the index decisions_project_type_created
 * narrows them, experiment_id picks them) with their final outcome's success; decisions still without one are counted.
 * Simulated decisions are left out, as the learning status leaves them out.
 */
async function loadRounds(d1: D1Database, e: Experiment): Promise<{ groups: BanditRoundGroup[]; withoutOutcome: number } | null> {
  const { results } = await d1
    .prepare(
      `SELECT d.bucket AS bucket, d.action AS action, d.propensity AS propensity, o.success AS success, COUNT(*) AS count
         FROM decisions d LEFT JOIN decision_outcomes o ON o.decision_id = d.id AND o.pass = ?5
        WHERE d.project_id = ?1 AND d.decision_type = ?2 AND d.created_at >= ?3 AND d.experiment_id = ?4 AND d.simulated = 0
        GROUP BY d.bucket, d.action, d.propensity, o.success LIMIT ?6`,
    )
    .bind(e.projectId, e.decisionType, e.startedAt, e.id, FINAL_PASS, MAX_GROUPS + 1)
    .all<{ bucket: string; action: string; propensity: number; success: number | null; count: number }>();
  if (results.length > MAX_GROUPS) return null;
  const groups = results.filter((r) => r.success !== null).map((r) => ({ ...r, success: r.success! }));
  const withoutOutcome = results.filter((r) => r.success === null).reduce((n, r) => n + r.count, 0);
  return { groups, withoutOutcome };
}

/**
 * Recomputes and stores the block. Skipped (returns false) once it can no longer change: the experiment no longer
 * runs, and the stored block was computed after it stopped with every decision's outcome final.
 */
export async function computeBanditResults(d1: D1Database, e: Experiment, asOf: number): Promise<boolean> {
  const stored = await d1.prepare("SELECT decisions_without_outcome AS pending, computed_at FROM experiment_bandit_results WHERE experiment_id = ?1").bind(e.id).first<{ pending: number; computed_at: number }>();
  // Already computed at this as_of (an earlier page of a continued run); or stopped, with every outcome in.
  if (stored && stored.computed_at >= asOf) return false;
  if (e.status !== "running" && stored && stored.pending === 0 && stored.computed_at >= (e.stoppedAt ?? 0)) return false;
  const loaded = await loadRounds(d1, e);
  // One oversized experiment must not fail the job for every other: it is logged, and its last block stays.
  if (!loaded) {
    log.error("bandit_results_too_large", { experiment_id: e.id, max_groups: MAX_GROUPS });
    return false;
  }
  const { groups, withoutOutcome } = loaded;
  const block = propensityWeighted(e, groups, withoutOutcome, asOf);
  await d1
    .prepare(
      `INSERT INTO experiment_bandit_results (experiment_id, project_id, rounds, decisions_without_outcome, result, computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (experiment_id) DO UPDATE SET rounds = excluded.rounds, decisions_without_outcome = excluded.decisions_without_outcome, result = excluded.result, computed_at = excluded.computed_at`,
    )
    .bind(e.id, e.projectId, block.rounds, withoutOutcome, JSON.stringify(block), asOf)
    .run();
  return true;
}

export async function loadBanditResults(d1: D1Database, experimentId: string): Promise<PropensityWeighted | null> {
  const row = await d1.prepare("SELECT result FROM experiment_bandit_results WHERE experiment_id = ?1").bind(experimentId).first<{ result: string }>();
  return row ? (JSON.parse(row.result) as PropensityWeighted) : null;
}
