// GET /v1/learning/status: reads the rows learning-status.ts summarises.
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import { database } from "../db/client";
import type { AppContext } from "../http/context";
import { errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { projectOf, requireProjectAdmin } from "../http/principal";
import { requireProject } from "../projects/projects";
import { lastFinishedRun } from "../jobs/job-runs";
import { listDecisionTypes, requireDecisionType } from "./decision-types";

const LEARNING_JOBS = ["build_bandit_dataset", "rebuild_bandit_stats"] as const;
import { learningStatus, type ArmStatsRow, type ServedRow } from "./learning-status";

const armSchema = z.object({
  action: z.string(),
  alpha: z.number(),
  beta: z.number(),
  posterior_mean: z.number(),
  ci95: z.tuple([z.number(), z.number()]).describe("Equal-tailed 95% credible interval of the posterior"),
  decisions_served: z.number(),
  outcomes_counted: z.number(),
});

const jobAge = z.object({ status: z.string(), finished_at: z.string().nullable(), age_seconds: z.number().nullable(), run_id: z.string() }).nullable();

const statusSchema = z.object({
  project: z.string(),
  generated_at: z.string(),
  jobs: z.object({ build_bandit_dataset: jobAge, rebuild_bandit_stats: jobAge }).describe("The latest finished run of each learning job"),
  decision_types: z.array(
    z.object({
      decision_type: z.string(),
      decision_type_version: z.number(),
      active_policy: z.string(),
      active_policy_source: z.enum(["config", "env"]),
      ignored_override: z.string().optional(),
      policies: z.array(
        z.object({
          policy_id: z.string(),
          kind: z.string(),
          active: z.boolean(),
          started_at: z.string().nullable(),
          epsilon: z.number(),
          stats_version: z.number(),
          stats_updated_at: z.string().nullable(),
          stats_age_seconds: z.number().nullable(),
          buckets: z.array(z.object({ bucket: z.string(), actions: z.array(armSchema) })),
        }),
      ),
    }),
  ),
});

export class GetLearningStatus extends ApiRoute {
  schema = {
    tags: ["decisions"],
    summary: "What each decision type has learned: policies, ε, per bucket and action posterior and counts (admin)",
    security: bearerOnly,
    request: { query: z.object({ project: z.string().optional(), decision_type: z.string().optional() }) },
    responses: { "200": jsonResponse("Learning status", statusSchema), ...errorResponses(400, 401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const principal = c.get("principal");
    const projectId = projectOf(principal, query.project);
    requireProjectAdmin(principal, projectId);
    const db = database(c.env.DB);
    await requireProject(db, projectId);
    const types = query.decision_type ? [await requireDecisionType(db, projectId, query.decision_type)] : await listDecisionTypes(db, projectId);
    const now = Date.now();
    const result = [];
    for (const type of types) {
      const [arms, served, starts] = await c.env.DB.batch<Record<string, unknown>>([
        c.env.DB.prepare("SELECT * FROM bandit_arm_stats WHERE project_id = ?1 AND decision_type = ?2").bind(projectId, type.name),
        c.env.DB.prepare(
          "SELECT policy_id, bucket, action, count(*) AS served FROM decisions WHERE project_id = ?1 AND decision_type = ?2 AND simulated = 0 GROUP BY policy_id, bucket, action",
        ).bind(projectId, type.name),
        c.env.DB.prepare("SELECT policy_id, started_at FROM policy_starts WHERE project_id = ?1 AND decision_type = ?2").bind(projectId, type.name),
      ]);
      result.push(
        learningStatus(
          type,
          c.env,
          arms!.results as ArmStatsRow[],
          served!.results as ServedRow[],
          Object.fromEntries((starts!.results as Array<{ policy_id: string; started_at: number }>).map((s) => [s.policy_id, s.started_at])),
          now,
        ),
      );
    }
    const jobs = Object.fromEntries(
      await Promise.all(
        LEARNING_JOBS.map(async (job) => {
          const run = await lastFinishedRun(db, job, projectId);
          const age = run?.finished_at ? Math.round((now - Date.parse(run.finished_at)) / 1000) : null;
          return [job, run ? { status: run.status, finished_at: run.finished_at, age_seconds: age, run_id: run.run_id } : null];
        }),
      ),
    );
    return { project: projectId, generated_at: new Date(now).toISOString(), jobs, decision_types: result };
  }
}
