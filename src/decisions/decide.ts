// decide: decision type → bucket → policy → durable record. Where every decision is made.
import { database } from "../db/client";
import { config, type Env } from "../env";
import { ApiError } from "../http/errors";
import { log } from "../http/log";
import { projectRegistry } from "../projects/event-names";
import { cryptoRng } from "../stats/random";
import { activePolicy } from "./active-policy";
import type { BucketKey } from "./arm-stats";
import { bucketStub } from "./bucket-stub";
import { resolveBucket } from "./bucket-values";
import { fallbackPolicyId } from "./decision-type-config";
import { requireDecisionType } from "./decision-types";
import { policyFor } from "./policies";
import type { PolicyDecision, PolicyParams } from "./policies/policy";
import { findPolicyStart, recordPolicyStart } from "./policy-starts";
import { findDecisionByRequestId, recordDecision, type DecisionRow } from "./record-decision";
import { checkContext, screenIdentifiers } from "./screen-request";

export type DecideRequest = {
  decision_type: string;
  unit_id: string;
  context: Record<string, unknown>;
  resource_type?: string;
  resource_id?: string;
  request_id?: string;
  simulated?: boolean;
};

export type DecideOptions = { now?: number; seed?: string };

export function decisionView(row: DecisionRow, extra: { fallback_reason?: string } = {}) {
  return {
    decision_id: row.id,
    decision_type: row.decision_type,
    action: row.action,
    policy_id: row.policy_id,
    policy_version: row.policy_version,
    bucket: row.bucket,
    propensity: row.propensity,
    explored: row.explored === 1,
    ...extra,
  };
}

export async function decide(env: Env, projectId: string, asked: DecideRequest, opts: DecideOptions = {}) {
  const now = opts.now ?? Date.now();
  const cfg = config(env);
  const db = database(env.DB);

  // The project's PII settings: the registry ingest reads too, cached for REGISTRY_CACHE_SECONDS.
  const registry = await projectRegistry(db, projectId, cfg.REGISTRY_CACHE_SECONDS);
  if (!registry) throw new ApiError(404, "project_not_found", `No project '${projectId}'`);
  const req = await screenIdentifiers(asked, registry.pii, projectId, cfg.USER_ID_SALT);

  // Idempotent by request_id: the same request gets the decision it got the first time.
  if (req.request_id) {
    const existing = await findDecisionByRequestId(env.DB, projectId, req.request_id);
    if (existing) {
      assertSameRequest(existing, req);
      return decisionView(existing);
    }
  }

  checkContext(req.context, registry.pii);

  const type = await requireDecisionType(db, projectId, req.decision_type, cfg.REGISTRY_CACHE_SECONDS);
  const bucket = await resolveBucket(db, projectId, type.name, type.config.bucket_fields, req.context, type.config.max_values_per_field, now);
  const active = activePolicy(type.name, type.config, env);
  if (active.ignoredOverride) log.error("policy_override_ignored", { decision_type: type.name, override: active.ignoredOverride });
  const policy = type.config.policies[active.policyId]!;
  const key: BucketKey = { projectId, decisionType: type.name, policyId: active.policyId, bucket };

  let chosen: PolicyDecision;
  let policyId = active.policyId;
  let version = 0;
  let fallbackReason: string | undefined;
  if (policy.kind === "deterministic") {
    // v0 needs no statistics, so no Durable Object round trip.
    chosen = deterministic(type.config.actions, req.unit_id, bucket, now, policy.params);
  } else {
    // Before its first learned decision, a policy's ε clock has not started: it would start now.
    const recordedStart = await findPolicyStart(db, projectId, type.name, active.policyId);
    const startedAt = recordedStart ?? now;
    // Undefined in production: the bucket then draws from crypto randomness. Tests seed it per unit (DECISION_RNG_SEED).
    const seed = opts.seed ?? (cfg.DECISION_RNG_SEED === undefined ? undefined : `${cfg.DECISION_RNG_SEED}\u0000${req.unit_id}`);
    const answer = await bucketStub(env, key).decide({ key, kind: policy.kind, actions: type.config.actions, params: policy.params, unitId: req.unit_id, now, policyStartedAt: startedAt, seed });
    if (answer.fallback) {
      policyId = fallbackPolicyId(type.config);
      fallbackReason = "no_statistics";
      chosen = deterministic(type.config.actions, req.unit_id, bucket, now, type.config.policies[policyId]!.params);
      log.info(`[BANDIT] fallback policy=${active.policyId} to=${policyId} bucket=${bucket} reason=no_statistics`, { decision_type: type.name, bucket });
    } else {
      chosen = answer;
      version = answer.version;
      if (recordedStart === undefined) await recordPolicyStart(db, projectId, type.name, active.policyId, now);
      if (answer.reason === "high_uncertainty") {
        log.info(`[BANDIT] explore forced arm=${answer.action} reason=high_uncertainty`, { decision_type: type.name, bucket, epsilon: answer.epsilon });
      }
    }
  }

  const row: DecisionRow = {
    id: crypto.randomUUID(),
    project_id: projectId,
    decision_type: type.name,
    unit_id: req.unit_id,
    bucket,
    action: chosen.action,
    policy_id: policyId,
    policy_version: version,
    propensity: chosen.propensity,
    explored: chosen.explored ? 1 : 0,
    context: Object.keys(req.context).length > 0 ? JSON.stringify(req.context) : null,
    resource_type: req.resource_type ?? null,
    resource_id: req.resource_id ?? null,
    request_id: req.request_id ?? null,
    simulated: req.simulated ? 1 : 0,
    created_at: now,
  };
  let stored: DecisionRow;
  try {
    stored = await recordDecision(env.DB, row);
  } catch (err) {
    log.error("decision_not_recorded", { decision_type: type.name, error: String(err) });
    throw new ApiError(503, "decision_not_recorded", "The decision could not be recorded; retry with the same request_id", undefined, { "Retry-After": "1" });
  }
  // A concurrent twin with the same request_id won the unique index: it must have asked the same question.
  if (stored.id !== row.id) assertSameRequest(stored, req);
  return decisionView(stored, stored.id === row.id && fallbackReason ? { fallback_reason: fallbackReason } : {});
}

function assertSameRequest(stored: DecisionRow, req: DecideRequest): void {
  if (stored.decision_type !== req.decision_type || stored.unit_id !== req.unit_id) {
    throw new ApiError(409, "request_id_reused", "This request_id was already used for another decision type or unit");
  }
}

function deterministic(actions: string[], unitId: string, bucket: string, now: number, params: PolicyParams): PolicyDecision {
  return policyFor("deterministic").decide({ actions, stats: {}, params, unitId, bucket, now, policyStartedAt: now, rng: cryptoRng() });
}
