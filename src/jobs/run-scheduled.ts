// The scheduled handler's body: look the firing cron up in the schedule table and run its jobs in order.
import type { Env } from "../env";
import { log } from "../http/log";
import { runJob } from "./runner";
import { SCHEDULE } from "./schedule";

export async function runScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const runs = SCHEDULE[controller.cron];
  if (!runs) {
    log.warn("cron_without_jobs", { cron: controller.cron });
    return;
  }
  let failed: unknown;
  for (const run of runs) {
    // The scheduled time, not the wall clock: a late or retried trigger still closes the same windows.
    try {
      await runJob(env, run.job, { ...run.params, as_of: controller.scheduledTime }, "cron");
    } catch (err) {
      failed ??= err; // the ledger has it; the next job still runs
    }
  }
  if (failed) throw failed;
}
