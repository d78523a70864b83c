// decide: decision type → bucket → the bucket's object, which chooses and records. Where every decision is made.
import { database } from "../db/client";
import { config, type Env } from "../env";
import { ApiError } from "../http/errors";
import { log } from "../http/log";
import { projectRegistry } from "../projects/event-names";
import { activePolicy } from "./active-policy";
import type { BucketKey } from "./arm-stats";
import type { BucketDecision, DecisionDraft } from "./bandit-bucket-do";
import { bucketStub } from "./bucket-stub";
import { resolveBucket } from "./bucket-values";
import { newDecisionId } from "./decision-ids";
import type { DecisionRow } from "./decision-rows";
import { fallbackPolicyId } from "./decision-type-config";
import { requireDecisionType } from "./decision-types";
import { findPolicyStart, recordPolicyStart } from "./policy-starts";
import { claimsStub, settleTwin } from "./request-claims";
import type { ClaimAnswer } from "./request-claims-do";
import { checkContext, screenIdentifiers } from "./screen-request";

export type DecideRequest = {
  decision_type: string;
  unit_id: string;
  context: Record<string, unknown>;
  resource_type?: string;
  resource_id?: string;
  request_id?: string;
  simulated?: boolean;
  experiment_id?: string;
};

export type DecideOptions = {
  now?: number;
  seed?: string;
  /** Work that may finish after the answer (withdrawing a decision that was never answered). */
  waitUntil?: (promise: Promise<unknown>) => void;
};

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

/**
 * With warm caches, one sequential remote call: the bucket's object (with a request_id, the claim goes out beside it,
 * in parallel). The decision reaches D1 from the object's flush, seconds later (docs/decisions.md).
 */
export async function decide(env: Env, projectId: string, asked: DecideRequest, opts: DecideOptions = {}) {
  const now = opts.now ?? Date.now();
  const cfg = config(env);
  const db = database(env.DB);
  const later = (work: Promise<unknown>) => {
    const logged = work.catch((err) => log.error("decision_cleanup_failed", { error: String(err) }));
    if (opts.waitUntil) opts.waitUntil(logged);
  };

  // The project's PII settings: the registry ingest reads too, cached for REGISTRY_CACHE_SECONDS.
  const registry = await projectRegistry(db, projectId, cfg.REGISTRY_CACHE_SECONDS);
  if (!registry) throw new ApiError(404, "project_not_found", `No project '${projectId}'`);
  const req = await screenIdentifiers(asked, registry.pii, projectId, cfg.USER_ID_SALT);
  checkContext(req.context, registry.pii);

  const type = await requireDecisionType(db, projectId, req.decision_type, cfg.REGISTRY_CACHE_SECONDS);
  const bucket = await resolveBucket(db, projectId, type.name, type.config.bucket_fields, req.context, type.config.max_values_per_field, now);
  const active = activePolicy(type.name, type.config, env);
  if (active.ignoredOverride) log.error("policy_override_ignored", { decision_type: type.name, override: active.ignoredOverride });
  const policy = type.config.policies[active.policyId]!;
  const key: BucketKey = { projectId, decisionType: type.name, policyId: active.policyId, bucket };
  const fallbackId = fallbackPolicyId(type.config);

  // Before its first learned decision, a policy's ε clock has not started: it would start now.
  const recordedStart = policy.kind === "deterministic" ? undefined : await findPolicyStart(db, projectId, type.name, active.policyId);
  // Undefined in production: the bucket then draws from crypto randomness. Tests seed it per unit (DECISION_RNG_SEED).
  const seed = opts.seed ?? (cfg.DECISION_RNG_SEED === undefined ? undefined : `${cfg.DECISION_RNG_SEED}\u0000${req.unit_id}`);

  const stub = bucketStub(env, key);
  const draft: DecisionDraft = {
    id: newDecisionId(stub.id.toString()),
    project_id: projectId,
    decision_type: type.name,
    unit_id: req.unit_id,
    bucket,
    context: Object.keys(req.context).length > 0 ? JSON.stringify(req.context) : null,
    resource_type: req.resource_type ?? null,
    resource_id: req.resource_id ?? null,
    request_id: req.request_id ?? null,
    simulated: req.simulated ? 1 : 0,
    experiment_id: req.experiment_id ?? null,
  };
  const requestId = req.request_id;
  const claims = requestId === undefined ? null : claimsStub(env, projectId, requestId, cfg.REQUEST_CLAIM_SHARDS);
  const proposal = { decisionId: draft.id, decisionType: type.name, unitId: req.unit_id, claimedAt: now };

  const [claimed, decided] = await Promise.allSettled([
    claims ? claims.claim(projectId, requestId!, proposal) : Promise.resolve<ClaimAnswer>({ won: true }),
    stub.decide({ key, kind: policy.kind, actions: type.config.actions, params: policy.params, fallback: { policyId: fallbackId, params: type.config.policies[fallbackId]!.params }, now, policyStartedAt: recordedStart ?? now, seed, draft }),
  ]);
  if (decided.status === "rejected" || claimed.status === "rejected") {
    // Nothing was answered: undo whichever half succeeded, so the client's retry starts clean.
    if (decided.status === "fulfilled" && !decided.value.existing) later(stub.discard(projectId, draft.id));
    if (claimed.status === "fulfilled" && claimed.value.won) later(claims!.release(projectId, requestId!, draft.id));
    const error = decided.status === "rejected" ? decided.reason : (claimed as PromiseRejectedResult).reason;
    log.error("decision_not_recorded", { decision_type: type.name, error: String(error) });
    throw new ApiError(503, "decision_not_recorded", "The decision could not be recorded; retry with the same request_id", undefined, { "Retry-After": "1" });
  }
  const answer: BucketDecision = decided.value;

  if (!claimed.value.won || answer.existing) {
    const claim = claimed.value.won ? proposal : claimed.value.claim;
    // Settling a twin is the rare path (a retry in another bucket, a concurrent duplicate): its extra calls are awaited,
    // so a decision nobody will act on is withdrawn before the answer, not left to reach D1.
    const withdraw = () => stub.discard(projectId, answer.row.id).catch((err) => log.error("decision_discard_failed", { decision_id: answer.row.id, error: String(err) }));
    let settled;
    try {
      settled = await settleTwin(env, projectId, requestId!, cfg.REQUEST_CLAIM_SHARDS, claim, answer, now);
    } catch (err) {
      if (!answer.existing) await withdraw();
      throw err;
    }
    if (settled.discardOurs) await withdraw();
    const winner = settled.winner;
    // A request_id names one question: the same decision type for the same unit.
    if (winner.decision_type !== req.decision_type || winner.unit_id !== req.unit_id) {
      throw new ApiError(409, "request_id_reused", "This request_id was already used for another decision type or unit");
    }
    return decisionView(winner);
  }

  if (answer.fallbackReason) {
    log.info(`[BANDIT] fallback policy=${active.policyId} to=${fallbackId} bucket=${bucket} reason=${answer.fallbackReason}`, { decision_type: type.name, bucket });
  } else if (answer.reason === "high_uncertainty") {
    log.info(`[BANDIT] explore forced arm=${answer.row.action} reason=high_uncertainty`, { decision_type: type.name, bucket, epsilon: answer.epsilon });
  }
  // The first learned decision starts the ε clock (once per policy; every isolate caches it after).
  if (answer.learned && recordedStart === undefined) await recordPolicyStart(db, projectId, type.name, active.policyId, now);
  return decisionView(answer.row, answer.fallbackReason ? { fallback_reason: answer.fallbackReason } : {});
}
