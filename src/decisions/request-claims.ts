// request_id idempotency across a project: which RequestClaims object holds a request_id, and how twins are settled.
import type { Env } from "../env";
import { ApiError } from "../http/errors";
import { log } from "../http/log";
import { recordingBucket } from "./bucket-stub";
import { findDecision, type DecisionRow } from "./decision-rows";
import type { Claim } from "./request-claims-do";

/**
 * A claim whose decision is in no bucket and not in D1 may belong to a request still on its way; after this long it
 * can only be one whose bucket failed, and a new decision may take its place.
 */
export const STALE_CLAIM_MS = 30_000;

/** FNV-1a: a stable, even spread of request_ids over the shards (not a security boundary). */
function shardOf(requestId: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) h = Math.imul(h ^ requestId.charCodeAt(i), 0x01000193) >>> 0;
  return h % shards;
}

export function claimsStub(env: Pick<Env, "REQUEST_CLAIMS">, projectId: string, requestId: string, shards: number) {
  return env.REQUEST_CLAIMS.get(env.REQUEST_CLAIMS.idFromName(`${projectId}\u0000${shardOf(requestId, shards)}`));
}

const claimOfRow = (row: DecisionRow): Claim => ({ decisionId: row.id, decisionType: row.decision_type, unitId: row.unit_id, claimedAt: row.created_at });

/** A decision by id wherever it is: its bucket first (it may not be flushed yet), then D1. */
export async function locateDecision(env: Env, projectId: string, id: string): Promise<DecisionRow | null> {
  const bucket = recordingBucket(env, id);
  if (bucket) {
    const row = await bucket.find(projectId, id);
    if (row) return row;
  }
  return findDecision(env.DB, projectId, id);
}

export type Settlement = { winner: DecisionRow; discardOurs: boolean };

/**
 * The claim named another decision than the one our bucket answered with. Finds the claimed decision: if it exists,
 * it is the answer and ours (if new) is withdrawn. If its bucket gave the request_id to another decision instead, the
 * claimed one can never exist, and the claim moves to that one. If it is nowhere and the claim is fresh, its request
 * may still be in flight: 409, retry. If stale, ours takes its place.
 */
export async function settleTwin(
  env: Env,
  projectId: string,
  requestId: string,
  shards: number,
  claim: Claim,
  ours: { row: DecisionRow; existing: boolean },
  now: number,
): Promise<Settlement> {
  const claims = claimsStub(env, projectId, requestId, shards);
  let current = claim;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (current.decisionId === ours.row.id) return { winner: ours.row, discardOurs: false };
    const bucket = recordingBucket(env, current.decisionId);
    let claimed: DecisionRow | null = null;
    let other: DecisionRow | null = null;
    if (bucket) ({ claimed, other } = await bucket.findForRequest(projectId, current.decisionId, requestId));
    claimed ??= await findDecision(env.DB, projectId, current.decisionId);
    if (claimed) return { winner: claimed, discardOurs: !ours.existing };

    const replacement = other ?? (now - current.claimedAt > STALE_CLAIM_MS ? ours.row : null);
    if (!replacement) throw inProgress();
    const swapped = await claims.replace(projectId, requestId, current.decisionId, claimOfRow(replacement));
    if (swapped.replaced) {
      log.warn("request_claim_moved", { request_id_shard: shardOf(requestId, shards), from: current.decisionId, to: replacement.id, reason: other ? "bucket_answered_other" : "stale" });
      return { winner: replacement, discardOurs: !ours.existing && replacement.id !== ours.row.id };
    }
    if (!swapped.claim) break;
    current = swapped.claim;
  }
  throw inProgress();
}

const inProgress = () =>
  new ApiError(409, "request_in_progress", "Another request with this request_id is still being decided; retry shortly", undefined, { "Retry-After": "1" });
