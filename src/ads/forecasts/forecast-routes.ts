// GET /v1/ml/forecasts and POST /v1/ml/forecasts/generate: read the stored forecasts, or run the level's job now.
import { z } from "zod";
import { ApiRoute } from "../../http/api-route";
import type { AppContext } from "../../http/context";
import { errorResponses } from "../../http/errors";
import { bearerOnly, jsonResponse } from "../../http/openapi";
import { runJob } from "../../jobs/runner";
import { configIdSchema, existingAccount } from "../ads-scope";
import { entityIdsParam, projectQuery as project, requireLevelEntities } from "../ml-route-schemas";
import { entityIdSchema } from "../intake/entity-rows";
import { MAX_HORIZON_DAYS } from "./entity-forecast";
import { DEFAULT_HORIZON_DAYS } from "./forecast-jobs";
import { FORECAST_METRICS, listForecasts } from "./forecasts-store";

/** Seed 001's job table forecasts campaigns and ad sets; an ad's few leads a day make a daily forecast mostly noise. */
const FORECAST_LEVELS = ["campaign", "adset"] as const;
const point = z.object({ date: z.string(), value: z.number().nullable(), lower: z.number().nullable(), upper: z.number().nullable() });
const forecastSchema = z.object({
  entity_type: z.string(),
  entity_id: z.string(),
  metric: z.enum(FORECAST_METRICS),
  as_of_date: z.string().describe("The last day of history"),
  horizon_days: z.number().int(),
  model: z.string(),
  history_days: z.number().int(),
  predictions: z.array(point).describe("One per day after as_of_date; bounds are 95% for spend and leads, paired extremes for CPL (docs/ads.md §6)"),
  total: z.object({ value: z.number().nullable(), lower: z.number().nullable(), upper: z.number().nullable() }),
  backtest: z.unknown().nullable(),
  generated_at: z.string(),
});

export class ListForecasts extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "Stored forecasts of spend, leads and CPL",
    security: bearerOnly,
    request: {
      query: z.object({
        config_id: configIdSchema,
        entity_type: z.enum(FORECAST_LEVELS).default("campaign").describe("campaign (the default, seed 001's compatibility rule) or adset"),
        entity_id: entityIdSchema.optional(),
        metric: z.enum(FORECAST_METRICS).optional(),
        project,
      }),
    },
    responses: { "200": jsonResponse("Forecasts", z.object({ config_id: z.number().int(), entity_type: z.string(), forecasts: z.array(forecastSchema) })), ...errorResponses(400, 401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const scope = await existingAccount(c, query.project, query.config_id);
    const forecasts = await listForecasts(c.env.DB, scope, { entityType: query.entity_type, entityId: query.entity_id, metric: query.metric });
    return { config_id: scope.configId, entity_type: query.entity_type, forecasts };
  }
}

export class GenerateForecasts extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "Forecast an account's campaigns or ad sets now",
    description: "Runs the level's forecast job (campaign_forecasts or adset_forecasts) for this account and answers with the stored result. A run that outlasts one invocation continues on the jobs queue (`continued: true`); read the rest with GET /v1/ml/forecasts.",
    security: bearerOnly,
    request: {
      query: z.object({ project }),
      body: {
        content: {
          "application/json": {
            schema: z.strictObject({
              config_id: configIdSchema,
              entity_type: z.enum(FORECAST_LEVELS).default("campaign"),
              entity_ids: entityIdsParam.optional(),
              horizon_days: z.number().int().min(1).max(MAX_HORIZON_DAYS).default(DEFAULT_HORIZON_DAYS),
              as_of: z.iso.datetime({ offset: true }).optional().describe("History ends on the last complete UTC day before it (default: now)"),
            }),
          },
        },
      },
    },
    responses: {
      "200": jsonResponse("The run and the forecasts it stored", z.object({ run_id: z.string(), continued: z.boolean(), config_id: z.number().int(), entity_type: z.string(), forecasts: z.array(forecastSchema) })),
      ...errorResponses(400, 401, 403, 404),
    },
  };
  async handle(c: AppContext) {
    const { query, body } = await this.getValidatedData<typeof this.schema>();
    const scope = await existingAccount(c, query.project, body.config_id);
    await requireLevelEntities(c.env.DB, scope, body.entity_type, body.entity_ids);
    const run = await runJob(
      c.env,
      `${body.entity_type}_forecasts`,
      { project: scope.projectId, config_id: scope.configId, entity_ids: body.entity_ids, horizon_days: body.horizon_days, as_of: body.as_of },
      "api",
    );
    const wanted = body.entity_ids ? new Set(body.entity_ids) : null;
    const forecasts = (await listForecasts(c.env.DB, scope, { entityType: body.entity_type })).filter((f) => !wanted || wanted.has(f.entity_id));
    return { run_id: run.run_id, continued: run.continued, config_id: scope.configId, entity_type: body.entity_type, forecasts };
  }
}
