// The jobs queue consumer: runs the next page of a job that outgrew its invocation.
import type { Env } from "../env";
import { log } from "../http/log";
import { runJob, type JobMessage } from "./runner";

export async function consumeJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const body = message.body as JobMessage;
    try {
      await runJob(env, body.job, body.params, "queue", body.continues);
      message.ack();
    } catch (err) {
      // Jobs are idempotent, so a retry redoes the page safely; after max_retries the message goes to the jobs DLQ,
      // whose consumer keeps it in dead_letters for an operator (re-run the job to resume; it is not replayed).
      log.error("job_page_failed", { job: body?.job, attempts: message.attempts, error: String(err) });
      message.retry({ delaySeconds: Math.min(300, 10 * 2 ** (message.attempts - 1)) });
    }
  }
}
