// Test helpers for queue consumers: hand a batch of messages to the Worker's queue handler and see what it did.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

export type TestMessage = { id: string; timestamp: Date; attempts: number; body: unknown };

export const messages = (bodies: unknown[], attempts = 1): TestMessage[] =>
  bodies.map((body, i) => ({ id: `msg-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body }));

/** Delivers the messages as one batch; the result adds each retry's delay, which getQueueResult does not record. */
export async function deliver(queue: string, msgs: TestMessage[]) {
  const batch = createMessageBatch(queue, msgs);
  const delays: Array<number | undefined> = [];
  for (const m of batch.messages) {
    const retry = m.retry.bind(m);
    m.retry = (options?: QueueRetryOptions) => {
      delays.push(options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return { ...(await getQueueResult(batch, ctx)), delays };
}
