// What the outside needs from ads (seed 001): the upload routes and the ML routes (the jobs are in jobs.ts).
export { PostInsightsImport, PutAdEntities, PutAdInsights } from "./intake/intake-routes";
export { GenerateForecasts, ListForecasts } from "./forecasts/forecast-routes";
export { GetAdEntity } from "./entities/entity-route";
export { ClassifyEntities, ListClassifications } from "./classifications/classification-routes";
export { GenerateRecommendations, ListRecommendations, ResolveRecommendation } from "./recommendations/recommendation-routes";
export { ListFeatures } from "./features/feature-routes";
export { GetAnomalies, PostDetectAnomalies } from "./anomalies/anomaly-routes";
