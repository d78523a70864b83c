// BanditBucket: one Durable Object per (project, decision type, policy, bucket), serving decisions from statistics in memory.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { log } from "../http/log";
import { cryptoRng, seededRng } from "../stats/random";
import { EMPTY_STATS, hasNoStatistics, loadArmStats, type BucketKey, type BucketStats } from "./arm-stats";
import { policyFor } from "./policies";
import type { PolicyDecision, PolicyKind, PolicyParams } from "./policies/policy";

export type BucketDecideRequest = {
  key: BucketKey;
  kind: PolicyKind;
  actions: string[];
  params: PolicyParams;
  unitId: string;
  now: number;
  policyStartedAt: number;
  /** Tests and the simulator pass a seed; production draws from crypto randomness. */
  seed?: string;
};

export type BucketDecision = (PolicyDecision & { version: number; fallback: false }) | { fallback: true; version: number };

// An empty bucket re-reads D1 at most this often, in case statistics appeared without a push.
const EMPTY_RECHECK_MS = 60_000;
// A loaded bucket asks D1 for a newer version this often: the rebuild pushes every version, and this catches a lost push.
const VERSION_RECHECK_MS = 5 * 60_000;
const STORAGE_KEY = "stats";

export class BanditBucket extends DurableObject<Env> {
  private current: BucketStats | null = null;
  private key: BucketKey | null = null;
  private checkedAt = 0;
  private served = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Statistics survive eviction in the object's SQLite storage; memory serves every decision after this.
    ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.get<{ key: BucketKey; stats: BucketStats }>(STORAGE_KEY);
      if (stored) {
        this.key = stored.key;
        this.current = stored.stats;
      }
    });
  }

  /** Idempotent by version: an older or equal version is ignored, so a replayed or late load never goes backwards. */
  async load(key: BucketKey, stats: BucketStats): Promise<{ loaded: boolean; version: number }> {
    if (this.current && stats.version <= this.current.version) return { loaded: false, version: this.current.version };
    await this.ctx.storage.put(STORAGE_KEY, { key, stats });
    this.key = key;
    this.current = stats;
    log.info("bandit_stats_loaded", { ...key, version: stats.version });
    return { loaded: true, version: stats.version };
  }

  snapshot(): { key: BucketKey | null; stats: BucketStats; served: number } {
    return { key: this.key, stats: this.current ?? EMPTY_STATS, served: this.served };
  }

  async decide(req: BucketDecideRequest): Promise<BucketDecision> {
    const stats = await this.statistics(req.key, req.now);
    if (req.kind === "thompson" && hasNoStatistics(stats)) return { fallback: true, version: stats.version };
    const decision = policyFor(req.kind).decide({
      actions: req.actions,
      stats: stats.stats,
      pooled: stats.pooled,
      params: req.params,
      unitId: req.unitId,
      bucket: req.key.bucket,
      now: req.now,
      policyStartedAt: req.policyStartedAt,
      rng: req.seed !== undefined ? seededRng(req.seed) : cryptoRng(),
    });
    this.served++;
    return { ...decision, version: stats.version, fallback: false };
  }

  /** Memory first; on a cold object, the stored copy; with neither, D1 (then rechecked at most once a minute). */
  private async statistics(key: BucketKey, now: number): Promise<BucketStats> {
    const recheck = this.current && this.current.version > 0 ? VERSION_RECHECK_MS : EMPTY_RECHECK_MS;
    if (this.current && Math.abs(now - this.checkedAt) < recheck) return this.current;
    this.checkedAt = now;
    if (this.current && this.current.version > 0) {
      const latest = await this.env.DB.prepare(
        "SELECT max(version) AS v FROM bandit_stats_versions WHERE project_id = ?1 AND decision_type = ?2 AND policy_id = ?3",
      )
        .bind(key.projectId, key.decisionType, key.policyId)
        .first<{ v: number | null }>();
      if ((latest?.v ?? 0) <= this.current.version) return this.current;
    }
    const fromD1 = await loadArmStats(this.env.DB, key);
    if (fromD1.version > 0) await this.load(key, fromD1);
    else this.current = this.current ?? EMPTY_STATS;
    return this.current ?? EMPTY_STATS;
  }
}
