// What the outside needs from ads (seed 001): the upload routes, the ML routes and the per-level jobs.
export { PostInsightsImport, PutAdEntities, PutAdInsights } from "./intake/intake-routes";
export { GenerateForecasts, ListForecasts } from "./forecasts/forecast-routes";
export { GetAdEntity } from "./entities/entity-route";
