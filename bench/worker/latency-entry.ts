// Benchmark build only: the real Worker and Durable Objects from src/, their bindings wrapped by remote-calls.ts.
// `npm run bench:*` runs `wrangler dev` with a config whose main is this file (bench/lib/latency.mjs writes it).
import worker, { BanditBucket as RealBanditBucket, RateLimiter as RealRateLimiter, RequestClaims as RealRequestClaims } from "../../src/index";
import { instrumentDurableObject, instrumentWorker } from "./remote-calls";

export const BanditBucket = instrumentDurableObject(RealBanditBucket);
export const RateLimiter = instrumentDurableObject(RealRateLimiter);
export const RequestClaims = instrumentDurableObject(RealRequestClaims);

export default instrumentWorker(worker);
