// Seed 001's classification and recommendation jobs, one per level: {campaign,adset,ad}_{classification,recommendations}.
import { z } from "zod";
import { asOfParam, defineJob, projectParam, type JobDefinition } from "../jobs/job";
import { loadAccounts, type AccountScope } from "./ads-store";
import { configIdSchema } from "./ads-scope";
import { classifyLevel } from "./classifications/classification-store";
import type { EntityType } from "./entity-levels";
import { asOfDateOf } from "./features/feature-store";
import { entityIdsParam } from "./ml-route-schemas";
import { generateRecommendations } from "./recommendations/recommendation-store";

const params = z
  .strictObject({
    project: projectParam,
    /** One ad account (every account of the project, or of every project, without it). */
    config_id: configIdSchema.optional(),
    /** Only these entities of the level (needs config_id). */
    entity_ids: entityIdsParam.optional(),
    /** Recompute the day's features even when stored (after insights were re-sent). */
    force_refresh: z.boolean().optional(),
    as_of: asOfParam,
    /** Internal: the last account a previous page finished. */
    after: z.object({ project: z.string(), config_id: z.number().int() }).optional(),
  })
  .refine((p) => p.entity_ids === undefined || p.config_id !== undefined, { message: "entity_ids needs config_id (entity ids are per account)", path: ["entity_ids"] });

type Params = z.infer<typeof params>;

const afterCursor = (a: AccountScope, after: Params["after"]) =>
  !after || a.projectId > after.project || (a.projectId === after.project && a.configId > after.config_id);

type Work = (d1: D1Database, scope: AccountScope, asOfDate: string, opts: { entityIds?: readonly string[]; force?: boolean; now: number }) => Promise<{ read: number; written: number }>;

function levelJob(name: string, description: string, work: Work) {
  return defineJob({
    name,
    description,
    params,
    async run(ctx, p) {
      const d1 = ctx.env.DB;
      const asOfDate = asOfDateOf(ctx.asOf);
      const accounts = (await loadAccounts(d1, p.project)).filter((a) => (p.config_id === undefined || a.configId === p.config_id) && afterCursor(a, p.after));
      let read = 0;
      let written = 0;
      let done = 0;
      for (const scope of accounts) {
        // Out of time: the next page starts after the last finished account, at the same as_of (the runner pins it).
        if (done > 0 && Date.now() > ctx.deadline) {
          const last = accounts[done - 1]!;
          return {
            status: "ok" as const,
            rowsRead: read,
            rowsWritten: written,
            message: `${done} of ${accounts.length} accounts on ${asOfDate}; continuing`,
            continueWith: { ...p, as_of: undefined, after: { project: last.projectId, config_id: last.configId } },
          };
        }
        const r = await work(d1, scope, asOfDate, { entityIds: p.entity_ids, force: p.force_refresh, now: ctx.asOf });
        read += r.read;
        written += r.written;
        done++;
      }
      return { status: "ok" as const, rowsRead: read, rowsWritten: written, message: `${accounts.length} accounts on ${asOfDate}` };
    },
  });
}

function classificationJob(level: EntityType) {
  return levelJob(`${level}_classification`, `Seed 001: the ${level}s' features for the last closed day (computed if not stored) and their performance tiers`, async (d1, scope, asOfDate, opts) => {
    const r = await classifyLevel(d1, scope, level, asOfDate, opts);
    return { read: r.classified.length, written: r.classified.length };
  });
}

function recommendationJob(level: EntityType) {
  return levelJob(`${level}_recommendations`, `Seed 001: the ${level}s' recommendations for the last closed day, with their lifecycle (raise, refresh, expire)`, async (d1, scope, asOfDate, opts) => {
    const r = await generateRecommendations(d1, scope, level, asOfDate, opts);
    return { read: r.entities, written: r.raised + r.refreshed + r.expired };
  });
}

export const campaignClassification = classificationJob("campaign");
export const adsetClassification = classificationJob("adset");
export const adClassification = classificationJob("ad");
export const campaignRecommendations = recommendationJob("campaign");
export const adsetRecommendations = recommendationJob("adset");
export const adRecommendations = recommendationJob("ad");

/** For the job registry. */
export const ADS_ML_JOBS: readonly JobDefinition[] = [campaignClassification, adsetClassification, adClassification, campaignRecommendations, adsetRecommendations, adRecommendations] as unknown as JobDefinition[];
