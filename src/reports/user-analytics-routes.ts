// GET /v1/users/:user_id/analytics (seed 003): one person's activity, engagement and churn risk; a user reads only their own.
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import { database } from "../db/client";
import { config } from "../env";
import type { AppContext } from "../http/context";
import { ApiError, errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { projectOf } from "../http/principal";
import { pseudonymizeUserId } from "../ingest/enrich";
import { parsePiiSettings, screenIdentifier } from "../ingest/pii/identifiers";
import { requireProject } from "../projects/projects";
import { cachedReport, REPORT_TTL_SECONDS, reportCacheKey } from "./report-cache";
import { analyzeUser, type UserEvent } from "./user-analytics";

export class GetUserAnalytics extends ApiRoute {
  schema = {
    tags: ["reports"],
    summary: "A user's activity by hour, top resource types and categories, engagement score and churn risk",
    security: bearerOnly,
    request: {
      params: z.object({ user_id: z.string().min(1).max(200) }),
      query: z.object({ include_predictions: z.enum(["true", "false"]).default("false"), project: z.string().optional() }),
    },
    responses: { "200": jsonResponse("User analytics", z.record(z.string(), z.unknown())), ...errorResponses(400, 401, 403, 404, 429) },
  };
  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const principal = c.get("principal");
    const projectId = projectOf(principal, query.project);
    // A user reads their own analytics; admins any user's in their project; nobody else.
    if (principal.kind === "jwt" && principal.role === "user" && principal.sub !== params.user_id) {
      throw new ApiError(403, "forbidden", "A user may read only their own analytics");
    }
    if (principal.kind === "publishable_key") throw new ApiError(403, "forbidden", "Publishable keys can only send events");
    const project = await requireProject(database(c.env.DB), projectId);
    const cfg = config(c.env);
    // Stored hashed when every id is (ANONYMIZE_USER_IDS), or when this one looked like personal data and the project
    // pseudonymises such ids (an email as a JWT's sub): look it up the same way.
    const { identifierMode } = parsePiiSettings(project.piiIdentifiers, project.piiAllowedKeys);
    const hashed = cfg.ANONYMIZE_USER_IDS || screenIdentifier("user_id", params.user_id, identifierMode, cfg.USER_ID_SALT !== undefined).action === "pseudonymize";
    const storedId = hashed ? await pseudonymizeUserId(cfg.USER_ID_SALT!, projectId, params.user_id) : params.user_id;
    const includePredictions = query.include_predictions === "true";
    const key = reportCacheKey("user_analytics", projectId, { user: storedId, includePredictions, time_zone: project.timeZone });
    return cachedReport(key, REPORT_TTL_SECONDS.user_analytics, async () => {
      // A user's events include those sent under the anonymous ids an identify/alias linked to them (src/compat).
      const { results } = await c.env.DB.prepare(
        `SELECT event_name, occurred_at, resource_type, properties FROM events
          WHERE project_id = ?1 AND (user_id = ?2 OR user_id IN (SELECT anonymous_id FROM identities WHERE project_id = ?1 AND user_id = ?2))
          ORDER BY occurred_at`,
      )
        .bind(projectId, storedId)
        .all<UserEvent>();
      return { user_id: params.user_id, ...analyzeUser(results, { now: Date.now(), timeZone: project.timeZone, includePredictions }) };
    });
  }
}
