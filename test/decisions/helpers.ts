// Helpers for decision tests: ask for decisions, seed learned statistics in D1, reach a bucket's Durable Object.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import type { BucketKey, BucketStats } from "../../src/decisions/arm-stats";
import { bucketStub as stubOf } from "../../src/decisions/bucket-stub";
import { BASE, bearer, json } from "../helpers/api";

export type Decision = {
  decision_id: string;
  decision_type: string;
  action: string;
  policy_id: string;
  policy_version: number;
  bucket: string;
  propensity: number;
  explored: boolean;
  fallback_reason?: string;
};

export async function askDecision(token: string, body: Record<string, unknown>) {
  const res = await json("/v1/decisions", { decision_type: "image_pregen", ...body }, bearer(token));
  return { res, body: (await res.json()) as Decision & { error?: { code: string; message: string } } };
}

/**
 * Calls the Worker with a deployment env changed (a policy override, a binding that fails), as a deployment would be
 * configured, and waits for the work it left running after the answer (waitUntil).
 */
export async function decideWithEnv(overrides: Record<string, unknown>, token: string, body: Record<string, unknown>) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/v1/decisions`, { method: "POST", headers: { "content-type": "application/json", ...bearer(token) }, body: JSON.stringify({ decision_type: "image_pregen", ...body }) }),
    { ...env, ...overrides } as never,
    ctx,
  );
  const parsed = (await res.json()) as Decision & { error?: { code: string } };
  await waitOnExecutionContext(ctx);
  return { res, body: parsed };
}

export function bucketStub(key: BucketKey) {
  return stubOf(env, key);
}

/** Writes arm statistics as the rebuild job would (one version for the whole type and policy). */
export async function seedArmStats(
  projectId: string,
  decisionType: string,
  policyId: string,
  version: number,
  rows: Array<{ bucket: string; action: string; successes: number; failures: number }>,
) {
  for (const r of rows) {
    await env.DB.prepare(
      `INSERT INTO bandit_arm_stats (project_id, decision_type, policy_id, bucket, action, version, n, successes, failures, reward_sum, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?10)
       ON CONFLICT DO UPDATE SET version = excluded.version, n = excluded.n, successes = excluded.successes, failures = excluded.failures, reward_sum = excluded.reward_sum, updated_at = excluded.updated_at`,
    )
      .bind(projectId, decisionType, policyId, r.bucket, r.action, version, r.successes + r.failures, r.successes, r.failures, Date.now())
      .run();
  }
}

export const stats = (version: number, arms: Record<string, [number, number]>, pooled: Record<string, [number, number]> = {}): BucketStats => ({
  version,
  stats: Object.fromEntries(Object.entries(arms).map(([action, [s, f]]) => [action, { action, n: s + f, successes: s, failures: f, rewardSum: s }])),
  pooled: Object.fromEntries(Object.entries(pooled).map(([action, [s, n]]) => [action, { successes: s, n }])),
});
