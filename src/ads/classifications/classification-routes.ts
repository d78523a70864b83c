// GET /v1/ml/classifications and POST /v1/ml/classifications/classify: the performance tiers of a level.
import { z } from "zod";
import { ApiRoute } from "../../http/api-route";
import type { AppContext } from "../../http/context";
import { errorResponses } from "../../http/errors";
import { bearerOnly, jsonResponse } from "../../http/openapi";
import { adsProject, configIdSchema, existingAccount } from "../ads-scope";
import { asOfDateOf } from "../features/feature-store";
import { asOfDateParam, driverSchema, entityIdsParam, entityTypeParam, limitParam, offsetParam, projectQuery, requireLevelEntities } from "../ml-route-schemas";
import { TIERS } from "./classify";
import { classifyLevel, listClassifications } from "./classification-store";

const classificationSchema = z.object({
  config_id: z.number(),
  entity_type: z.string(),
  entity_id: z.string(),
  entity_name: z.string().nullable(),
  tier: z.enum(TIERS),
  confidence: z.number().describe("0–1: how sure the tier is, from the lead count (docs/ads.md)"),
  drivers: z.array(driverSchema).describe("The features that decided the tier, each with what it was compared with"),
  as_of_date: z.string(),
  classified_at: z.string(),
});

export class ListClassifications extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "The latest performance tier of each entity of a level (seed 001's GET /ml/classifications)",
    security: bearerOnly,
    request: {
      query: z.object({ entity_type: entityTypeParam, config_id: configIdSchema.optional(), tier: z.enum(TIERS).optional(), limit: limitParam, offset: offsetParam, project: projectQuery }),
    },
    responses: { "200": jsonResponse("Tiers", z.object({ entity_type: z.string(), classifications: z.array(classificationSchema) })), ...errorResponses(400, 401, 403, 404, 429) },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const projectId = query.config_id === undefined ? await adsProject(c, query.project) : (await existingAccount(c, query.project, query.config_id)).projectId;
    const rows = await listClassifications(c.env.DB, projectId, query.entity_type, { configId: query.config_id, tier: query.tier, limit: query.limit, offset: query.offset });
    return {
      entity_type: query.entity_type,
      classifications: rows.map((r) => ({
        config_id: r.configId,
        entity_type: r.entityType,
        entity_id: r.entityId,
        entity_name: r.entityName,
        tier: r.tier,
        confidence: r.confidence,
        drivers: r.drivers,
        as_of_date: r.asOfDate,
        classified_at: new Date(r.classifiedAt).toISOString(),
      })),
    };
  }
}

export class ClassifyEntities extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "Classify a level of an ad account now (seed 001's POST /ml/classifications/classify)",
    security: bearerOnly,
    request: {
      query: z.object({ project: projectQuery }),
      body: {
        content: {
          "application/json": {
            schema: z.object({
              config_id: configIdSchema,
              entity_type: entityTypeParam,
              entity_ids: entityIdsParam.optional(),
              as_of: asOfDateParam.optional(),
              force_refresh: z.boolean().default(false).describe("Recompute the day's features even when stored"),
            }),
          },
        },
      },
    },
    responses: {
      "200": jsonResponse(
        "The tiers",
        z.object({
          config_id: z.number(),
          entity_type: z.string(),
          as_of_date: z.string(),
          features_computed: z.boolean(),
          classifications: z.array(z.object({ entity_id: z.string(), tier: z.enum(TIERS), confidence: z.number(), drivers: z.array(driverSchema) })),
        }),
      ),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  };
  async handle(c: AppContext) {
    const { query, body } = await this.getValidatedData<typeof this.schema>();
    const scope = await existingAccount(c, query.project, body.config_id);
    await requireLevelEntities(c.env.DB, scope, body.entity_type, body.entity_ids);
    const now = Date.now();
    const asOfDate = body.as_of ?? asOfDateOf(now);
    const r = await classifyLevel(c.env.DB, scope, body.entity_type, asOfDate, { entityIds: body.entity_ids, force: body.force_refresh, now });
    return {
      config_id: scope.configId,
      entity_type: body.entity_type,
      as_of_date: asOfDate,
      features_computed: r.featuresComputed,
      classifications: r.classified.map((x) => ({ entity_id: x.entityId, tier: x.tier, confidence: x.confidence, drivers: x.drivers })),
    };
  }
}
