// Expensive reports are cached in the Cache API, keyed by the project and every parameter (seed 003's Redis TTLs).
import { log } from "../http/log";

/** Seed 003's TTLs: cohorts 1 h, forecasts 30 min, user analytics 15 min. */
export const REPORT_TTL_SECONDS = { cohorts: 3600, forecast: 1800, user_analytics: 900 } as const;

/** A stable cache URL: the same report with the same parameters, in any order, is the same key. */
export function reportCacheKey(report: string, projectId: string, params: Record<string, unknown>): string {
  const query = Object.keys(params)
    .filter((k) => params[k] !== undefined)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(JSON.stringify(params[k]))}`)
    .join("&");
  return `https://report-cache.edgeloop.internal/${encodeURIComponent(projectId)}/${report}?${query}`;
}

/**
 * Answers from the cache when it can, otherwise computes and stores. The response says which (X-Cache) and for how
 * long it may be reused (Cache-Control: private — reports are per project and behind credentials).
 */
export async function cachedReport(key: string, ttlSeconds: number, compute: () => Promise<unknown>, waitUntil?: (p: Promise<unknown>) => void): Promise<Response> {
  const cache = caches.default;
  const hit = await cache.match(key);
  if (hit) {
    const res = new Response(hit.body, hit);
    res.headers.set("X-Cache", "HIT");
    // The stored copy says "public" to the cache itself; clients get what a fresh answer would say.
    res.headers.set("cache-control", `private, max-age=${ttlSeconds}`);
    return res;
  }
  const body = JSON.stringify(await compute());
  const headers = { "content-type": "application/json; charset=utf-8", "cache-control": `private, max-age=${ttlSeconds}` };
  // The Cache API honours max-age on put; the stored copy says "public" only to the cache itself.
  const put = cache.put(key, new Response(body, { headers: { ...headers, "cache-control": `public, max-age=${ttlSeconds}` } })).catch((err) => log.warn("report_cache_put_failed", { error: String(err) }));
  if (waitUntil) waitUntil(put);
  else await put;
  return new Response(body, { headers: { ...headers, "X-Cache": "MISS" } });
}
