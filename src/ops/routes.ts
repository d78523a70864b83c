// Operations surface: liveness with a D1 check, and the status of every component the system runs on.
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import pkg from "../../package.json";
import { config } from "../env";
import type { AppContext } from "../http/context";
import { ApiError } from "../http/errors";
import { jsonResponse } from "../http/openapi";

const healthSchema = z.object({
  status: z.enum(["ok", "unavailable"]),
  d1: z.object({ ok: z.boolean(), latency_ms: z.number() }),
  configuration: z.object({ ok: z.boolean(), detail: z.string().optional() }),
});

async function timed<T>(fn: () => Promise<T>): Promise<{ ok: boolean; latency_ms: number; value?: T; error?: string }> {
  const started = Date.now();
  try {
    const value = await fn();
    return { ok: true, latency_ms: Date.now() - started, value };
  } catch (err) {
    return { ok: false, latency_ms: Date.now() - started, error: err instanceof Error ? err.message : String(err) };
  }
}

/** A deployment whose vars do not parse answers every authenticated route with 500: health must say so. */
function configurationStatus(c: AppContext): { ok: boolean; detail?: string } {
  try {
    config(c.env);
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

export class Healthz extends ApiRoute {
  schema = {
    tags: ["ops"],
    summary: "Liveness: 200 when D1 answers, 503 when it does not",
    responses: {
      "200": jsonResponse("Healthy", healthSchema),
      "503": jsonResponse("D1 is unreachable or the configuration is invalid", healthSchema),
    },
  };
  async handle(c: AppContext) {
    const d1 = await timed(() => c.env.DB.prepare("SELECT 1").first());
    const configuration = configurationStatus(c);
    const ok = d1.ok && configuration.ok;
    return c.json(
      { status: ok ? "ok" : "unavailable", d1: { ok: d1.ok, latency_ms: d1.latency_ms }, configuration },
      ok ? 200 : 503,
    );
  }
}

const component = z.object({ ok: z.boolean(), latency_ms: z.number().optional(), detail: z.string().optional() });

export class Status extends ApiRoute {
  schema = {
    tags: ["ops"],
    summary: "Components, versions and the applied D1 migration",
    responses: {
      "200": jsonResponse(
        "Status",
        z.object({
          service: z.string(),
          version: z.string(),
          environment: z.string(),
          time: z.string(),
          migration: z.string().nullable(),
          components: z.record(z.string(), component),
        }),
      ),
    },
  };
  async handle(c: AppContext) {
    const [d1, migration, r2] = await Promise.all([
      timed(() => c.env.DB.prepare("SELECT 1").first()),
      timed(() => c.env.DB.prepare("SELECT name FROM d1_migrations ORDER BY id DESC LIMIT 1").first<{ name: string }>()),
      timed(() => c.env.EXPORTS.head("__edgeloop_status_probe")),
    ]);
    return {
      service: pkg.name,
      version: pkg.version,
      environment: String(c.env.ENVIRONMENT ?? "unknown"),
      time: new Date().toISOString(),
      migration: migration.value?.name ?? null,
      components: {
        configuration: configurationStatus(c),
        d1: { ok: d1.ok, latency_ms: d1.latency_ms, detail: d1.error },
        r2: { ok: r2.ok, latency_ms: r2.latency_ms, detail: r2.error },
        events_queue: { ok: typeof c.env.EVENTS_QUEUE?.sendBatch === "function", detail: "producer binding present" },
        dead_letter_queue: { ok: typeof c.env.EVENTS_DLQ?.send === "function", detail: "producer binding present" },
        rate_limiter: { ok: typeof c.env.RATE_LIMITER?.idFromName === "function", detail: "Durable Object namespace bound" },
        bandit_buckets: { ok: typeof c.env.BANDIT_BUCKET?.idFromName === "function", detail: "Durable Object namespace bound" },
      },
    };
  }
}

/**
 * The benchmark's floor: the same request path (routing, logging) with no work behind it. Answers 404 unless
 * ENABLE_BENCH_ROUTES=true, which only `npm run bench:*` sets (through `wrangler dev --var`).
 */
// Built once: chanfana makes a new route object per request, so a schema written in the class is rebuilt every time.
const BENCH_NOOP_SCHEMA = {
  tags: ["ops"],
  summary: "Benchmark floor: a no-op 202 (disabled unless ENABLE_BENCH_ROUTES=true)",
  responses: { "202": jsonResponse("Nothing was done", z.object({ accepted: z.number() })) },
};

export class BenchNoop extends ApiRoute {
  schema = BENCH_NOOP_SCHEMA;
  async handle(c: AppContext) {
    if (c.env.ENABLE_BENCH_ROUTES !== "true") throw new ApiError(404, "not_found", `No route ${c.req.method} ${c.req.path}`);
    await c.req.raw.arrayBuffer();
    return c.json({ accepted: 0 }, 202);
  }
}
