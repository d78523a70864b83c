// POST /v1/learning/evaluate: reads a window of logged decisions with their final outcomes and answers a candidate policy's off-policy estimates.
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import { database } from "../db/client";
import type { AppContext } from "../http/context";
import { ApiError, errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { projectOf, requireProjectAdmin } from "../http/principal";
import { requireProject } from "../projects/projects";
import { FINAL_PASS } from "../learning/reward-spec";
import { fallbackPolicyId, policyConfigSchema } from "./decision-type-config";
import { requireDecisionType } from "./decision-types";
import { MAX_AS_OF } from "../jobs/job";
import { findPolicyStart } from "./policy-starts";
import { candidateDistributions, evaluateCandidate, statsByVersion, versionsInForce, type LoggedRound, type OutcomeSums, type StatsVersion } from "./policy-evaluation";

/** One request reads at most this many logged decisions (a Worker's memory and CPU, not D1, are the limit). */
export const MAX_EVALUATION_ROUNDS = 100_000;
const MAX_WINDOW_MS = 366 * 86_400_000;

const instant = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative().max(MAX_AS_OF)]).describe("ISO-8601 with offset, or epoch ms");
const METRICS = ["success", "learn_value", "normalized_reward"] as const;

const bodySchema = z.strictObject({
  decision_type: z.string().min(1).max(64),
  candidate_policy: z.string().min(1).max(128).optional().describe("A policy id of the decision type's configuration"),
  candidate_params: policyConfigSchema.optional().describe("Or a policy not in the configuration: {kind, params}"),
  from: instant.describe("Decisions made at or after this instant"),
  to: instant.describe("…and before this one"),
  metric: z.enum(METRICS).default("success").describe("Which outcome column is the reward: the spec's success (0/1), learn_value or normalized_reward"),
});

const estimate = z.object({ value: z.number().nullable(), ci95: z.tuple([z.number().nullable(), z.number().nullable()]) });

const responseSchema = z.object({
  project: z.string(),
  decision_type: z.string(),
  window: z.object({ from: z.string(), to: z.string() }),
  metric: z.enum(METRICS),
  candidate: z.object({ policy_id: z.string().nullable(), kind: z.string(), params: z.record(z.string(), z.unknown()) }),
  stats_policy_id: z.string().nullable().describe("Whose versions of the arm statistics the candidate is replayed with"),
  stats_versions_used: z.array(z.number()),
  rounds: z.number().describe("Logged real decisions in the window with a final outcome"),
  decisions_without_outcome: z.number(),
  logging_policy: estimate.extend({ policies: z.record(z.string(), z.number()) }).describe("The logged decisions' own mean reward (on-policy)"),
  estimates: z.object({ ipw: estimate, snipw: estimate, dm: estimate, dr: estimate }),
  ess: z.number(),
  ess_fraction: z.number().nullable(),
  max_weight: z.number(),
  min_propensity: z.number().nullable(),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
});

const SCHEMA = {
  tags: ["decisions"],
  summary: "Off-policy evaluation: what a candidate policy would have scored on the logged decisions of a window (IPW, SNIPW, DM, DR) (admin)",
  security: bearerOnly,
  request: {
    query: z.object({ project: z.string().optional().describe("Only for the operator token, which spans projects") }),
    body: { content: { "application/json": { schema: bodySchema } } },
  },
  responses: { "200": jsonResponse("The estimates beside the logging policy's value", responseSchema), ...errorResponses(400, 401, 403, 404, 429) },
};

export class PostLearningEvaluate extends ApiRoute {
  schema = SCHEMA;
  async handle(c: AppContext) {
    const { body, query } = await this.getValidatedData<typeof this.schema>();
    const principal = c.get("principal");
    const projectId = projectOf(principal, query.project);
    requireProjectAdmin(principal, projectId);
    const from = toMs(body.from);
    const to = toMs(body.to);
    if (!(from < to)) throw new ApiError(400, "validation_failed", "`from` must be before `to`", [{ path: ["to"], message: "must be after from" }]);
    if (to - from > MAX_WINDOW_MS) throw new ApiError(400, "validation_failed", "The window may span at most 366 days", [{ path: ["to"], message: "window too long" }]);
    if ((body.candidate_policy === undefined) === (body.candidate_params === undefined)) {
      throw new ApiError(400, "validation_failed", "Give exactly one of candidate_policy and candidate_params", [{ path: ["candidate_policy"], message: "exactly one of candidate_policy, candidate_params" }]);
    }
    const db = database(c.env.DB);
    await requireProject(db, projectId);
    const type = await requireDecisionType(db, projectId, body.decision_type);
    const { config } = type;
    let candidateConfig = body.candidate_params;
    if (body.candidate_policy !== undefined) {
      if (!Object.hasOwn(config.policies, body.candidate_policy)) {
        throw new ApiError(400, "unknown_policy", `Decision type '${type.name}' has no policy '${body.candidate_policy}'`, { policies: Object.keys(config.policies) });
      }
      candidateConfig = config.policies[body.candidate_policy]!;
    }
    const candidate = candidateConfig!;

    const d1 = c.env.DB;
    const [roundsRes, missingRes, versionsRes] = await d1.batch<Record<string, unknown>>([
      d1
        .prepare(
          // body.metric is one of the enum's column names (zod checked), never free text.
          `SELECT d.id, d.unit_id, d.bucket, d.action, d.propensity, d.created_at, d.policy_id, o.${body.metric} AS reward
             FROM decisions d JOIN decision_outcomes o ON o.decision_id = d.id AND o.pass = ?5
            WHERE d.project_id = ?1 AND d.decision_type = ?2 AND d.simulated = 0 AND d.created_at >= ?3 AND d.created_at < ?4
            ORDER BY d.created_at, d.id LIMIT ?6`,
        )
        .bind(projectId, type.name, from, to, FINAL_PASS, MAX_EVALUATION_ROUNDS + 1),
      d1
        .prepare(
          `SELECT count(*) AS n FROM decisions d
            WHERE d.project_id = ?1 AND d.decision_type = ?2 AND d.simulated = 0 AND d.created_at >= ?3 AND d.created_at < ?4
              AND NOT EXISTS (SELECT 1 FROM decision_outcomes o WHERE o.decision_id = d.id AND o.pass = ?5)`,
        )
        .bind(projectId, type.name, from, to, FINAL_PASS),
      d1.prepare("SELECT policy_id, version, created_at, watermark FROM bandit_stats_versions WHERE project_id = ?1 AND decision_type = ?2").bind(projectId, type.name),
    ]);
    if (roundsRes!.results.length > MAX_EVALUATION_ROUNDS) {
      throw new ApiError(400, "window_too_large", `The window holds more than ${MAX_EVALUATION_ROUNDS} logged decisions with outcomes; evaluate a shorter one`);
    }
    const policies: Record<string, number> = {};
    const rounds: LoggedRound[] = roundsRes!.results.map((r) => {
      policies[r.policy_id as string] = (policies[r.policy_id as string] ?? 0) + 1;
      return { id: r.id as string, unitId: r.unit_id as string, bucket: r.bucket as string, action: r.action as string, propensity: Number(r.propensity), createdAt: Number(r.created_at), reward: Number(r.reward) };
    });

    const { statsPolicyId, versions } = versionsFor(versionsRes!.results as VersionRow[], body.candidate_policy);
    // Only the versions the window's decisions were made under need statistics (and outcomes up to their watermarks).
    const inForce = versionsInForce(rounds, versions);
    let sums: OutcomeSums[] = [];
    if (candidate.kind !== "deterministic" && inForce.length > 0) {
      const until = Math.max(...inForce.map((v) => v.watermark));
      const { results } = await d1
        .prepare(
          `SELECT bucket, action, computed_at, count(*) AS n, total(learn_value) AS successes, total(1 - learn_value) AS failures, total(normalized_reward) AS reward_sum
             FROM decision_outcomes WHERE project_id = ?1 AND decision_type = ?2 AND pass = ?3 AND simulated = 0 AND computed_at <= ?4
            GROUP BY bucket, action, computed_at`,
        )
        .bind(projectId, type.name, FINAL_PASS, until)
        .all<OutcomeSums>();
      sums = results;
    }
    // ε decays from the policy's start: its real one if it served before the window, else as if switched on at `from`.
    const started = body.candidate_policy ? await findPolicyStart(db, projectId, type.name, body.candidate_policy) : undefined;
    const dists = candidateDistributions(
      rounds,
      config.actions,
      { kind: candidate.kind, params: candidate.params, fallbackParams: config.policies[fallbackPolicyId(config)]!.params, startedAt: Math.min(started ?? from, from) },
      versions,
      statsByVersion(inForce, sums),
    );
    const report = evaluateCandidate(rounds, dists, config.actions, versions);
    const est = (e: { value: number; lower: number; upper: number }) => ({ value: finite(e.value), ci95: [finite(e.lower), finite(e.upper)] as [number | null, number | null] });
    return {
      project: projectId,
      decision_type: type.name,
      window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      metric: body.metric,
      candidate: { policy_id: body.candidate_policy ?? null, kind: candidate.kind, params: candidate.params },
      stats_policy_id: candidate.kind === "deterministic" ? null : statsPolicyId,
      stats_versions_used: candidate.kind === "deterministic" ? [] : report.versionsUsed,
      rounds: report.n,
      decisions_without_outcome: Number((missingRes!.results[0] as { n: number }).n),
      logging_policy: { ...est(report.onPolicy), policies },
      estimates: { ipw: est(report.estimates.ipw), snipw: est(report.estimates.snipw), dm: est(report.estimates.dm), dr: est(report.estimates.dr) },
      ess: report.ess,
      ess_fraction: finite(report.essFraction),
      max_weight: report.maxWeight,
      min_propensity: finite(report.minPscore),
      warnings: report.warnings,
    };
  }
}

type VersionRow = { policy_id: string; version: number; created_at: number; watermark: number };

/**
 * Every learning policy of a type gets a version from the same outcomes in the same rebuild run, so any one of them
 * dates the statistics. The candidate's own versions when it has some; otherwise those of the policy with the most
 * versions (ties by id), which is how a policy that never ran, or ad-hoc params, would have been trained.
 */
function versionsFor(rows: VersionRow[], candidatePolicy: string | undefined): { statsPolicyId: string | null; versions: StatsVersion[] } {
  const byPolicy = new Map<string, StatsVersion[]>();
  for (const r of rows) {
    const list = byPolicy.get(r.policy_id) ?? [];
    list.push({ version: Number(r.version), createdAt: Number(r.created_at), watermark: Number(r.watermark) });
    byPolicy.set(r.policy_id, list);
  }
  let chosen = candidatePolicy !== undefined && byPolicy.has(candidatePolicy) ? candidatePolicy : null;
  if (chosen === null) {
    for (const [id, list] of [...byPolicy].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (chosen === null || list.length > byPolicy.get(chosen)!.length) chosen = id;
    }
  }
  return { statsPolicyId: chosen, versions: chosen === null ? [] : byPolicy.get(chosen)! };
}

const toMs = (v: string | number) => (typeof v === "string" ? Date.parse(v) : v);
const finite = (x: number) => (Number.isFinite(x) ? x : null);
