// The experiments admin API per project: create, read, list, update, start, stop, archive, and the change history.
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import { database } from "../db/client";
import type { AppContext } from "../http/context";
import { errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { changedBy } from "../http/principal";
import { findDecisionType } from "../decisions/decision-types";
import { adminProject } from "../projects/admin-project";
import { checkBanditDecisionType } from "./bandit-allocation";
import { ALLOCATIONS, createExperimentSchema, EXPERIMENT_STATUSES, experimentKeySchema, metricSchema, updateExperimentSchema, type Experiment } from "./experiment-config";
import { applyTransition, applyUpdate, newExperiment, type Transition } from "./experiment-rules";
import { checkVersion, experimentHistory, experimentView, insertExperiment, listExperiments, requireExperiment, saveExperiment } from "./experiments";

const projectParams = z.object({ project: z.string().min(1).max(64) });
const experimentParams = projectParams.extend({ key: experimentKeySchema });

const range = z.tuple([z.number(), z.number()]);
const experimentSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  status: z.enum(EXPERIMENT_STATUSES),
  version: z.number().int(),
  variants: z.array(z.object({ key: z.string(), name: z.string(), weight: z.number() })),
  traffic_allocation: z.number().describe("Percent of units in the experiment"),
  seed: z.string(),
  ranges: z.array(z.array(range)).describe("Per variant, the [start, end) ranges of the hash space it owns (docs/experiments.md: sticky bucketing)"),
  primary_metric: metricSchema,
  guardrail_metrics: z.array(metricSchema),
  decision_type: z.string().nullable(),
  allocation: z.enum(ALLOCATIONS),
  start_at: z.string().nullable(),
  end_at: z.string().nullable(),
  started_at: z.string().nullable(),
  stopped_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

async function adminOf(c: AppContext, project: string) {
  await adminProject(c, project);
  return database(c.env.DB);
}

export class CreateExperiment extends ApiRoute {
  schema = {
    tags: ["experiments"],
    summary: "Create an experiment (as a draft)",
    security: bearerOnly,
    request: { params: projectParams, body: { content: { "application/json": { schema: createExperimentSchema } } } },
    responses: { "201": jsonResponse("The experiment", experimentSchema), ...errorResponses(400, 401, 403, 404, 409) },
  };
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    const db = await adminOf(c, params.project);
    const created = await insertExperiment(db, newExperiment(params.project, crypto.randomUUID(), body, Date.now()), changedBy(c.get("principal")));
    return c.json(experimentView(created), 201);
  }
}

export class ListExperiments extends ApiRoute {
  schema = {
    tags: ["experiments"],
    summary: "List the project's experiments",
    security: bearerOnly,
    request: { params: projectParams, query: z.object({ status: z.enum(EXPERIMENT_STATUSES).optional() }) },
    responses: { "200": jsonResponse("Experiments", z.object({ experiments: z.array(experimentSchema) })), ...errorResponses(400, 401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const db = await adminOf(c, params.project);
    return { experiments: (await listExperiments(db, params.project, query.status)).map(experimentView) };
  }
}

export class GetExperiment extends ApiRoute {
  schema = {
    tags: ["experiments"],
    summary: "Read an experiment",
    security: bearerOnly,
    request: { params: experimentParams },
    responses: { "200": jsonResponse("The experiment", experimentSchema), ...errorResponses(400, 401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const db = await adminOf(c, params.project);
    return experimentView(await requireExperiment(db, params.project, params.key));
  }
}

export class UpdateExperiment extends ApiRoute {
  schema = {
    tags: ["experiments"],
    summary: "Change an experiment. While it runs, new weights or allocation keep every unit in its variant (409 would_reassign_units otherwise)",
    security: bearerOnly,
    request: { params: experimentParams, body: { content: { "application/json": { schema: updateExperimentSchema } } } },
    responses: { "200": jsonResponse("The new version", experimentSchema), ...errorResponses(400, 401, 403, 404, 409) },
  };
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    const db = await adminOf(c, params.project);
    const current = await requireExperiment(db, params.project, params.key);
    checkVersion(current, body.expected_version);
    return experimentView(await saveExperiment(db, current, applyUpdate(current, body, Date.now()), "update", changedBy(c.get("principal"))));
  }
}

const transitionBody = z.object({ expected_version: z.number().int().min(1).optional() });

function transitionRoute(transition: Transition, summary: string) {
  return class extends ApiRoute {
    schema = {
      tags: ["experiments"],
      summary,
      security: bearerOnly,
      request: { params: experimentParams, body: { content: { "application/json": { schema: transitionBody } }, required: false } },
      responses: { "200": jsonResponse("The new version", experimentSchema), ...errorResponses(400, 401, 403, 404, 409) },
    };
    async handle(c: AppContext) {
      const { params, body } = await this.getValidatedData<typeof this.schema>();
      const db = await adminOf(c, params.project);
      const current: Experiment = await requireExperiment(db, params.project, params.key);
      checkVersion(current, body?.expected_version);
      // A bandit experiment runs only on a decision type that can serve it (checked again at each assignment).
      if (transition === "start" && current.allocation === "bandit") {
        checkBanditDecisionType(current, current.decisionType === null ? null : await findDecisionType(db, params.project, current.decisionType), c.env as unknown as Record<string, unknown>);
      }
      return experimentView(await saveExperiment(db, current, applyTransition(current, transition, Date.now()), transition, changedBy(c.get("principal"))));
    }
  };
}

export const StartExperiment = transitionRoute("start", "Start (or resume) an experiment: assignment puts units in it from now");
export const StopExperiment = transitionRoute("stop", "Stop an experiment: assignment answers the control, not in the experiment; results stay readable");
export const ArchiveExperiment = transitionRoute("archive", "Archive a draft or stopped experiment: it can no longer change or run");

export class GetExperimentHistory extends ApiRoute {
  schema = {
    tags: ["experiments"],
    summary: "Every change to an experiment: who changed what, when (newest first)",
    security: bearerOnly,
    request: { params: experimentParams },
    responses: {
      "200": jsonResponse(
        "The history",
        z.object({ history: z.array(z.object({ version: z.number().int(), action: z.string(), changed_by: z.string(), changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })), created_at: z.string() })) }),
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const db = await adminOf(c, params.project);
    return { history: await experimentHistory(db, await requireExperiment(db, params.project, params.key)) };
  }
}
