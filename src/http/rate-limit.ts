// Rate-limit middleware: per credential and per client IP, with X-RateLimit-* headers and 429 + Retry-After, answered
// without a remote call (the counts are coalesced per isolate: src/http/rate-counter.ts).
import type { MiddlewareHandler } from "hono";
import { config, type Config } from "../env";
import type { AppContext, AppEnv } from "./context";
import { hmacSha256Hex } from "./crypto";
import { ApiError } from "./errors";
import type { Principal } from "./principal";
import { log } from "./log";
import { applyFlush, countLocally, emptyCounter, type CounterState, type RateDecision } from "./rate-counter";

export type RateScope = "ingest" | "decide" | "report" | "admin";

function subjectOf(p: Principal): string {
  switch (p.kind) {
    case "operator":
      return "operator";
    case "jwt":
      return `jwt:${p.projectId}:${p.sub}`;
    case "publishable_key":
      return `key:${p.keyId}`;
  }
}

function limitFor(scope: RateScope, p: Principal, cfg: Config): number {
  if (scope === "ingest") return (p.kind === "publishable_key" && p.ingestLimitPerMinute) || cfg.INGEST_RATE_LIMIT_PER_MINUTE;
  if (scope === "decide") return cfg.DECIDE_RATE_LIMIT_PER_MINUTE;
  return scope === "admin" ? cfg.ADMIN_RATE_LIMIT_PER_MINUTE : cfg.REPORT_RATE_LIMIT_PER_MINUTE;
}

const WINDOW_MS = 60_000;
// Per isolate: a subject's local count and what its RateLimiter object last reported. Swept when it grows large, so
// one window's IPs do not accumulate for the isolate's lifetime.
const counters = new Map<string, CounterState>();
const SWEEP_AT = 10_000;

/** Answers from this isolate's estimate at once; the object hears of the hit later, off the request's path. */
function hit(c: AppContext, name: string, limit: number): RateDecision {
  const now = Date.now();
  if (counters.size > SWEEP_AT) for (const [k, v] of counters) if (v.windowStart + WINDOW_MS <= now) counters.delete(k);
  const { next, decision, flush } = countLocally(counters.get(name) ?? emptyCounter(), now, limit, WINDOW_MS);
  counters.set(name, next);
  if (flush) afterResponse(c, flushCount(c.env, name, next.windowStart, next.unflushed));
  return decision;
}

async function flushCount(env: AppContext["env"], name: string, windowStart: number, sent: number): Promise<void> {
  let total: number | null = null;
  try {
    total = await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name)).add(windowStart, sent);
  } catch (err) {
    log.warn("rate_limit_flush_failed", { error: String(err) });
  }
  counters.set(name, applyFlush(counters.get(name) ?? emptyCounter(), windowStart, sent, total));
}

function afterResponse(c: AppContext, work: Promise<void>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (called outside a fetch): the promise still runs, and it never rejects.
  }
}

/** Any deployment secret will do: it only has to be unknown, so an IP cannot be recovered by hashing every address. */
function ipKeySecret(cfg: Config): string {
  return cfg.USER_ID_SALT ?? cfg.JWT_SECRET ?? cfg.ADMIN_TOKEN ?? "edgeloop-ip";
}

/** Runs after authentication. The IP is keyed through an HMAC so no raw address is kept even as an object name. */
export function rateLimit(scope: RateScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const cfg = config(c.env);
    const principal = c.get("principal");
    const ip = c.req.header("cf-connecting-ip");
    const ipName = ip ? `ip:${await hmacSha256Hex(ipKeySecret(cfg), ip)}` : null;
    const subject = hit(c, `${scope}:${subjectOf(principal)}`, limitFor(scope, principal, cfg));
    const byIp = ipName ? hit(c, `${scope}:${ipName}`, cfg.IP_RATE_LIMIT_PER_MINUTE) : null;
    // Report the tighter of the two limits, so a client that honours the headers never meets a 429.
    const binding = byIp && (!byIp.allowed || (subject.allowed && byIp.remaining < subject.remaining)) ? byIp : subject;
    const headers = {
      "X-RateLimit-Limit": String(binding.limit),
      "X-RateLimit-Remaining": String(binding.remaining),
      "X-RateLimit-Reset": String(Math.ceil(binding.resetAt / 1000)),
    };
    if (!subject.allowed || (byIp && !byIp.allowed)) {
      const retryAfter = Math.max(1, Math.ceil((binding.resetAt - Date.now()) / 1000));
      throw new ApiError(429, "rate_limited", `Too many requests: the limit is ${binding.limit} per minute`, { limit: binding.limit, scope: binding === byIp ? "ip" : "credential" }, {
        ...headers,
        "Retry-After": String(retryAfter),
      });
    }
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  };
}
