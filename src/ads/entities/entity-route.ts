// GET /v1/ml/entities/:id: one campaign, ad set or ad with its features, tier, open recommendations, anomalies and forecasts.
import { z } from "zod";
import { ApiRoute } from "../../http/api-route";
import type { AppContext } from "../../http/context";
import { ApiError, errorResponses } from "../../http/errors";
import { bearerOnly, jsonResponse } from "../../http/openapi";
import { configIdSchema, existingAccount } from "../ads-scope";
import { entityIdSchema } from "../intake/entity-rows";
import { projectQuery } from "../ml-route-schemas";
import { entityView } from "./entity-view";

export class GetAdEntity extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "One entity with everything the ML jobs derived for it",
    description: "Its place in the hierarchy, the latest features and tier (with the drivers), open recommendations with their evidence, anomalies of the last 30 days, and forecasts (campaigns and ad sets).",
    security: bearerOnly,
    request: {
      params: z.object({ id: entityIdSchema }),
      query: z.object({ config_id: configIdSchema, project: projectQuery }),
    },
    responses: { "200": jsonResponse("The entity", z.record(z.string(), z.unknown())), ...errorResponses(400, 401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const scope = await existingAccount(c, query.project, query.config_id);
    const view = await entityView(c.env.DB, scope, params.id);
    if (!view) throw new ApiError(404, "entity_not_found", `No entity ${params.id} in ad account ${scope.configId}`, { entity_id: params.id, config_id: scope.configId });
    return view;
  }
}
