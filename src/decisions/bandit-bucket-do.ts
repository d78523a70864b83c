// BanditBucket: one Durable Object per (project, decision type, policy, bucket). It chooses from statistics in memory,
// records the decision in its own SQLite storage before answering, and flushes recorded decisions to D1 on an alarm.
import { DurableObject } from "cloudflare:workers";
import { config, type Env } from "../env";
import { log } from "../http/log";
import { cryptoRng, seededRng } from "../stats/random";
import { EMPTY_STATS, hasNoStatistics, loadArmStats, type BucketKey, type BucketStats } from "./arm-stats";
import { DecisionLog } from "./decision-log";
import { deleteDecision, writeDecisions, type DecisionRow } from "./decision-rows";
import { policyFor } from "./policies";
import type { PolicyDecision, PolicyKind, PolicyParams } from "./policies/policy";

/** What the Worker knows of a decision before the policy has chosen: everything the row holds but the choice. */
export type DecisionDraft = Pick<DecisionRow, "id" | "project_id" | "decision_type" | "unit_id" | "bucket" | "context" | "resource_type" | "resource_id" | "request_id" | "simulated" | "experiment_id">;

export type BucketDecideRequest = {
  key: BucketKey;
  kind: PolicyKind;
  actions: string[];
  params: PolicyParams;
  /** Where a Thompson bucket that has learned nothing (nor has its decision type) falls back to. */
  fallback: { policyId: string; params: PolicyParams };
  now: number;
  policyStartedAt: number;
  /** Tests and the simulator pass a seed; production draws from crypto randomness. */
  seed?: string;
  draft: DecisionDraft;
};

export type BucketDecision = {
  row: DecisionRow;
  /** This object had already answered the request_id: `row` is that earlier decision, and nothing new was recorded. */
  existing: boolean;
  /** Served from learned statistics (not v0, not a fallback): the policy's ε clock starts at the first such decision. */
  learned: boolean;
  fallbackReason?: "no_statistics";
  /** The chosen policy's whole distribution (the logged propensity is the chosen action's share of it). */
  propensities?: Record<string, number>;
  reason?: PolicyDecision["reason"];
  epsilon?: number;
};

// An empty bucket re-reads D1 at most this often, in case statistics appeared without a push.
const EMPTY_RECHECK_MS = 60_000;
// A loaded bucket asks D1 for a newer version this often: the rebuild pushes every version, and this catches a lost push.
const VERSION_RECHECK_MS = 5 * 60_000;
const STORAGE_KEY = "stats";
// Rows per flush: one INSERT whose rows travel as a JSON parameter (about 400 bytes a row, far below its 2 MB).
const FLUSH_ROWS = 500;
// A failed flush is retried after 1 s, doubling to 5 min; the rows wait in this object's storage meanwhile.
const RETRY_MAX_MS = 5 * 60_000;

export class BanditBucket extends DurableObject<Env> {
  private current: BucketStats | null = null;
  private key: BucketKey | null = null;
  private checkedAt = 0;
  private served = 0;
  private readonly log: DecisionLog;
  private flushScheduled = false;
  private flushFailures = 0;
  private prunedAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.log = new DecisionLog(ctx.storage.sql);
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

  snapshot(): { key: BucketKey | null; stats: BucketStats; served: number; pending: number } {
    return { key: this.key, stats: this.current ?? EMPTY_STATS, served: this.served, pending: this.log.pendingCount() };
  }

  /**
   * Chooses and records. The answer leaves only after the row is in this object's storage (the output gate holds it),
   * so every decision_id a caller sees survives a restart and reaches D1.
   */
  async decide(req: BucketDecideRequest): Promise<BucketDecision> {
    const stats = req.kind === "deterministic" ? EMPTY_STATS : await this.statistics(req.key, req.now);
    // Synchronous from here to the record: a twin with the same request_id cannot slip in between check and write.
    const { draft } = req;
    if (draft.request_id !== null) {
      const prior = this.log.findByRequest(draft.project_id, draft.request_id);
      if (prior) return { row: prior, existing: true, learned: false };
    }
    const rng = req.seed !== undefined ? seededRng(req.seed) : cryptoRng();
    const input = { actions: req.actions, stats: stats.stats, pooled: stats.pooled, unitId: draft.unit_id, bucket: req.key.bucket, now: req.now, policyStartedAt: req.policyStartedAt, rng };
    let chosen: PolicyDecision;
    let policyId = req.key.policyId;
    let version = 0;
    let fallbackReason: BucketDecision["fallbackReason"];
    if (req.kind === "thompson" && hasNoStatistics(stats)) {
      policyId = req.fallback.policyId;
      fallbackReason = "no_statistics";
      chosen = policyFor("deterministic").decide({ ...input, stats: {}, params: req.fallback.params });
    } else {
      chosen = policyFor(req.kind).decide({ ...input, params: req.params });
      if (req.kind !== "deterministic") version = stats.version;
    }
    const row: DecisionRow = {
      ...draft,
      action: chosen.action,
      policy_id: policyId,
      policy_version: version,
      propensity: chosen.propensity,
      explored: chosen.explored ? 1 : 0,
      created_at: req.now,
    };
    this.log.record(row);
    this.served++;
    await this.scheduleFlush();
    const learned = req.kind !== "deterministic" && !fallbackReason;
    return { row, existing: false, learned, fallbackReason, propensities: chosen.propensities, reason: chosen.reason, epsilon: chosen.epsilon };
  }

  /** A decision this object recorded (flushed or not, within the retention), for GET /v1/decisions/:id. */
  find(projectId: string, id: string): DecisionRow | null {
    const row = this.log.find(id);
    return row && row.project_id === projectId ? row : null;
  }

  /** For settling a request_id claimed by `claimedId`: that decision, or else the one this object gave the request_id. */
  findForRequest(projectId: string, claimedId: string, requestId: string): { claimed: DecisionRow | null; other: DecisionRow | null } {
    const claimed = this.find(projectId, claimedId);
    return { claimed, other: claimed ? null : this.log.findByRequest(projectId, requestId) };
  }

  /** Withdraws a decision that lost its request_id to a twin (it was never returned to a caller), in D1 too if flushed. */
  async discard(projectId: string, id: string): Promise<boolean> {
    const row = this.find(projectId, id);
    if (!row) return false;
    const { flushed } = this.log.discard(id);
    if (flushed) await deleteDecision(this.env.DB, projectId, id);
    return true;
  }

  /** Writes recorded decisions to D1 (idempotent by id), oldest first; reschedules itself while any remain. */
  async alarm(): Promise<void> {
    this.flushScheduled = false;
    const rows = this.log.unflushed(FLUSH_ROWS);
    if (rows.length > 0) {
      try {
        await writeDecisions(this.env.DB, rows);
      } catch (err) {
        this.flushFailures++;
        const retryMs = Math.min(RETRY_MAX_MS, 1000 * 2 ** (this.flushFailures - 1));
        log.error("decision_flush_failed", { rows: rows.length, attempt: this.flushFailures, retry_in_ms: retryMs, error: String(err) });
        await this.ctx.storage.setAlarm(Date.now() + retryMs);
        this.flushScheduled = true;
        return;
      }
      this.flushFailures = 0;
      // A row discarded while the write was under way reached D1 anyway: take it out again.
      const vanished = this.log.markFlushed(rows.map((r) => r.id), Date.now());
      for (const id of vanished) await deleteDecision(this.env.DB, rows.find((r) => r.id === id)!.project_id, id);
    }
    // Retention is counted in days: pruning once an hour (and on the first flush after a restart) is enough.
    if (Date.now() - this.prunedAt > 3_600_000) {
      this.log.prune(Date.now());
      this.prunedAt = Date.now();
    }
    if (this.log.pendingCount() > 0) {
      await this.ctx.storage.setAlarm(Date.now());
      this.flushScheduled = true;
    }
  }

  private async scheduleFlush(): Promise<void> {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    await this.ctx.storage.setAlarm(Date.now() + config(this.env).DECISION_FLUSH_DELAY_MS);
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
