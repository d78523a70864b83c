// Decision routes: POST/GET /v1/decisions for backends, and the admin API for decision types (versioned).
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import { database } from "../db/client";
import type { AppContext } from "../http/context";
import { ApiError, errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { changedBy, projectOf } from "../http/principal";
import { adminProject } from "../projects/admin-project";
import { decide, decisionView } from "./decide";
import { decisionTypeConfigSchema } from "./decision-type-config";
import { decisionTypeHistory, listDecisionTypes, requireDecisionType, saveDecisionType, type DecisionType } from "./decision-types";
import { locateDecision } from "./request-claims";

const decisionSchema = z.object({
  decision_id: z.string(),
  decision_type: z.string(),
  action: z.string(),
  policy_id: z.string(),
  policy_version: z.number().int().describe("The arm-statistics version decided from (0: none)"),
  bucket: z.string(),
  propensity: z.number().describe("Probability the policy had of choosing this action"),
  explored: z.boolean(),
  fallback_reason: z.string().optional().describe("Set when a learning policy had no statistics and the deterministic one answered"),
});

const projectQuery = z.object({ project: z.string().optional().describe("Only for the operator token, which spans projects") });

// Built once: chanfana makes a new route object per request, so a schema written in the class is rebuilt every time.
const POST_DECISION_SCHEMA = {
  tags: ["decisions"],
  summary: "Ask which action to take; the decision is recorded with its propensity before it is returned",
  security: bearerOnly,
  request: {
    query: projectQuery,
    body: {
      content: {
        "application/json": {
          schema: z.object({
            decision_type: z.string().min(1).max(64),
            unit_id: z.string().min(1).max(200).describe("Who or what the decision is for (a user, a post idea). Like request_id and resource_*, refused or pseudonymised when it looks like personal data (the project's pii_identifiers)"),
            context: z.record(z.string(), z.unknown()).default({}).describe("Flat object; the decision type's bucket fields are read from it. Checked by the anti-PII guard"),
            resource_type: z.string().min(1).max(64).optional(),
            resource_id: z.string().min(1).max(128).optional(),
            request_id: z.string().min(1).max(128).optional().describe("Idempotency key: the same request_id returns the same decision"),
            simulated: z.boolean().optional().describe("Marks decisions made for simulations; learning ignores them"),
            experiment_id: z.uuid().optional().describe("The experiment this decision is made under (the experiment_id an assignment answered); stored on the decision"),
          }),
        },
      },
    },
  },
  responses: { "200": jsonResponse("The decision", decisionSchema), ...errorResponses(400, 401, 403, 404, 409, 429, 503) },
};

export class PostDecision extends ApiRoute {
  schema = POST_DECISION_SCHEMA;
  async handle(c: AppContext) {
    const { body, query } = await this.getValidatedData<typeof this.schema>();
    // decide() reads the project's settings and answers 404 project_not_found for an unknown one.
    return decide(c.env, projectOf(c.get("principal"), query.project), body, { waitUntil: (p) => c.executionCtx.waitUntil(p) });
  }
}

const GET_DECISION_SCHEMA = {
  tags: ["decisions"],
  summary: "Read a recorded decision",
  security: bearerOnly,
  request: { params: z.object({ id: z.string().min(1).max(64) }), query: projectQuery },
  responses: {
    "200": jsonResponse(
      "The decision as recorded",
      decisionSchema.extend({ unit_id: z.string(), context: z.record(z.string(), z.unknown()).nullable(), resource_type: z.string().nullable(), resource_id: z.string().nullable(), request_id: z.string().nullable(), simulated: z.boolean(), experiment_id: z.string().nullable(), created_at: z.string() }),
    ),
    ...errorResponses(401, 403, 404),
  },
};

export class GetDecision extends ApiRoute {
  schema = GET_DECISION_SCHEMA;
  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const projectId = projectOf(c.get("principal"), query.project);
    // Its bucket first when the id names one: a decision is there before it reaches D1 (seconds later).
    const row = await locateDecision(c.env, projectId, params.id);
    if (!row) throw new ApiError(404, "decision_not_found", `No decision '${params.id}' in this project`);
    return {
      ...decisionView(row),
      unit_id: row.unit_id,
      context: row.context ? (JSON.parse(row.context) as Record<string, unknown>) : null,
      resource_type: row.resource_type,
      resource_id: row.resource_id,
      request_id: row.request_id,
      simulated: row.simulated === 1,
      // Rows recorded before experiment_id existed have no such key in a bucket's log.
      experiment_id: row.experiment_id ?? null,
      created_at: new Date(row.created_at).toISOString(),
    };
  }
}

const typeView = (t: DecisionType) => ({ name: t.name, version: t.version, builtin: t.builtin, config: t.config, updated_at: t.updatedAt ? new Date(t.updatedAt).toISOString() : null });
const typeSchema = z.object({ name: z.string(), version: z.number(), builtin: z.boolean(), config: z.unknown(), updated_at: z.string().nullable() });
const typeParams = z.object({ project: z.string().min(1).max(64), name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "lower snake case, at most 64 characters") });


export class ListDecisionTypes extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "List the project's decision types (built-ins included)",
    security: bearerOnly,
    request: { params: z.object({ project: z.string().min(1).max(64) }) },
    responses: { "200": jsonResponse("Decision types", z.object({ decision_types: z.array(typeSchema) })), ...errorResponses(401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    await adminProject(c, params.project);
    return { decision_types: (await listDecisionTypes(database(c.env.DB), params.project)).map(typeView) };
  }
}

export class GetDecisionType extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "Read a decision type and its version history",
    security: bearerOnly,
    request: { params: typeParams },
    responses: { "200": jsonResponse("The decision type", typeSchema.extend({ history: z.array(z.unknown()) })), ...errorResponses(401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    await adminProject(c, params.project);
    const db = database(c.env.DB);
    const type = await requireDecisionType(db, params.project, params.name);
    return { ...typeView(type), history: await decisionTypeHistory(db, params.project, params.name) };
  }
}

export class PutDecisionType extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "Create or change a decision type; every change is a new version (send expected_version to avoid lost updates)",
    security: bearerOnly,
    request: {
      params: typeParams,
      body: { content: { "application/json": { schema: z.object({ config: decisionTypeConfigSchema, expected_version: z.number().int().min(0).optional() }) } } },
    },
    responses: { "200": jsonResponse("The new version", typeSchema), ...errorResponses(400, 401, 403, 404, 409) },
  };
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    await adminProject(c, params.project);
    return typeView(await saveDecisionType(database(c.env.DB), params.project, params.name, body.config, changedBy(c.get("principal")), body.expected_version));
  }
}
