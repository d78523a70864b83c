// The Worker: fetch = the Hono app, queue = consumers by queue name, scheduled = the schedule table; exports the DOs.
import { createApp } from "./app";
import type { Env } from "./env";
import { log } from "./http/log";
import { consumeDeadLetters, consumeEvents, EVENTS_DLQ_NAME, EVENTS_QUEUE_NAME } from "./ingest";
import { consumeJobs } from "./jobs/consumer";
import { JOBS_DLQ_NAME, JOBS_QUEUE_NAME } from "./jobs/queue";
import { runScheduled } from "./jobs/run-scheduled";

export { BanditBucket, RequestClaims } from "./decisions";
export { RateLimiter } from "./http/rate-limiter-do";

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
    switch (batch.queue) {
      case EVENTS_QUEUE_NAME:
        return consumeEvents(batch, env);
      case EVENTS_DLQ_NAME:
        return consumeDeadLetters(batch, env, EVENTS_QUEUE_NAME);
      case JOBS_QUEUE_NAME:
        return consumeJobs(batch, env);
      case JOBS_DLQ_NAME:
        return consumeDeadLetters(batch, env, JOBS_QUEUE_NAME);
      default:
        // Unknown queues are retried rather than acked: a misrouted message must not vanish.
        log.error("unknown_queue", { queue: batch.queue, messages: batch.messages.length });
        batch.retryAll();
    }
  },

  async scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
    await runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env>;
