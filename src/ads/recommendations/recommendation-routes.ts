// GET /v1/ml/recommendations, POST /v1/ml/recommendations/generate and PATCH /v1/ml/recommendations/:id (apply or dismiss).
import { z } from "zod";
import { ApiRoute } from "../../http/api-route";
import type { AppContext } from "../../http/context";
import { errorResponses } from "../../http/errors";
import { bearerOnly, jsonResponse } from "../../http/openapi";
import { adsProject, configIdSchema, existingAccount } from "../ads-scope";
import { AD_ENTITY_TYPES } from "../entity-levels";
import { asOfDateOf } from "../features/feature-store";
import { asOfDateParam, entityTypeParam, limitParam, offsetParam, projectQuery } from "../ml-route-schemas";
import { generateRecommendations, listRecommendations, RECOMMENDATION_STATUSES, resolveRecommendation } from "./recommendation-store";
import { PRIORITIES, RECOMMENDATION_TYPES } from "./rules";

const recommendationSchema = z.object({
  id: z.string(),
  config_id: z.number(),
  entity_type: z.enum(AD_ENTITY_TYPES),
  entity_id: z.string(),
  entity_name: z.string().nullable(),
  type: z.enum(RECOMMENDATION_TYPES),
  status: z.enum(RECOMMENDATION_STATUSES),
  priority: z.enum(PRIORITIES),
  reason: z.string(),
  evidence: z
    .object({ rule: z.string(), thresholds: z.record(z.string(), z.number()), features: z.record(z.string(), z.union([z.number(), z.string(), z.null()])), also_fired: z.array(z.string()).optional() })
    .describe("The rule, its thresholds and the feature values that met them"),
  as_of_date: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  expires_at: z.string(),
  resolved_at: z.string().nullable(),
});

export class ListRecommendations extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "Recommendations of a level, most urgent first (seed 001's GET /ml/recommendations; status defaults to open)",
    security: bearerOnly,
    request: {
      query: z.object({
        entity_type: entityTypeParam,
        config_id: configIdSchema.optional(),
        entity_id: z.string().min(1).max(256).optional(),
        status: z.enum(RECOMMENDATION_STATUSES).default("open"),
        limit: limitParam,
        offset: offsetParam,
        project: projectQuery,
      }),
    },
    responses: { "200": jsonResponse("Recommendations", z.object({ recommendations: z.array(recommendationSchema) })), ...errorResponses(400, 401, 403, 404, 429) },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const projectId = query.config_id === undefined ? await adsProject(c, query.project) : (await existingAccount(c, query.project, query.config_id)).projectId;
    return { recommendations: await listRecommendations(c.env.DB, projectId, { entityType: query.entity_type, configId: query.config_id, entityId: query.entity_id, status: query.status, limit: query.limit, offset: query.offset }) };
  }
}

const summarySchema = z.object({
  entity_type: z.enum(AD_ENTITY_TYPES),
  as_of_date: z.string(),
  features_computed: z.boolean(),
  entities: z.number(),
  raised: z.number().describe("New open recommendations"),
  refreshed: z.number().describe("Open ones whose rule still fires (evidence and expiry renewed)"),
  expired: z.number().describe("Open ones whose rule stopped firing, or that outlived expires_at"),
  held_back: z.number().describe("Fired, but applied within 7 days or dismissed within 14"),
});

export class GenerateRecommendations extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "Generate an ad account's recommendations now, for one level or all three (seed 001's POST /ml/recommendations/generate)",
    security: bearerOnly,
    request: {
      query: z.object({ project: projectQuery }),
      body: {
        content: {
          "application/json": {
            schema: z.object({
              config_id: configIdSchema,
              entity_type: z.enum(AD_ENTITY_TYPES).optional().describe("One level; all three without it"),
              force_refresh: z.boolean().default(false).describe("Recompute the day's features even when stored; applied/dismissed hold-backs still apply"),
              as_of: asOfDateParam.optional(),
            }),
          },
        },
      },
    },
    responses: {
      "200": jsonResponse("What changed, per level, and the open recommendations", z.object({ config_id: z.number(), as_of_date: z.string(), levels: z.array(summarySchema), recommendations: z.array(recommendationSchema) })),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  };
  async handle(c: AppContext) {
    const { query, body } = await this.getValidatedData<typeof this.schema>();
    const scope = await existingAccount(c, query.project, body.config_id);
    const now = Date.now();
    const asOfDate = body.as_of ?? asOfDateOf(now);
    const levels = body.entity_type ? [body.entity_type] : AD_ENTITY_TYPES;
    const summaries = [];
    for (const level of levels) {
      const s = await generateRecommendations(c.env.DB, scope, level, asOfDate, { force: body.force_refresh, now });
      summaries.push({ entity_type: s.entityType, as_of_date: s.asOfDate, features_computed: s.featuresComputed, entities: s.entities, raised: s.raised, refreshed: s.refreshed, expired: s.expired, held_back: s.heldBack });
    }
    const open = (await listRecommendations(c.env.DB, scope.projectId, { configId: scope.configId, status: "open", limit: 5000, offset: 0 })).filter((r) => levels.includes(r.entity_type));
    return { config_id: scope.configId, as_of_date: asOfDate, levels: summaries, recommendations: open };
  }
}

export class ResolveRecommendation extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "Apply or dismiss an open recommendation (409 when it is not open)",
    security: bearerOnly,
    request: {
      params: z.object({ id: z.string().min(1).max(64) }),
      query: z.object({ project: projectQuery }),
      body: { content: { "application/json": { schema: z.object({ status: z.enum(["applied", "dismissed"]) }) } } },
    },
    responses: { "200": jsonResponse("The recommendation", recommendationSchema), ...errorResponses(400, 401, 403, 404, 409, 429) },
  };
  async handle(c: AppContext) {
    const { params, query, body } = await this.getValidatedData<typeof this.schema>();
    const projectId = await adsProject(c, query.project);
    return resolveRecommendation(c.env.DB, projectId, params.id, body.status, Date.now());
  }
}
