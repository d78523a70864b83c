// What the outside needs from ads (seed 001): the ML routes and the per-level jobs.
export { ClassifyEntities, ListClassifications } from "./classifications/classification-routes";
export { GenerateRecommendations, ListRecommendations, ResolveRecommendation } from "./recommendations/recommendation-routes";
export { ListFeatures } from "./features/feature-routes";
export { ADS_ML_JOBS } from "./ml-jobs";
