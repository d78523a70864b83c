// Helpers for learning-loop tests: run jobs through the admin API, post a decision's UI events, read outcomes.
import { env } from "cloudflare:workers";
import { asOperator, bearer, json, waitForEvents } from "../helpers/api";
import { flushDecisions } from "../helpers/decisions";

export const HOUR = 3_600_000;

export type RunResult = { run_id: string; job: string; status: string; rows_read: number; rows_written: number; message: string | null; continued: boolean; details: unknown };

/** Runs a job through the admin API, after the buckets have flushed their decisions (a job reads them from D1). */
export async function runJob(name: string, params: Record<string, unknown>, token?: string): Promise<RunResult> {
  await flushDecisions();
  const res = await json(`/v1/admin/jobs/${name}`, { params }, token ? bearer(token) : asOperator);
  if (res.status !== 200) throw new Error(`${name}: ${res.status} ${await res.text()}`);
  return (await res.json()) as RunResult;
}

/** Posts events attributed to a decision (as the UI would, with the publishable key) and waits for them in D1. */
export async function postDecisionEvents(project: { id: string; key: string }, decisionId: string, names: string[], occurredAt?: number) {
  if (names.length === 0) return;
  const before = (await env.DB.prepare("SELECT count(*) AS n FROM events WHERE project_id = ?1").bind(project.id).first<{ n: number }>())!.n;
  const events = names.map((event_name) => ({
    event_name,
    decision_id: decisionId,
    resource_type: "PostIdea",
    ...(occurredAt ? { occurred_at: new Date(occurredAt).toISOString() } : {}),
  }));
  const res = await json("/v1/events", events, { "x-edgeloop-key": project.key });
  if (res.status !== 202) throw new Error(`events: ${res.status} ${await res.text()}`);
  await waitForEvents(project.id, before + names.length);
}

export async function outcomesOf(decisionId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM decision_outcomes WHERE decision_id = ?1 ORDER BY pass").bind(decisionId).all<Record<string, unknown>>();
  return results.map((r) => ({ ...r, metrics: JSON.parse(r.metrics as string) as Record<string, unknown> }));
}

export async function armStatsOf(projectId: string, policyId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM bandit_arm_stats WHERE project_id = ?1 AND policy_id = ?2 ORDER BY bucket, action").bind(projectId, policyId).all<Record<string, number | string>>();
  return results;
}
