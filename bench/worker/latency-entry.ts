// Benchmark build only: the real Worker and Durable Objects from src/, their bindings wrapped by remote-calls.ts.
// `npm run bench:*` runs `wrangler dev` with a config whose main is this file (bench/lib/latency.mjs writes it).
import type { Env } from "../../src/env";
import worker, { BanditBucket as RealBanditBucket, RateLimiter as RealRateLimiter, RequestClaims as RealRequestClaims } from "../../src/index";
import { HopFloor as RealHopFloor, hopThenFloor } from "./hop-floor";
import { layerProbe } from "./layer-probe";
import { instrumentDurableObject, instrumentWorker } from "./remote-calls";

export const BanditBucket = instrumentDurableObject(RealBanditBucket);
export const RateLimiter = instrumentDurableObject(RealRateLimiter);
export const RequestClaims = instrumentDurableObject(RealRequestClaims);
export const HopFloor = instrumentDurableObject(RealHopFloor);

const instrumented = instrumentWorker(worker);
// The floor plus one hop, through the same wrappers (the hop is counted and modelled like a bucket call).
const hopFloor = instrumentWorker<Env & { BENCH_HOP: DurableObjectNamespace<RealHopFloor> }>({
  fetch: (request, env, ctx) => hopThenFloor(request as Request, env, async (r) => worker.fetch!(r as never, env, ctx)),
});

export default {
  ...instrumented,
  // The layer probe (layer-probe.ts) runs before the app, unwrapped: it times the real binding, without the model.
  async fetch(request, env, ctx) {
    const probed = await layerProbe(request, env);
    if (probed) return probed;
    if (env.ENABLE_BENCH_ROUTES === "true" && request.url.endsWith("/__bench/hop")) return hopFloor.fetch!(request, env as never, ctx);
    return instrumented.fetch!(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
