// The schedule table: which jobs each Cron Trigger runs. The only place schedules live (crons mirror wrangler.toml).
import { config, type Env } from "../env";
import { purgeAnalyticsEvents } from "./purge-analytics-events";

export type ScheduledJob = { name: string; run: (env: Env, asOf: number) => Promise<unknown> };

export const SCHEDULE: Record<string, ScheduledJob[]> = {
  // Daily, off the hour: raw-event retention (seed 002's EVENT_RETENTION_DAYS).
  "17 3 * * *": [
    {
      name: "purge_analytics_events",
      run: (env, asOf) => purgeAnalyticsEvents(env, { days: config(env).EVENT_RETENTION_DAYS, dryRun: false, asOf }),
    },
  ],
};
