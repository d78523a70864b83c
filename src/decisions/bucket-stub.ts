// The one place a bucket's Durable Object is named: (project, decision type, policy, bucket) → one BanditBucket.
import type { Env } from "../env";
import type { BucketKey } from "./arm-stats";
import { recordingObjectOf } from "./decision-ids";

export function bucketStub(env: Pick<Env, "BANDIT_BUCKET">, key: BucketKey) {
  return env.BANDIT_BUCKET.get(env.BANDIT_BUCKET.idFromName(`${key.projectId}\u0000${key.decisionType}\u0000${key.policyId}\u0000${key.bucket}`));
}

/** The bucket that recorded a decision, from its id; null for an id that names none (an older UUID, or a forged one). */
export function recordingBucket(env: Pick<Env, "BANDIT_BUCKET">, decisionId: string) {
  const objectId = recordingObjectOf(decisionId);
  if (!objectId) return null;
  try {
    // Ids carry a check of their namespace: one this namespace never made is refused here, not sent anywhere.
    return env.BANDIT_BUCKET.get(env.BANDIT_BUCKET.idFromString(objectId));
  } catch {
    return null;
  }
}
