// Benchmark build only: the real Worker and Durable Objects from src/, their bindings wrapped by remote-calls.ts.
// `npm run bench:*` runs `wrangler dev` with a config whose main is this file (bench/lib/latency.mjs writes it).
import type { Env } from "../../src/env";
import worker, { BanditBucket as RealBanditBucket, RateLimiter as RealRateLimiter, RequestClaims as RealRequestClaims } from "../../src/index";
import { layerProbe } from "./layer-probe";
import { instrumentDurableObject, instrumentWorker } from "./remote-calls";

export const BanditBucket = instrumentDurableObject(RealBanditBucket);
export const RateLimiter = instrumentDurableObject(RealRateLimiter);
export const RequestClaims = instrumentDurableObject(RealRequestClaims);

const instrumented = instrumentWorker(worker);

export default {
  ...instrumented,
  // The layer probe (layer-probe.ts) runs before the app, unwrapped: it times the real binding, without the model.
  async fetch(request, env, ctx) {
    return (await layerProbe(request, env)) ?? instrumented.fetch!(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
