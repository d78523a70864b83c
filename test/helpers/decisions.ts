// Flushing the buckets' recorded decisions to D1 now, as each bucket's alarm would a second later.
import { env } from "cloudflare:workers";
import { listDurableObjectIds, runDurableObjectAlarm } from "cloudflare:test";

/**
 * Runs every BanditBucket's pending flush alarm (each reschedules itself while rows remain, so loop until none is
 * due). Tests that read the decisions table, or run a job that does, call this first instead of waiting.
 */
export async function flushDecisions(): Promise<number> {
  let ran = 0;
  for (let round = 0; round < 100; round++) {
    let any = false;
    for (const id of await listDurableObjectIds(env.BANDIT_BUCKET)) {
      if (await runDurableObjectAlarm(env.BANDIT_BUCKET.get(id))) {
        any = true;
        ran++;
      }
    }
    if (!any) return ran;
  }
  throw new Error("decision flush alarms kept rescheduling themselves for 100 rounds");
}
