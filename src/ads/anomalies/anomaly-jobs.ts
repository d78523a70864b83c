// campaign_anomaly_detection, adset_anomaly_detection, ad_anomaly_detection: seed 001's jobs, one per level.
import { z } from "zod";
import { asOfParam, defineJob, projectParam, type JobDefinition } from "../../jobs/job";
import { loadAccounts } from "../ads-store";
import { configIdSchema } from "../ads-scope";
import { entityIdsParam } from "../ml-route-schemas";
import type { EntityType } from "../entity-levels";
import { detectAccountAnomalies } from "./detect-account-anomalies";

export const MAX_DETECTION_DAYS = 90;

/**
 * The last day examined at an instant, and whether it is still under way: as_of's own UTC day unless as_of is exactly
 * its midnight (then the day before, complete). Hourly runs watch today as it fills in (rising totals only).
 */
export function examinedDay(asOf: number): { to: string; partialTo: boolean } {
  return { to: new Date(asOf - 1).toISOString().slice(0, 10), partialTo: asOf % 86_400_000 !== 0 };
}

const params = z
  .strictObject({
    project: projectParam,
    /** One account; every account (of `project`, or of every project) when absent. */
    config_id: configIdSchema.optional(),
    /** Only these entities of the level; needs config_id. */
    entity_ids: entityIdsParam.optional(),
    /**
     * Days examined, ending on as_of's day (UTC). Two by default: today as it fills in, and yesterday in full (an
     * hourly run after midnight is past midnight, and a day's final numbers can arrive hours after it ends).
     */
    days: z.number().int().min(1).max(MAX_DETECTION_DAYS).default(2),
    as_of: asOfParam,
  })
  .refine((p) => p.entity_ids === undefined || p.config_id !== undefined, { message: "entity_ids needs config_id", path: ["entity_ids"] });

function anomalyJob(level: EntityType) {
  return defineJob({
    name: `${level}_anomaly_detection`,
    description: `Anomalies in each ${level}'s spend, CPL, CTR and leads on the last \`days\` days up to as_of (UTC), against a weekly-seasonal baseline`,
    params,
    async run(ctx, p) {
      const d1 = ctx.env.DB;
      const { to, partialTo } = examinedDay(ctx.asOf);
      const accounts = (await loadAccounts(d1, p.project)).filter((a) => p.config_id === undefined || a.configId === p.config_id);
      let read = 0;
      let written = 0;
      let entities = 0;
      let found = 0;
      let from = to;
      // One account is one read and a few batched writes; accounts are not paged (docs/ads.md §3).
      for (const scope of accounts) {
        const r = await detectAccountAnomalies(d1, scope, { entityType: level, entityIds: p.entity_ids, to, partialTo, days: p.days, now: Date.now() });
        read += r.insightDaysRead;
        written += r.written + r.removed;
        entities += r.entitiesExamined;
        found += r.anomalies.length;
        from = r.from;
      }
      if (accounts.length === 0) return { status: "skipped", rowsRead: 0, rowsWritten: 0, message: "no ad account to examine" };
      return {
        status: "ok",
        rowsRead: read,
        rowsWritten: written,
        message: `${accounts.length} accounts, ${entities} ${level}s, ${from}..${to}: ${found} anomalies (${written} rows written or removed)`,
      };
    },
  });
}

export const campaignAnomalyDetection = anomalyJob("campaign");
export const adsetAnomalyDetection = anomalyJob("adset");
export const adAnomalyDetection = anomalyJob("ad");
export const ANOMALY_JOBS: JobDefinition[] = [campaignAnomalyDetection, adsetAnomalyDetection, adAnomalyDetection] as JobDefinition[];
