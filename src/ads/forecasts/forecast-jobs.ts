// campaign_forecasts and adset_forecasts (seed 001's 04:00 and 04:30 jobs): every account's forecasts at one level.
import { z } from "zod";
import { asOfParam, defineJob, projectParam, type JobDefinition } from "../../jobs/job";
import { loadAccounts } from "../ads-store";
import type { EntityType } from "../entity-levels";
import { entityIdsParam } from "../ml-route-schemas";
import { lastCompleteDay } from "../report-day";
import { MAX_HORIZON_DAYS } from "./entity-forecast";
import { generateForecasts } from "./generate-forecasts";

/** Thirty days ahead unless asked: a month of budget is what the forecasts are read for. */
export const DEFAULT_HORIZON_DAYS = 30;

const params = z.strictObject({
  project: projectParam,
  config_id: z.number().int().positive().optional(),
  entity_ids: entityIdsParam.optional(),
  horizon_days: z.number().int().min(1).max(MAX_HORIZON_DAYS).default(DEFAULT_HORIZON_DAYS),
  as_of: asOfParam,
  /** Where a continued run picks up: the account and the last entity done (set by the job itself). */
  resume: z.strictObject({ project_id: z.string(), config_id: z.number().int(), after: z.string() }).optional(),
});

function forecastJob(entityType: EntityType): JobDefinition {
  return defineJob({
    name: `${entityType}_forecasts`,
    description: `Spend, leads and CPL for the next horizon_days (default ${DEFAULT_HORIZON_DAYS}) per ${entityType}, from the last complete day before as_of`,
    params,
    async run(ctx, p) {
      const lastDay = lastCompleteDay(ctx.asOf);
      const accounts = (await loadAccounts(ctx.env.DB, p.project)).filter((a) => p.config_id === undefined || a.configId === p.config_id);
      const resumeAt = p.resume ? accounts.findIndex((a) => a.projectId === p.resume!.project_id && a.configId === p.resume!.config_id) : 0;
      let forecasted = 0;
      let rowsRead = 0;
      let rowsWritten = 0;
      for (const account of accounts.slice(Math.max(0, resumeAt))) {
        const after = p.resume && account.projectId === p.resume.project_id && account.configId === p.resume.config_id ? p.resume.after : undefined;
        const run = await generateForecasts(ctx.env.DB, account, entityType, { lastDay, horizon: p.horizon_days, entityIds: p.entity_ids, after, deadline: ctx.deadline });
        forecasted += run.forecasted.length;
        rowsRead += run.rowsRead;
        rowsWritten += run.rowsWritten;
        if (run.stoppedAfter) {
          const { resume: _, ...rest } = p;
          return { status: "ok", rowsRead, rowsWritten, message: `${forecasted} ${entityType}s forecast; continuing`, continueWith: { ...rest, resume: { project_id: account.projectId, config_id: account.configId, after: run.stoppedAfter } } };
        }
      }
      return { status: "ok", rowsRead, rowsWritten, message: `${forecasted} ${entityType}s in ${accounts.length} accounts forecast to ${p.horizon_days} days after ${lastDay}` };
    },
  }) as JobDefinition;
}

export const campaignForecasts = forecastJob("campaign");
export const adsetForecasts = forecastJob("adset");
