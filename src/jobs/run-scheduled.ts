// The scheduled handler's body: look the firing cron up in the schedule table and run its jobs, logging each.
import type { Env } from "../env";
import { log } from "../http/log";
import { SCHEDULE } from "./schedule";

export async function runScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const jobs = SCHEDULE[controller.cron];
  if (!jobs) {
    log.warn("cron_without_jobs", { cron: controller.cron });
    return;
  }
  for (const job of jobs) {
    const started = Date.now();
    try {
      const result = await job.run(env, controller.scheduledTime);
      log.info("job_finished", { job: job.name, cron: controller.cron, duration_ms: Date.now() - started, result });
    } catch (err) {
      log.error("job_failed", { job: job.name, cron: controller.cron, duration_ms: Date.now() - started, error: String(err) });
      throw err;
    }
  }
}
