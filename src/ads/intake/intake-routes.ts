// The ads uploads: PUT /v1/ads/entities and /v1/ads/insights (JSON, per-row acceptance) and POST /v1/ads/insights/import (CSV).
import { z } from "zod";
import { config } from "../../env";
import { ApiRoute } from "../../http/api-route";
import type { AppContext } from "../../http/context";
import { ApiError, errorResponses } from "../../http/errors";
import { bearerOnly, jsonResponse } from "../../http/openapi";
import { readBodyLimited } from "../../http/read-body";
import { adsProject, configIdSchema } from "../ads-scope";
import { projectQuery } from "../ml-route-schemas";
import { importMetaCsv } from "./import-meta-csv";
import { uploadEntities, uploadInsights } from "./upload";

const query = z.object({ project: projectQuery });
const rejection = z.object({ index: z.number().int(), code: z.string(), message: z.string() });
const outcome = z.object({
  accepted: z.number().int().describe("Rows that passed: stored, or already stored exactly so"),
  written: z.number().int().describe("Accepted rows that were new or changed something"),
  rejected: z.array(rejection).describe("Refused rows by their index in the request, each with a code"),
});
const uploadResponse = outcome.extend({ config_id: z.number().int() });

/** The row limit, as a 413 (the byte limit, ADS_MAX_REQUEST_BYTES, is enforced while the body is read). */
function checkRowCount(c: AppContext, rows: readonly unknown[]) {
  const max = config(c.env).ADS_MAX_ROWS;
  if (rows.length > max) throw new ApiError(413, "payload_too_large", `At most ${max} rows per request (ADS_MAX_ROWS); send the rest in another`, { limit: "ADS_MAX_ROWS", value: rows.length });
}

export class PutAdEntities extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "Upsert an ad account's campaigns, ad sets and ads",
    description:
      "Each row: {entity_type: campaign|adset|ad, entity_id, parent_id (the campaign of an ad set, the ad set of an ad), name, status: active|paused, daily_budget?}. Parents may arrive in the same request. Rows that break the hierarchy are refused by index (unknown_parent, parent_level_mismatch, entity_type_conflict, …); the rest are stored. Re-sending a row changes nothing.",
    security: bearerOnly,
    request: {
      query,
      body: { content: { "application/json": { schema: z.object({ config_id: configIdSchema, entities: z.array(z.unknown()).min(1).describe("Entity rows (see the description)") }) } } },
    },
    responses: { "200": jsonResponse("What was stored and what was refused", uploadResponse), ...errorResponses(400, 401, 403, 404, 413) },
  };
  async handle(c: AppContext) {
    const { query, body } = await this.getValidatedData<typeof this.schema>();
    checkRowCount(c, body.entities);
    const projectId = await adsProject(c, query.project);
    return uploadEntities(c.env.DB, { projectId, configId: body.config_id }, body.entities);
  }
}

export class PutAdInsights extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "Upsert daily insights per entity and date",
    description:
      "Each row: {entity_id, date: YYYY-MM-DD, spend, impressions, reach, clicks, leads, frequency?}. Re-sending a day replaces it. Refused by index: unknown_entity, spend_exceeds_parent (more than the parent's spend that day), spend_below_child, clicks_exceed_impressions, reach_exceeds_impressions, future_date, duplicate_row, invalid_insight.",
    security: bearerOnly,
    request: {
      query,
      body: { content: { "application/json": { schema: z.object({ config_id: configIdSchema, insights: z.array(z.unknown()).min(1).describe("Insight rows (see the description)") }) } } },
    },
    responses: { "200": jsonResponse("What was stored and what was refused", uploadResponse), ...errorResponses(400, 401, 403, 404, 413) },
  };
  async handle(c: AppContext) {
    const { query, body } = await this.getValidatedData<typeof this.schema>();
    checkRowCount(c, body.insights);
    const projectId = await adsProject(c, query.project);
    return uploadInsights(c.env.DB, { projectId, configId: body.config_id }, body.insights);
  }
}

export class PostInsightsImport extends ApiRoute {
  schema = {
    tags: ["ads"],
    summary: "Import an Ads Manager daily export (CSV)",
    description:
      "One level per file (campaigns, ad sets or ads, broken down by Day); the deepest id column sets the level. Column names are mapped as docs/ads.md §1 lists (English and Portuguese Ads Manager headers, or our own field names). The entities named are upserted, then each row's day. Refusals are by CSV data row (0 = the first row after the header).",
    security: bearerOnly,
    request: {
      query: query.extend({ config_id: configIdSchema }),
      body: { content: { "text/csv": { schema: z.string() } } },
    },
    responses: {
      "200": jsonResponse("What was stored and what was refused", z.object({ config_id: z.number().int(), level: z.string(), rows: z.number().int(), entities: outcome, insights: outcome })),
      ...errorResponses(400, 401, 403, 404, 413, 415),
    },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const projectId = await adsProject(c, query.project);
    const cfg = config(c.env);
    const text = await readBodyLimited(c.req.raw, { name: "ADS_MAX_REQUEST_BYTES", bytes: cfg.ADS_MAX_REQUEST_BYTES });
    return importMetaCsv(c.env.DB, { projectId, configId: query.config_id }, text, cfg.ADS_MAX_ROWS);
  }
}
