// purge_expired_exports: removes export files past their expiry from R2, and gives up on builds that stopped.
//
// An R2 lifecycle rule on the exports/ prefix (delete after N days) is the production alternative for the files;
// this job also keeps the exports table truthful (status "expired", no link), which a lifecycle rule cannot.
import { z } from "zod";
import { asOfParam, defineJob, projectParam } from "../../jobs/job";
import { dueForPurge, markExpired, markFailed, stalledBuilds } from "./export-records";
import { deleteCarries } from "./r2-upload";

/** R2's delete takes up to 1,000 keys; D1's IN (…) at most 100 bound parameters. */
const PURGE_BATCH = 90;
/** A build makes progress every invocation; one that has not finished a day after it was asked for has stopped. */
export const STALLED_AFTER_MS = 24 * 3_600_000;

export const purgeExpiredExports = defineJob({
  name: "purge_expired_exports",
  description: "Deletes export files past their expiry (EXPORT_RETENTION_DAYS) from R2 and fails builds stalled for a day",
  params: z.strictObject({ as_of: asOfParam, project: projectParam, dry_run: z.boolean().default(false) }),
  async run(ctx, params) {
    const { env, asOf } = ctx;
    const due = await dueForPurge(env.DB, asOf, PURGE_BATCH, params.project);
    const stalled = await stalledBuilds(env.DB, asOf - STALLED_AFTER_MS, PURGE_BATCH, params.project);
    if (!params.dry_run) {
      if (due.length) await env.EXPORTS.delete(due.map((e) => e.r2Key));
      await markExpired(env.DB, due.map((e) => e.id));
      for (const e of stalled) {
        // Its multipart upload id was in the lost continuation; R2 aborts incomplete uploads after 7 days by default.
        await deleteCarries(env.EXPORTS, e.r2Key);
        await markFailed(env.DB, e.id, "The build stopped making progress and was given up");
      }
    }
    const full = due.length === PURGE_BATCH || stalled.length === PURGE_BATCH;
    return {
      status: "ok",
      rowsRead: due.length + stalled.length,
      rowsWritten: params.dry_run ? 0 : due.length + stalled.length,
      message: `${params.dry_run ? "dry run: " : ""}${due.length} expired export files, ${stalled.length} stalled builds`,
      continueWith: full && !params.dry_run ? { ...params } : undefined,
      details: { expired: due.map((e) => e.id), stalled: stalled.map((e) => e.id) },
    };
  },
});
