// Admin routes for jobs: run any job now (POST /v1/admin/jobs/:name) and read the ledger (GET /v1/admin/jobs/runs).
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import { database } from "../db/client";
import type { AppContext } from "../http/context";
import { ApiError, errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import type { Principal } from "../http/principal";
import { listRuns } from "./job-runs";
import { JOBS } from "./registry";
import { jobByName, runJob } from "./runner";

/** An operator may run a job for every project; a project admin only for its own, so the project is pinned. */
function scopedParams(principal: Principal, params: Record<string, unknown>): Record<string, unknown> {
  if (principal.kind === "operator") return params;
  if (principal.kind === "jwt" && principal.role === "admin") {
    if (params.project !== undefined && params.project !== principal.projectId) throw new ApiError(403, "wrong_project", "These credentials belong to another project");
    return { ...params, project: principal.projectId };
  }
  throw new ApiError(403, "forbidden", "Running jobs needs an admin");
}

const runResult = z.object({
  run_id: z.string(),
  job: z.string(),
  status: z.enum(["ok", "skipped"]),
  rows_read: z.number(),
  rows_written: z.number(),
  message: z.string().nullable(),
  continued: z.boolean().describe("True when the input was larger than one invocation: the rest runs through the jobs queue"),
  details: z.unknown(),
});

export class RunJob extends ApiRoute {
  schema = {
    tags: ["jobs"],
    summary: "Run a job now: build_bandit_dataset, rebuild_bandit_stats or purge_analytics_events (admin)",
    description: `Jobs: ${Object.values(JOBS).map((j) => `${j.name} — ${j.description}`).join("; ")}. Every job takes as_of (ISO time or epoch ms).`,
    security: bearerOnly,
    request: {
      params: z.object({ name: z.string().min(1).max(64) }),
      body: { content: { "application/json": { schema: z.object({ params: z.record(z.string(), z.unknown()).default({}) }) } } },
    },
    responses: { "200": jsonResponse("The run, as recorded in job_runs", runResult), ...errorResponses(400, 401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    const job = jobByName(params.name);
    return runJob(c.env, job.name, scopedParams(c.get("principal"), body.params), "api");
  }
}

export class ListJobRuns extends ApiRoute {
  schema = {
    tags: ["jobs"],
    summary: "The job ledger, newest first (operator: every run; project admin: its project's)",
    security: bearerOnly,
    request: { query: z.object({ job: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }) },
    responses: { "200": jsonResponse("Runs", z.object({ runs: z.array(z.unknown()) })), ...errorResponses(400, 401, 403) },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const principal = c.get("principal");
    if (principal.kind === "jwt" && principal.role !== "admin") throw new ApiError(403, "forbidden", "Reading the job ledger needs an admin");
    const job = query.job?.replace(/-/g, "_");
    const runs = await listRuns(database(c.env.DB), { job, limit: principal.kind === "operator" ? query.limit : 500 });
    const visible = principal.kind === "operator" ? runs : runs.filter((r) => (r.params as { project?: string }).project === (principal as { projectId: string }).projectId).slice(0, query.limit);
    return { runs: visible };
  }
}
