// The schedule table: which jobs each Cron Trigger runs, with their parameters. The only place schedules live
// (wrangler.toml's [triggers] lists the same crons; a test checks they agree).
export type ScheduledRun = { job: string; params: Record<string, unknown> };

export const SCHEDULE: Readonly<Record<string, readonly ScheduledRun[]>> = {
  // Hourly, off the hour: close the attribution windows (pass 1 at T+1h, pass 2 at T+24h), then retrain if
  // enough fresh outcomes arrived. In order: the rebuild sees the outcomes the build just wrote.
  "7 * * * *": [
    { job: "build_bandit_dataset", params: {} },
    { job: "rebuild_bandit_stats", params: {} },
    // Experiment results: recomputes the exposure days whose metric windows are still open (docs/experiments.md).
    { job: "compute_experiment_results", params: {} },
  ],
  // Daily: roll up the last closed days (each project's own midnight), then raw-event retention
  // (EVENT_RETENTION_DAYS); rollups, outcomes and arm statistics are kept.
  "17 3 * * *": [
    { job: "rollup_daily_metrics", params: {} },
    { job: "purge_analytics_events", params: {} },
    { job: "purge_expired_exports", params: {} },
  ],
  // Ads, seed 001's job table: forecasts of campaigns at 04:00, of ad sets at 04:30.
  "0 4 * * *": [{ job: "campaign_forecasts", params: {} }],
  "30 4 * * *": [{ job: "adset_forecasts", params: {} }],
  // Then each level's classification, then its recommendations (which reuse the features the
  // classification stored), for the last closed UTC day; campaigns first, ad sets half an hour later, ads at 06:00.
  "0 5 * * *": [{ job: "campaign_classification", params: {} }, { job: "campaign_recommendations", params: {} }],
  "30 5 * * *": [{ job: "adset_classification", params: {} }, { job: "adset_recommendations", params: {} }],
  "0 6 * * *": [{ job: "ad_classification", params: {} }, { job: "ad_recommendations", params: {} }],
  // Ads (seed 001's job table): anomalies on campaigns and ad sets every 60 minutes, on ads every 120.
  "0 * * * *": [
    { job: "campaign_anomaly_detection", params: {} },
    { job: "adset_anomaly_detection", params: {} },
  ],
  "0 */2 * * *": [{ job: "ad_anomaly_detection", params: {} }],
};
