// GET /v1/ml/features: a level's stored EntityFeatures for one day (the latest stored day by default).
import { z } from "zod";
import { ApiRoute } from "../../http/api-route";
import type { AppContext } from "../../http/context";
import { errorResponses } from "../../http/errors";
import { bearerOnly, jsonResponse } from "../../http/openapi";
import { loadEntities } from "../ads-store";
import { configIdSchema, existingAccount } from "../ads-scope";
import { asOfDateParam, entityTypeParam, featuresSchema, projectQuery } from "../ml-route-schemas";
import { latestFeatureDate, storedFeatures } from "./feature-store";

export class ListFeatures extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "The stored features of a level of an ad account for one day (default: the latest day computed)",
    security: bearerOnly,
    request: { query: z.object({ entity_type: entityTypeParam, config_id: configIdSchema, as_of_date: asOfDateParam.optional(), project: projectQuery }) },
    responses: {
      "200": jsonResponse("Features", z.object({ config_id: z.number(), entity_type: z.string(), as_of_date: z.string().nullable(), features: z.array(featuresSchema) })),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const scope = await existingAccount(c, query.project, query.config_id);
    const asOfDate = query.as_of_date ?? (await latestFeatureDate(c.env.DB, scope, query.entity_type));
    const stored = asOfDate === null ? new Map() : await storedFeatures(c.env.DB, scope, query.entity_type, asOfDate);
    // In entity order; an entity added after the day was computed has no row.
    const features = (await loadEntities(c.env.DB, scope, query.entity_type)).flatMap((e) => (stored.has(e.entityId) ? [stored.get(e.entityId)!] : []));
    return { config_id: scope.configId, entity_type: query.entity_type, as_of_date: asOfDate, features };
  }
}
