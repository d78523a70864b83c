// Experiments in D1: create, read (cached in the isolate for assignment), list, and versioned changes with history.
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { Database } from "../db/client";
import { experimentChanges, experimentResults, experiments } from "../db/schema";
import { ApiError } from "../http/errors";
import { TtlCache } from "../http/ttl-cache";
import type { VariantRanges } from "./bucketing";
import { experimentMetrics, type Experiment, type ExperimentStatus, type Metric, type Variant } from "./experiment-config";
import { diffExperiments } from "./experiment-rules";

type Row = typeof experiments.$inferSelect;

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function fromRow(r: Row): Experiment {
  return {
    id: r.id,
    projectId: r.projectId,
    key: r.key,
    name: r.name,
    status: r.status as ExperimentStatus,
    version: r.version,
    variants: JSON.parse(r.variants) as Variant[],
    trafficAllocation: r.trafficAllocation,
    seed: r.seed,
    ranges: JSON.parse(r.ranges) as VariantRanges,
    primaryMetric: JSON.parse(r.primaryMetric) as Metric,
    guardrailMetrics: JSON.parse(r.guardrailMetrics) as Metric[],
    decisionType: r.decisionType,
    allocation: r.allocation as Experiment["allocation"],
    startAt: r.startAt,
    endAt: r.endAt,
    startedAt: r.startedAt,
    stoppedAt: r.stoppedAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function toRow(e: Experiment): Row {
  return {
    ...e,
    variants: JSON.stringify(e.variants),
    ranges: JSON.stringify(e.ranges),
    primaryMetric: JSON.stringify(e.primaryMetric),
    guardrailMetrics: JSON.stringify(e.guardrailMetrics),
  };
}

/** The API's view of an experiment (also what the history diffs). */
export function experimentView(e: Experiment) {
  return {
    id: e.id,
    key: e.key,
    name: e.name,
    status: e.status,
    version: e.version,
    variants: e.variants,
    traffic_allocation: e.trafficAllocation,
    seed: e.seed,
    ranges: e.ranges,
    primary_metric: e.primaryMetric,
    guardrail_metrics: e.guardrailMetrics,
    decision_type: e.decisionType,
    allocation: e.allocation,
    start_at: iso(e.startAt),
    end_at: iso(e.endAt),
    started_at: iso(e.startedAt),
    stopped_at: iso(e.stoppedAt),
    created_at: new Date(e.createdAt).toISOString(),
    updated_at: new Date(e.updatedAt).toISOString(),
  };
}

const cache = new TtlCache<Experiment | null>();
const cacheKey = (projectId: string, key: string) => `${projectId}\u0000${key}`;

/**
 * cacheSeconds > 0 is the assignment path's read: at most one D1 read per isolate and experiment in that time (a
 * missing experiment is cached too, so unknown keys cannot make every request reach D1). Admin reads pass 0.
 */
export async function findExperiment(db: Database, projectId: string, key: string, cacheSeconds = 0): Promise<Experiment | null> {
  const ck = cacheKey(projectId, key);
  const cached = cacheSeconds > 0 ? cache.get(ck) : undefined;
  if (cached !== undefined) return cached;
  const row = await db.select().from(experiments).where(and(eq(experiments.projectId, projectId), eq(experiments.key, key))).get();
  const found = row ? fromRow(row) : null;
  cache.set(ck, found, cacheSeconds * 1000);
  return found;
}

export async function requireExperiment(db: Database, projectId: string, key: string, cacheSeconds = 0): Promise<Experiment> {
  const found = await findExperiment(db, projectId, key, cacheSeconds);
  if (!found) throw new ApiError(404, "experiment_not_found", `No experiment '${key}' in this project`);
  return found;
}

export async function listExperiments(db: Database, projectId: string, status?: ExperimentStatus): Promise<Experiment[]> {
  const where = status ? and(eq(experiments.projectId, projectId), eq(experiments.status, status)) : eq(experiments.projectId, projectId);
  return (await db.select().from(experiments).where(where).orderBy(experiments.key).all()).map(fromRow);
}

/**
 * Every experiment that has ever started, of every project (or one), for the results job: archived ones too, whose
 * last days may still be waiting for their metric windows to close (the job skips days once final).
 */
export async function startedExperiments(db: Database, projectId?: string): Promise<Experiment[]> {
  const rows = await db.select().from(experiments).where(projectId ? and(eq(experiments.projectId, projectId), isNotNull(experiments.startedAt)) : isNotNull(experiments.startedAt)).all();
  return rows.map(fromRow);
}

const isConflict = (err: unknown) => /UNIQUE|PRIMARY|constraint/i.test(String(err) + String((err as { cause?: unknown })?.cause ?? ""));

export async function insertExperiment(db: Database, e: Experiment, changedBy: string): Promise<Experiment> {
  try {
    await db.batch([
      db.insert(experiments).values(toRow(e)),
      db.insert(experimentChanges).values({ experimentId: e.id, version: e.version, projectId: e.projectId, action: "create", changedBy, changes: JSON.stringify(diffExperiments(null, experimentView(e))), createdAt: e.updatedAt }),
    ]);
  } catch (err) {
    if (isConflict(err)) throw new ApiError(409, "experiment_exists", `An experiment '${e.key}' already exists in this project`);
    throw err;
  }
  cache.delete(cacheKey(e.projectId, e.key));
  return e;
}

/**
 * Writes `next` (version = before.version + 1) and its history row in one batch. The history row's primary key is the
 * lock: of two writers from the same version, the second is refused (409), so history and state never disagree.
 */
export async function saveExperiment(db: Database, before: Experiment, next: Experiment, action: string, changedBy: string): Promise<Experiment> {
  const changes = diffExperiments(experimentView(before), experimentView(next));
  delete changes.version;
  delete changes.updated_at;
  // A metric whose definition changed under the same key: its computed days measured something else, so they go.
  const old = new Map(experimentMetrics(before).map((m) => [m.key, JSON.stringify(m)]));
  const redefined = experimentMetrics(next).filter((m) => old.has(m.key) && old.get(m.key) !== JSON.stringify(m)).map((m) => m.key);
  try {
    await db.batch([
      db.insert(experimentChanges).values({ experimentId: next.id, version: next.version, projectId: next.projectId, action, changedBy, changes: JSON.stringify(changes), createdAt: next.updatedAt }),
      db.update(experiments).set(toRow(next)).where(and(eq(experiments.id, next.id), eq(experiments.version, before.version))),
      ...redefined.map((metric) => db.delete(experimentResults).where(and(eq(experimentResults.experimentId, next.id), eq(experimentResults.metric, metric)))),
    ]);
  } catch (err) {
    if (isConflict(err)) throw new ApiError(409, "version_conflict", "The experiment changed while this change was being written; read it again and retry");
    throw err;
  }
  // This isolate sees the change at once; others within REGISTRY_CACHE_SECONDS.
  cache.delete(cacheKey(next.projectId, next.key));
  return next;
}

export function checkVersion(current: Experiment, expected: number | undefined): void {
  if (expected !== undefined && expected !== current.version) {
    throw new ApiError(409, "version_conflict", `The experiment is at version ${current.version}, not ${expected}`, { current_version: current.version });
  }
}

export async function experimentHistory(db: Database, e: Experiment) {
  const rows = await db
    .select()
    .from(experimentChanges)
    .where(and(eq(experimentChanges.projectId, e.projectId), eq(experimentChanges.experimentId, e.id)))
    .orderBy(desc(experimentChanges.version))
    .all();
  return rows.map((r) => ({ version: r.version, action: r.action, changed_by: r.changedBy, changes: JSON.parse(r.changes) as Record<string, { from: unknown; to: unknown }>, created_at: new Date(r.createdAt).toISOString() }));
}
