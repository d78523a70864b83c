// Builds the HTTP app: shared middleware, the OpenAPI registry, then each capability's routes.
import { fromHono } from "chanfana";
import { Hono } from "hono";
import { authenticate } from "./http/auth";
import type { AppEnv } from "./http/context";
import { corsForCaller, preflight } from "./http/cors";
import { ApiError, renderError } from "./http/errors";
import { adminOnly, operatorOnly } from "./http/authorize";
import { jsonBody, jsonBodyWithin } from "./http/json-body";
import { SECURITY_SCHEMES } from "./http/openapi";
import { rateLimit } from "./http/rate-limit";
import { requestLog } from "./http/request-log";
import { GetDecision, GetDecisionType, GetLearningStatus, ListDecisionTypes, PostDecision, PostLearningEvaluate, PutDecisionType } from "./decisions";
import { ArchiveExperiment, CreateExperiment, GetExperiment, GetExperimentHistory, GetExperimentResults, ListExperiments, PostAssignment, StartExperiment, StopExperiment, UpdateExperiment } from "./experiments";
import { ClassifyEntities, GenerateForecasts, GenerateRecommendations, GetAdEntity, GetAnomalies, ListClassifications, ListFeatures, ListForecasts, ListRecommendations, PostInsightsImport, PostDetectAnomalies, PutAdEntities, PutAdInsights, ResolveRecommendation } from "./ads";
import { ListDeadLetters, PostCollect, PostEvents, ReplayDeadLetters } from "./ingest";
import { mountCompatRoutes } from "./compat";
import { ListJobRuns, RunJob } from "./jobs/routes";
import { GetActive, GetDau, GetEventsSummary } from "./reports/activity-routes";
import { PostCohorts } from "./reports/cohort-routes";
import { DownloadExport, GetEventsExport, GetExport, PostExport } from "./reports/exports-routes";
import { PostPopularityForecast } from "./reports/forecast-routes";
import { GetUserAnalytics } from "./reports/user-analytics-routes";
import { BenchNoop, Healthz, Status } from "./ops/routes";
import { AddEventNames, CreateKey, CreateProject, GetProject, ListEventNames, ListKeys, ListProjects, RevokeKey, UpdateProject } from "./projects";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError(renderError);
  app.notFound((c) => renderError(new ApiError(404, "not_found", `No route ${c.req.method} ${c.req.path}`), c));
  app.use("*", requestLog);

  const openapi = fromHono(app, {
    docs_url: "/docs",
    openapi_url: "/openapi.json",
    openapiVersion: "3.1",
    // Raw errors reach app.onError, which renders the one error shape (chanfana's own is {success:false, errors}).
    passthroughErrors: true,
    schema: {
      info: { title: "edgeloop", version: "0.1.0", description: "Edge-native product analytics and decisioning" },
    },
  });
  openapi.registry.registerComponent("securitySchemes", "bearer", SECURITY_SCHEMES.bearer);
  openapi.registry.registerComponent("securitySchemes", "publishableKey", SECURITY_SCHEMES.publishableKey);
  openapi.registry.registerComponent("securitySchemes", "publishableKeyQuery", SECURITY_SCHEMES.publishableKeyQuery);

  // Operations (public).
  openapi.get("/healthz", Healthz);
  openapi.get("/v1/status", Status);
  app.post("/__bench/noop", (c) => new BenchNoop({} as never).handle(c)); // plain Hono: the bench floor stays out of /openapi.json

  // Ingest: browsers (publishable keys, CORS) and backends (JWT). The ingest handler reads its own body (per-event
  // acceptance), within MAX_REQUEST_BYTES.
  // Middleware first (Hono runs every matching handler in order), so preflights stay unauthenticated.
  // Each middleware is registered for "/x/*" alone: Hono's "/x/*" also matches "/x", so adding "/x" would run it twice.
  app.options("/v1/events", preflight);
  app.options("/v1/collect", preflight);
  app.on("POST", ["/v1/events", "/v1/collect"], corsForCaller, authenticate("publishable_key", "jwt", "operator"), rateLimit("ingest"));
  openapi.post("/v1/events", PostEvents);
  openapi.post("/v1/collect", PostCollect);
  // Segment, PostHog and seed 002 clients, unmodified: their paths onto the same pipeline (docs/compatibility.md).
  mountCompatRoutes(app);

  // Every other route: authenticate, count once against the limit, authorise, and only then read the body.
  const bearerCaller = authenticate("jwt", "operator");

  // Decisions: backends ask, the bandit answers.
  app.use("/v1/decisions/*", bearerCaller, rateLimit("decide"), jsonBody);
  openapi.post("/v1/decisions", PostDecision);
  openapi.get("/v1/decisions/:id", GetDecision);
  // Experiments: assignment is a hot path like decisions (users ask for their own); results are the project admins'.
  app.on("POST", "/v1/experiments/:key/assignment", bearerCaller, rateLimit("decide"), jsonBody);
  openapi.post("/v1/experiments/:key/assignment", PostAssignment);
  app.on("GET", "/v1/experiments/:key/results", bearerCaller, rateLimit("report"), adminOnly);
  openapi.get("/v1/experiments/:key/results", GetExperimentResults);
  app.use("/v1/learning/*", bearerCaller, rateLimit("admin"), adminOnly, jsonBody);
  openapi.get("/v1/learning/status", GetLearningStatus);
  openapi.post("/v1/learning/evaluate", PostLearningEvaluate);

  // Reports (project admins), rate limited as seed 003's reporting routes.
  app.use("/v1/reports/*", bearerCaller, rateLimit("report"), adminOnly, jsonBody);
  openapi.get("/v1/reports/dau", GetDau);
  openapi.get("/v1/reports/active", GetActive);
  openapi.get("/v1/reports/events/summary", GetEventsSummary);
  openapi.get("/v1/reports/events", GetEventsExport);
  openapi.post("/v1/reports/cohorts", PostCohorts);
  // Exports: built in the background into R2. The download link is public: its signature is the credential.
  app.use("/v1/exports/*", bearerCaller, rateLimit("report"), adminOnly, jsonBody);
  openapi.post("/v1/exports", PostExport);
  openapi.get("/v1/exports/:id", GetExport);
  openapi.get("/v1/downloads/:export_id", DownloadExport);
  app.use("/v1/forecasts/*", bearerCaller, rateLimit("report"), adminOnly, jsonBody);
  openapi.post("/v1/forecasts/popularity", PostPopularityForecast);
  app.use("/v1/users/*", bearerCaller, rateLimit("report"));
  openapi.get("/v1/users/:user_id/analytics", GetUserAnalytics);

  // Ads (seed 001): the account's hierarchy and daily insights in (each route reads its own, larger body), and the ML
  // results out. Project admins only.
  app.use("/v1/ads/*", bearerCaller, rateLimit("admin"), adminOnly);
  app.on("PUT", ["/v1/ads/entities", "/v1/ads/insights"], jsonBodyWithin((cfg) => ({ name: "ADS_MAX_REQUEST_BYTES", bytes: cfg.ADS_MAX_REQUEST_BYTES })));
  openapi.put("/v1/ads/entities", PutAdEntities);
  openapi.put("/v1/ads/insights", PutAdInsights);
  openapi.post("/v1/ads/insights/import", PostInsightsImport);
  app.use("/v1/ml/*", bearerCaller, rateLimit("admin"), adminOnly, jsonBody);
  openapi.get("/v1/ml/forecasts", ListForecasts);
  openapi.post("/v1/ml/forecasts/generate", GenerateForecasts);
  openapi.get("/v1/ml/entities/:id", GetAdEntity);
  openapi.get("/v1/ml/features", ListFeatures);
  openapi.get("/v1/ml/classifications", ListClassifications);
  openapi.post("/v1/ml/classifications/classify", ClassifyEntities);
  openapi.get("/v1/ml/recommendations", ListRecommendations);
  openapi.post("/v1/ml/recommendations/generate", GenerateRecommendations);
  openapi.patch("/v1/ml/recommendations/:id", ResolveRecommendation);
  openapi.get("/v1/ml/anomalies", GetAnomalies);
  openapi.post("/v1/ml/anomalies/detect", PostDetectAnomalies);

  // Administration: creating and listing projects is the operator's; the rest is each project's admins'.
  app.use("/v1/admin/*", bearerCaller, rateLimit("admin"), adminOnly);
  app.on(["POST", "GET"], "/v1/admin/projects", operatorOnly);
  app.use("/v1/admin/projects/:project/*", adminOnly);
  app.use("/v1/admin/*", jsonBody);
  openapi.post("/v1/admin/projects", CreateProject);
  openapi.get("/v1/admin/projects", ListProjects);
  openapi.get("/v1/admin/projects/:project", GetProject);
  openapi.patch("/v1/admin/projects/:project", UpdateProject);
  openapi.post("/v1/admin/projects/:project/keys", CreateKey);
  openapi.get("/v1/admin/projects/:project/keys", ListKeys);
  openapi.delete("/v1/admin/projects/:project/keys/:key_id", RevokeKey);
  openapi.get("/v1/admin/projects/:project/event-names", ListEventNames);
  openapi.post("/v1/admin/projects/:project/event-names", AddEventNames);
  openapi.get("/v1/admin/projects/:project/decision-types", ListDecisionTypes);
  openapi.get("/v1/admin/projects/:project/decision-types/:name", GetDecisionType);
  openapi.put("/v1/admin/projects/:project/decision-types/:name", PutDecisionType);
  openapi.post("/v1/admin/projects/:project/experiments", CreateExperiment);
  openapi.get("/v1/admin/projects/:project/experiments", ListExperiments);
  openapi.get("/v1/admin/projects/:project/experiments/:key", GetExperiment);
  openapi.patch("/v1/admin/projects/:project/experiments/:key", UpdateExperiment);
  openapi.post("/v1/admin/projects/:project/experiments/:key/start", StartExperiment);
  openapi.post("/v1/admin/projects/:project/experiments/:key/stop", StopExperiment);
  openapi.post("/v1/admin/projects/:project/experiments/:key/archive", ArchiveExperiment);
  openapi.get("/v1/admin/projects/:project/experiments/:key/history", GetExperimentHistory);
  openapi.post("/v1/admin/jobs/:name", RunJob);
  openapi.get("/v1/admin/jobs/runs", ListJobRuns);
  openapi.get("/v1/admin/dead-letters", ListDeadLetters);
  openapi.post("/v1/admin/dead-letters/replay", ReplayDeadLetters);

  return app;
}
