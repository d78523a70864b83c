// Every ads job (seed 001's job table), for the jobs registry: imported apart from the routes, which run jobs themselves.
import type { JobDefinition } from "../jobs/job";
import { adsetForecasts, campaignForecasts } from "./forecasts/forecast-jobs";
import { ADS_ML_JOBS } from "./ml-jobs";
import { adAnomalyDetection, adsetAnomalyDetection, campaignAnomalyDetection } from "./anomalies/anomaly-jobs";

export const ADS_JOBS: readonly JobDefinition[] = [...ADS_ML_JOBS, campaignAnomalyDetection, adsetAnomalyDetection, adAnomalyDetection, campaignForecasts, adsetForecasts] as JobDefinition[];
