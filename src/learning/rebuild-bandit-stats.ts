// rebuild_bandit_stats: final outcomes of real decisions → a new version of bandit_arm_stats, then every bucket's DO loads it.
import { z } from "zod";
import { database } from "../db/client";
import { multiRowInserts } from "../db/multi-row-insert";
import type { BucketKey } from "../decisions/arm-stats";
import { bucketStub } from "../decisions/bucket-stub";
import { findDecisionType } from "../decisions/decision-types";
import { config, type Env } from "../env";
import { log } from "../http/log";
import { asOfParam, defineJob, projectParam } from "../jobs/job";
import { aggregateArmStats, armStatsFromSums, type AggregatedStats, type ArmSums, type OutcomeForStats } from "./aggregate-arm-stats";
import { FINAL_PASS } from "./reward-spec";

type Target = { projectId: string; decisionType: string; policyId: string };

export const rebuildBanditStats = defineJob({
  name: "rebuild_bandit_stats",
  description: "Recomputes arm statistics from final outcomes when enough fresh ones arrived, and loads them into the buckets",
  params: z.strictObject({
    project: projectParam,
    decision_type: z.string().min(1).max(64).optional(),
    policy_id: z.string().min(1).max(128).optional(),
    as_of: asOfParam,
    half_life_days: z.number().positive().optional(),
    min_fresh_outcomes: z.number().int().min(0).optional(),
  }),
  async run(ctx, params) {
    const targets = await targetsOf(ctx.env, params);
    const minFresh = params.min_fresh_outcomes ?? config(ctx.env).MIN_FRESH_OUTCOMES;
    let rowsRead = 0;
    let rowsWritten = 0;
    const results: Array<Record<string, unknown>> = [];
    for (const target of targets) {
      const r = await rebuildOne(ctx.env, target, { asOf: ctx.asOf, minFresh, halfLifeDays: params.half_life_days ?? null });
      rowsRead += r.rowsRead;
      rowsWritten += r.rowsWritten;
      results.push(r.summary);
    }
    const updated = results.filter((r) => r.status === "updated");
    if (params.policy_id && targets.length === 0) {
      return { status: "skipped", rowsRead, rowsWritten, message: `no decision type has policy '${params.policy_id}' with final outcomes`, details: results };
    }
    return {
      status: updated.length > 0 ? "ok" : "skipped",
      rowsRead,
      rowsWritten,
      message: updated.length > 0 ? updated.map((u) => `${u.decision_type}/${u.policy_id} v${u.version}`).join(", ") : "no policy had enough fresh outcomes",
      details: results,
    };
  },
});

/** Every learning (non-deterministic) policy of every decision type that has final outcomes, narrowed by the params. */
async function targetsOf(env: Env, params: { project?: string; decision_type?: string; policy_id?: string }): Promise<Target[]> {
  const groups = await env.DB.prepare(
    `SELECT DISTINCT project_id, decision_type FROM decision_outcomes
      WHERE pass = ?1 AND (?2 IS NULL OR project_id = ?2) AND (?3 IS NULL OR decision_type = ?3)`,
  )
    .bind(FINAL_PASS, params.project ?? null, params.decision_type ?? null)
    .all<{ project_id: string; decision_type: string }>();
  const db = database(env.DB);
  const targets: Target[] = [];
  for (const g of groups.results) {
    const type = await findDecisionType(db, g.project_id, g.decision_type);
    if (!type) continue;
    for (const [policyId, policy] of Object.entries(type.config.policies)) {
      if (policy.kind === "deterministic") continue;
      if (params.policy_id && params.policy_id !== policyId) continue;
      targets.push({ projectId: g.project_id, decisionType: g.decision_type, policyId });
    }
  }
  return targets;
}

async function rebuildOne(env: Env, t: Target, opts: { asOf: number; minFresh: number; halfLifeDays: number | null }) {
  const d1 = env.DB;
  const last = await d1
    .prepare("SELECT version, watermark FROM bandit_stats_versions WHERE project_id = ?1 AND decision_type = ?2 AND policy_id = ?3 ORDER BY version DESC LIMIT 1")
    .bind(t.projectId, t.decisionType, t.policyId)
    .first<{ version: number; watermark: number }>();
  const watermark = last?.watermark ?? -1;
  // Enough fresh final outcomes to rebuild? The count stops at minFresh: when it is reached, the sums below count the
  // fresh ones exactly in the same scan that sums the arms, so a rebuild reads its outcomes once (an exact count here
  // cost another ~40 % of that scan, bench:jobs). Skipping, the common cron case, stays an index range of new rows.
  const fresh = `project_id = ?1 AND decision_type = ?2 AND pass = ?3 AND simulated = 0 AND computed_at > ?4 AND computed_at <= ?5`;
  const enough = await d1
    .prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM decision_outcomes WHERE ${fresh} LIMIT ?6)`)
    .bind(t.projectId, t.decisionType, FINAL_PASS, watermark, opts.asOf, Math.max(1, opts.minFresh))
    .first<{ n: number }>();
  if ((enough?.n ?? 0) < opts.minFresh) {
    const base = { decision_type: t.decisionType, policy_id: t.policyId, project: t.projectId, fresh_outcomes: enough?.n ?? 0 };
    log.info(`[LEARN_JOB] skipped decision_type=${t.decisionType} policy_id=${t.policyId} fresh_outcomes=${base.fresh_outcomes} min=${opts.minFresh}`, base);
    return { rowsRead: 1, rowsWritten: 0, summary: { ...base, status: "skipped", version: last?.version ?? 0 } };
  }

  // Real decisions only: simulated ones never train a policy. Without a half-life every weight is 1, so SQLite sums
  // per arm and 24 rows cross the D1 boundary instead of every outcome; with one, each outcome's weight depends on
  // its age (0.5^(age / half-life)), which D1 cannot compute without math functions, so the rows are read.
  const where = "project_id = ?1 AND decision_type = ?2 AND pass = ?3 AND simulated = 0 AND computed_at <= ?4";
  let freshCount = 0;
  let newest: number | null = null;
  const seen = (n: number, at: number | null) => {
    freshCount += n;
    if (at !== null && (newest === null || at > newest)) newest = at;
  };
  let stats: AggregatedStats;
  if (opts.halfLifeDays) {
    const { results } = await d1
      .prepare(`SELECT bucket, action, learn_value, normalized_reward, decided_at, computed_at FROM decision_outcomes WHERE ${where}`)
      .bind(t.projectId, t.decisionType, FINAL_PASS, opts.asOf)
      .all<OutcomeForStats & { computed_at: number }>();
    for (const r of results) if (r.computed_at > watermark) seen(1, r.computed_at);
    stats = aggregateArmStats(results, { asOf: opts.asOf, halfLifeDays: opts.halfLifeDays });
  } else {
    const { results } = await d1
      .prepare(
        `SELECT bucket, action, count(*) AS n, total(learn_value) AS successes, total(1 - learn_value) AS failures,
                total(normalized_reward) AS reward_sum, sum(computed_at > ?5) AS fresh, max(CASE WHEN computed_at > ?5 THEN computed_at END) AS newest
           FROM decision_outcomes WHERE ${where} GROUP BY bucket, action`,
      )
      .bind(t.projectId, t.decisionType, FINAL_PASS, opts.asOf, watermark)
      .all<ArmSums & { fresh: number; newest: number | null }>();
    for (const r of results) seen(r.fresh, r.newest);
    stats = armStatsFromSums(results);
  }
  const base = { decision_type: t.decisionType, policy_id: t.policyId, project: t.projectId, fresh_outcomes: freshCount };
  const version = (last?.version ?? 0) + 1;
  // Stamped with the wall clock (not as_of), so versions' ages in the learning status are real ages.
  const written = await writeVersion(d1, t, version, stats, { fresh: freshCount, watermark: newest ?? watermark, halfLifeDays: opts.halfLifeDays, now: Date.now() });
  log.info(`[LEARN_JOB] coeffs_updated=v${version}`, { ...base, version, outcomes: stats.outcomes, buckets: stats.buckets.size });
  const loaded = await loadIntoBuckets(env, t, version, stats);
  return { rowsRead: stats.outcomes + 2, rowsWritten: written, summary: { ...base, status: "updated", version, outcomes: stats.outcomes, buckets: stats.buckets.size, buckets_loaded: loaded } };
}

/** The new version replaces the old in one batch (one transaction): readers see the old version or the new, never a mix. */
async function writeVersion(
  d1: D1Database,
  t: Target,
  version: number,
  stats: AggregatedStats,
  meta: { fresh: number; watermark: number; halfLifeDays: number | null; now: number },
): Promise<number> {
  const rows: unknown[][] = [];
  for (const [bucket, arms] of stats.buckets) {
    for (const arm of Object.values(arms)) {
      rows.push([t.projectId, t.decisionType, t.policyId, bucket, arm.action, version, arm.n, arm.successes, arm.failures, arm.rewardSum, meta.now]);
    }
  }
  const statements: D1PreparedStatement[] = [
    d1.prepare("DELETE FROM bandit_arm_stats WHERE project_id = ?1 AND decision_type = ?2 AND policy_id = ?3").bind(t.projectId, t.decisionType, t.policyId),
  ];
  statements.push(
    ...multiRowInserts(d1, "bandit_arm_stats", ["project_id", "decision_type", "policy_id", "bucket", "action", "version", "n", "successes", "failures", "reward_sum", "updated_at"], rows),
  );
  statements.push(
    d1
      .prepare(
        `INSERT INTO bandit_stats_versions (project_id, decision_type, policy_id, version, outcomes_counted, fresh_outcomes, watermark, half_life_days, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
      )
      .bind(t.projectId, t.decisionType, t.policyId, version, stats.outcomes, meta.fresh, meta.watermark, meta.halfLifeDays, meta.now),
  );
  await d1.batch(statements);
  return rows.length + 1;
}

/** Pushes the version to every bucket's Durable Object. A failed push is not lost: a DO re-reads D1 when it finds itself behind. */
async function loadIntoBuckets(env: Env, t: Target, version: number, stats: AggregatedStats): Promise<number> {
  let loaded = 0;
  await Promise.all(
    [...stats.buckets].map(async ([bucket, arms]) => {
      const key: BucketKey = { ...t, bucket };
      try {
        const r = await bucketStub(env, key).load(key, { version, stats: arms, pooled: stats.pooled });
        if (r.loaded) loaded++;
      } catch (err) {
        log.warn("bucket_load_failed", { ...key, version, error: String(err) });
      }
    }),
  );
  return loaded;
}
