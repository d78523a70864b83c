// Env bindings and the typed, zod-parsed configuration: the one place a deployment's settings are read.
import { z } from "zod";
import type { BanditBucket } from "./decisions/bandit-bucket-do";
import type { RequestClaims } from "./decisions/request-claims-do";
import type { RateLimiter } from "./http/rate-limiter-do";

export interface Env {
  DB: D1Database;
  EVENTS_QUEUE: Queue<unknown>;
  EVENTS_DLQ: Queue<unknown>;
  JOBS_QUEUE: Queue<unknown>;
  EXPORTS: R2Bucket;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  BANDIT_BUCKET: DurableObjectNamespace<BanditBucket>;
  REQUEST_CLAIMS: DurableObjectNamespace<RequestClaims>;
  // Plain vars and secrets; parsed by `config()` below.
  [key: string]: unknown;
}

const intVar = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const boolVar = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", ""])])
  .default(false)
  .transform((v) => v === true || v === "true" || v === "1");

export const configSchema = z.object({
  ENVIRONMENT: z.string().default("development"),
  JWT_SECRET: z.string().min(16, "JWT_SECRET must be at least 16 characters").optional(),
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  ADMIN_TOKEN: z.string().min(16, "ADMIN_TOKEN must be at least 16 characters").optional(),
  USER_ID_SALT: z.string().min(16, "USER_ID_SALT must be at least 16 characters").optional(),
  ANONYMIZE_USER_IDS: boolVar,
  MAX_BATCH_SIZE: intVar(1000),
  MAX_REQUEST_BYTES: intVar(512 * 1024),
  MAX_EVENT_BYTES: intVar(32 * 1024),
  /** The largest JSON body of every route but ingest (decisions, reports, exports, admin): 64 KiB fits each by far. */
  MAX_API_BODY_BYTES: intVar(64 * 1024),
  INGEST_RATE_LIMIT_PER_MINUTE: intVar(6000),
  IP_RATE_LIMIT_PER_MINUTE: intVar(3000),
  REPORT_RATE_LIMIT_PER_MINUTE: intVar(60),
  ADMIN_RATE_LIMIT_PER_MINUTE: intVar(600),
  DECIDE_RATE_LIMIT_PER_MINUTE: intVar(6000),
  EVENT_RETENTION_DAYS: intVar(90),
  /**
   * How long a bucket holds a new decision before flushing it to D1 (with every other decision recorded meanwhile).
   * The learning jobs wait an hour before reading a decision, so seconds of lag cost nothing and batch the writes.
   */
  DECISION_FLUSH_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  /**
   * Objects per project that hold request_id claims (each about 1,000 requests/s): a project's decisions with a
   * request_id spread over them by a hash of the request_id. Changing it moves claims: set it before first use.
   */
  REQUEST_CLAIM_SHARDS: intVar(16),
  /** Rows per PUT /v1/ads/entities, /v1/ads/insights or CSV import (a 90-day account of ~400 entities is ~36,000 rows: a few requests). */
  ADS_MAX_ROWS: intVar(5000),
  /** The largest ads upload, JSON or CSV (5,000 insight rows are ~1 MiB of JSON). */
  ADS_MAX_REQUEST_BYTES: intVar(2 * 1024 * 1024),
  /** The longest from–to range a report accepts. */
  REPORT_MAX_RANGE_DAYS: intVar(366),
  /** Seed 004's training guard: rebuild arm statistics only after this many new final outcomes. */
  MIN_FRESH_OUTCOMES: z.coerce.number().int().min(0).default(5),
  /** How long a worker isolate trusts its copy of keys and event names. Revocations take effect within it. */
  REGISTRY_CACHE_SECONDS: z.coerce.number().int().min(0).default(30),
  // Exports. Their defaults live in src/reports/exports/settings.ts (absent here, so an unset var stays unset).
  /** Signs download links; falls back to USER_ID_SALT, JWT_SECRET, then ADMIN_TOKEN (a derived key either way). */
  EXPORT_SIGNING_SECRET: z.string().min(16, "EXPORT_SIGNING_SECRET must be at least 16 characters").optional(),
  /** Days an export's file stays in R2 (default 7). */
  EXPORT_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  /** Seconds a download link is valid (default 3600). */
  EXPORT_LINK_TTL_SECONDS: z.coerce.number().int().positive().optional(),
  /** The most rows GET /v1/reports/events streams directly (default 100000); more goes through POST /v1/exports. */
  EXPORT_DIRECT_MAX_ROWS: z.coerce.number().int().positive().optional(),
  /**
   * Tests only (refused unless ENVIRONMENT=test): learned decisions draw from seededRng(seed, unit) instead of crypto
   * randomness, so a test through the HTTP API gets the same answers every run. Production leaves it unset.
   */
  DECISION_RNG_SEED: z.string().min(1).optional(),
}).superRefine((c, ctx) => {
  if (c.DECISION_RNG_SEED !== undefined && c.ENVIRONMENT !== "test") {
    ctx.addIssue({ code: "custom", path: ["DECISION_RNG_SEED"], message: "DECISION_RNG_SEED is for tests (ENVIRONMENT=test) only: it makes decisions predictable" });
  }
  if (c.ANONYMIZE_USER_IDS && !c.USER_ID_SALT) {
    ctx.addIssue({ code: "custom", path: ["USER_ID_SALT"], message: "ANONYMIZE_USER_IDS=true needs a secret USER_ID_SALT" });
  }
});

export type Config = z.infer<typeof configSchema>;

const parsed = new WeakMap<object, Config>();

/** Parses the deployment's vars once per env object; a misconfiguration fails loudly with every problem named. */
export function config(env: Env): Config {
  let c = parsed.get(env);
  if (!c) {
    const result = configSchema.safeParse(env);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`edgeloop configuration is invalid: ${problems}`);
    }
    c = result.data;
    parsed.set(env, c);
  }
  return c;
}
