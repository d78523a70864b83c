// GET /v1/ml/anomalies and POST /v1/ml/anomalies/detect: seed 001's anomaly API, with entity_type defaulting to campaign.
import { z } from "zod";
import { ApiRoute } from "../../http/api-route";
import type { AppContext } from "../../http/context";
import { ApiError, errorResponses } from "../../http/errors";
import { bearerOnly, jsonResponse } from "../../http/openapi";
import { reportDateSchema } from "../../reports/report-dates";
import { asOfParam } from "../../jobs/job";
import { SEVERITIES, type Severity } from "../../stats/anomalies";
import { adsProject, configIdSchema, existingAccount } from "../ads-scope";
import { AD_ENTITY_TYPES } from "../entity-levels";
import { ANOMALY_METRICS } from "./anomaly-metrics";
import { listAnomalies, type StoredAnomaly } from "./anomaly-store";
import { detectAccountAnomalies } from "./detect-account-anomalies";
import { MAX_DETECTION_DAYS, examinedDay } from "./anomaly-jobs";
import { entityIdsParam, entityTypeParam as entityType, projectQuery as project } from "../ml-route-schemas";


const anomalySchema = z.object({
  config_id: z.number().int(),
  entity_type: z.enum(AD_ENTITY_TYPES),
  entity_id: z.string(),
  metric: z.enum(ANOMALY_METRICS),
  date: z.string(),
  value: z.number(),
  expected: z.number().describe("Last week's level plus this weekday's offset"),
  score: z.number().describe("Robust z: (value − expected) / scale, scale = 1.4826 · MAD of the residuals (floored)"),
  severity: z.enum(SEVERITIES).describe("|score| ≥ 4 low, ≥ 6 medium, ≥ 10 high, ≥ 20 critical"),
  direction: z.enum(["up", "down"]),
  detected_at: z.string().describe("When this finding was first stored (a re-detection that finds the same keeps it)"),
});

const view = (a: StoredAnomaly) => ({
  config_id: a.configId,
  entity_type: a.entityType,
  entity_id: a.entityId,
  metric: a.metric,
  date: a.date,
  value: a.value,
  expected: a.expected,
  score: a.score,
  severity: a.severity,
  direction: a.direction,
  detected_at: new Date(a.detectedAt).toISOString(),
});

/** `severity=medium` means medium or worse. */
const atLeast = (s: Severity) => SEVERITIES.slice(SEVERITIES.indexOf(s));

export class GetAnomalies extends ApiRoute {
  schema = {
    tags: ["ml"],
    summary: "Anomalies found at one level (entity_type, default campaign), newest day first",
    security: bearerOnly,
    request: {
      query: z.object({
        entity_type: entityType,
        config_id: configIdSchema.optional().describe("One ad account (404 ad_account_not_found if it has no entities); all of the project's when absent"),
        project,
        from: reportDateSchema.optional().describe("First day, YYYY-MM-DD"),
        to: reportDateSchema.optional().describe("Last day, YYYY-MM-DD"),
        severity: z.enum(SEVERITIES).optional().describe("This severity or worse"),
        entity_id: z.string().min(1).max(128).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(200),
      }),
    },
    responses: {
      "200": jsonResponse("Anomalies", z.object({ entity_type: z.enum(AD_ENTITY_TYPES), config_id: z.number().nullable(), anomalies: z.array(anomalySchema) })),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    if (query.from !== undefined && query.to !== undefined && query.to < query.from) throw new ApiError(400, "invalid_range", "to is before from");
    const projectId = query.config_id === undefined ? await adsProject(c, query.project) : (await existingAccount(c, query.project, query.config_id)).projectId;
    const found = await listAnomalies(c.env.DB, projectId, {
      configId: query.config_id,
      entityType: query.entity_type,
      from: query.from,
      to: query.to,
      entityId: query.entity_id,
      severities: query.severity === undefined ? undefined : atLeast(query.severity),
      limit: query.limit,
    });
    return { entity_type: query.entity_type, config_id: query.config_id ?? null, anomalies: found.map(view) };
  }
}

const detectBody = z.object({
  config_id: configIdSchema,
  entity_type: entityType,
  entity_ids: entityIdsParam.optional(),
  days: z.number().int().min(1).max(MAX_DETECTION_DAYS).default(7).describe("Days examined, ending on as_of's day (UTC)"),
  as_of: asOfParam.describe("ISO-8601 time or epoch ms; default now. Its UTC day is the last day examined (the day before at exactly midnight); a day still under way is judged only for rising spend and leads"),
});

export class PostDetectAnomalies extends ApiRoute {
  schema = {
    tags: ["ml"],
    summary: "Detect anomalies now for one account and level; stores them (replacing that range's) and returns them",
    security: bearerOnly,
    request: { query: z.object({ project }), body: { content: { "application/json": { schema: detectBody } } } },
    responses: {
      "200": jsonResponse(
        "What the detection found",
        z.object({
          config_id: z.number(),
          entity_type: z.enum(AD_ENTITY_TYPES),
          from: z.string(),
          to: z.string(),
          entities_examined: z.number(),
          anomalies: z.array(anomalySchema),
          rows_written: z.number().describe("New or changed anomalies"),
          rows_removed: z.number().describe("Stored anomalies of the range the detection no longer finds"),
        }),
      ),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  };
  async handle(c: AppContext) {
    const { query, body } = await this.getValidatedData<typeof this.schema>();
    const scope = await existingAccount(c, query.project, body.config_id);
    const now = Date.now();
    const { to, partialTo } = examinedDay(body.as_of ?? now);
    const r = await detectAccountAnomalies(c.env.DB, scope, { entityType: body.entity_type, entityIds: body.entity_ids, to, partialTo, days: body.days, now, requireKnownEntities: true });
    if (r.unknownEntityIds.length > 0) {
      throw new ApiError(404, "ad_entity_not_found", `No ${body.entity_type} ${r.unknownEntityIds.join(", ")} in account ${body.config_id}`, { entity_ids: r.unknownEntityIds });
    }
    const anomalies = r.anomalies.map(view);
    return { config_id: scope.configId, entity_type: body.entity_type, from: r.from, to: r.to, entities_examined: r.entitiesExamined, anomalies, rows_written: r.written, rows_removed: r.removed };
  }
}
