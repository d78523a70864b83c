// Every job by name: what the schedule table, the admin API, the CLI and the jobs queue can run.
import { buildBanditDataset } from "../learning/build-bandit-dataset";
import { rebuildBanditStats } from "../learning/rebuild-bandit-stats";
import type { JobDefinition } from "./job";
import { rollupDailyMetrics } from "../reports/rollup-daily-metrics";
import { purgeAnalyticsEventsJob } from "./purge-analytics-events";
import { buildExport, purgeExpiredExports } from "../reports/exports";
import { computeExperimentResults } from "../experiments";
import { adAnomalyDetection, adsetAnomalyDetection, campaignAnomalyDetection } from "../ads";

export const JOBS: Record<string, JobDefinition> = {
  [buildBanditDataset.name]: buildBanditDataset as JobDefinition,
  [rebuildBanditStats.name]: rebuildBanditStats as JobDefinition,
  [purgeAnalyticsEventsJob.name]: purgeAnalyticsEventsJob as JobDefinition,
  [rollupDailyMetrics.name]: rollupDailyMetrics as JobDefinition,
  [buildExport.name]: buildExport as JobDefinition,
  [purgeExpiredExports.name]: purgeExpiredExports as JobDefinition,
  [computeExperimentResults.name]: computeExperimentResults as JobDefinition,
  [campaignAnomalyDetection.name]: campaignAnomalyDetection as JobDefinition,
  [adsetAnomalyDetection.name]: adsetAnomalyDetection as JobDefinition,
  [adAnomalyDetection.name]: adAnomalyDetection as JobDefinition,
};
