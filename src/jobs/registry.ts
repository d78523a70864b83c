// Every job by name: what the schedule table, the admin API, the CLI and the jobs queue can run.
import { buildBanditDataset } from "../learning/build-bandit-dataset";
import { rebuildBanditStats } from "../learning/rebuild-bandit-stats";
import type { JobDefinition } from "./job";
import { rollupDailyMetrics } from "../reports/rollup-daily-metrics";
import { purgeAnalyticsEventsJob } from "./purge-analytics-events";
import { buildExport, purgeExpiredExports } from "../reports/exports";
import { computeExperimentResults } from "../experiments";
import { ADS_ML_JOBS } from "../ads";

export const JOBS: Record<string, JobDefinition> = {
  [buildBanditDataset.name]: buildBanditDataset as JobDefinition,
  [rebuildBanditStats.name]: rebuildBanditStats as JobDefinition,
  [purgeAnalyticsEventsJob.name]: purgeAnalyticsEventsJob as JobDefinition,
  [rollupDailyMetrics.name]: rollupDailyMetrics as JobDefinition,
  [buildExport.name]: buildExport as JobDefinition,
  [purgeExpiredExports.name]: purgeExpiredExports as JobDefinition,
  [computeExperimentResults.name]: computeExperimentResults as JobDefinition,
  ...Object.fromEntries(ADS_ML_JOBS.map((j) => [j.name, j])),
};
