// The one place a bucket's Durable Object is named: (project, decision type, policy, bucket) → one BanditBucket.
import type { Env } from "../env";
import type { BucketKey } from "./arm-stats";

export function bucketStub(env: Pick<Env, "BANDIT_BUCKET">, key: BucketKey) {
  return env.BANDIT_BUCKET.get(env.BANDIT_BUCKET.idFromName(`${key.projectId}\u0000${key.decisionType}\u0000${key.policyId}\u0000${key.bucket}`));
}
