// The compatibility routes: Segment's and PostHog's capture APIs and seed 002's path, thin handlers around the mappings.
import type { Hono, MiddlewareHandler } from "hono";
import { config } from "../env";
import { authenticate, principalFor, type Credential } from "../http/auth";
import type { AppContext, AppEnv } from "../http/context";
import { corsForCaller, preflight } from "../http/cors";
import { ApiError } from "../http/errors";
import { rateLimit } from "../http/rate-limit";
import type { Principal } from "../http/principal";
import { readBodyLimited } from "../http/read-body";
import { acceptEvents } from "../ingest/ingest-events";
import { parseIngestBody } from "../ingest/parse-body";
import { KEY_PREFIX } from "../projects/publishable-keys";
import { COMPAT_LIMITS } from "./compat-event";
import { readCompatBody } from "./decode-body";
import { checkBatchSize, intake, outcomeOf } from "./intake";
import { flagsResponse, remoteConfig, remoteConfigScript } from "./posthog-config";
import { mapPostHog, postHogApiKey, postHogEvents } from "./posthog";
import { mapSeed002Items } from "./seed002";
import { mapSegment, segmentMessages, segmentWriteKey, type SegmentType } from "./segment";

/** Both spellings of each path: the SDKs call `/batch/`, people and proxies often drop the slash. */
const bothSlashes = (paths: string[]) => paths.flatMap((p) => (p.endsWith("/") ? [p, p.slice(0, -1)] : [p, `${p}/`]));

export const SEGMENT_PATHS: Record<string, SegmentType | undefined> = {
  "/v1/batch": undefined,
  "/v1/track": "track",
  "/v1/identify": "identify",
  "/v1/page": "page",
  "/v1/screen": "screen",
  "/v1/group": "group",
  "/v1/alias": "alias",
};
export const POSTHOG_CAPTURE_PATHS = ["/batch/", "/capture/", "/e/", "/i/v0/e/"];
export const POSTHOG_FLAGS_PATHS = ["/flags/", "/decide/"];
export const SEED002_PATH = "/api/analytics/ingest";

const credentialOf = (key: string): Credential => (key.startsWith(KEY_PREFIX) ? { type: "publishable_key", key } : { type: "bearer", token: key });

/**
 * Where a compat request's key may be: `Authorization: Basic base64(writeKey:)` (Segment) or `Bearer`; the
 * X-Edgeloop-Key header or ?key=; else the body (Segment's writeKey, PostHog's api_key / token / properties.token).
 */
function headerCredential(c: AppContext): Credential | null {
  const authorization = c.req.header("authorization");
  if (authorization) {
    const basic = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization);
    if (basic) {
      let decoded: string;
      try {
        decoded = atob(basic[1]!);
      } catch {
        throw new ApiError(401, "invalid_authorization", "The Basic credentials are not base64");
      }
      const writeKey = decoded.split(":")[0]!;
      if (!writeKey) throw new ApiError(401, "invalid_authorization", "Use 'Authorization: Basic base64(<key>:)' with the project's publishable key");
      return credentialOf(writeKey);
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!bearer) throw new ApiError(401, "invalid_authorization", "Use 'Authorization: Basic base64(<key>:)' or 'Authorization: Bearer <token>'");
    return credentialOf(bearer[1]!);
  }
  const key = c.req.header("x-edgeloop-key") ?? c.req.query("key");
  return key ? credentialOf(key) : null;
}

const INGEST_CALLERS: Principal["kind"][] = ["publishable_key", "jwt", "operator"];

/**
 * Reads and decodes the body first (the key may be inside it), within MAX_REQUEST_BYTES counted after decompression,
 * then authenticates as the ingest routes do (origin allow-lists included). The decoded body is handed on as jsonBody.
 */
function compatAuth(keyInBody: (body: unknown) => string | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const cfg = config(c.env);
    const body = c.req.method === "GET" ? undefined : await readCompatBody(c.req.raw, { name: "MAX_REQUEST_BYTES", bytes: cfg.MAX_REQUEST_BYTES });
    c.set("jsonBody", body);
    const fromBody = keyInBody(body);
    const credential = headerCredential(c) ?? (fromBody ? credentialOf(fromBody) : null);
    if (!credential) {
      throw new ApiError(401, "unauthenticated", "Credentials are required: the project's publishable key as the writeKey / api_key", undefined, { "WWW-Authenticate": 'Basic realm="edgeloop"' });
    }
    const principal = await principalFor(c, credential);
    if (!INGEST_CALLERS.includes(principal.kind)) throw new ApiError(403, "forbidden", "These credentials cannot send events");
    c.set("principal", principal);
    await next();
  };
}

function bodyOf(c: AppContext): unknown {
  const body = c.get("jsonBody");
  if (body === undefined) throw new ApiError(400, "invalid_body", "The request has no body");
  return body;
}

const segmentHandler = (type: SegmentType | undefined) => async (c: AppContext) => {
  const body = bodyOf(c);
  checkBatchSize(segmentMessages(body, type).messages.length, config(c.env).MAX_BATCH_SIZE);
  const result = await intake(c, (registry, receivedAt) => mapSegment(body, { type, receivedAt, allowedKeys: registry.pii.allowedKeys }));
  return c.json({ success: true, ...outcomeOf(result) }, 200);
};

const postHogCapture = async (c: AppContext) => {
  const body = bodyOf(c);
  const { events, historicalMigration } = postHogEvents(body);
  checkBatchSize(events.length, config(c.env).MAX_BATCH_SIZE);
  const result = await intake(c, (registry, receivedAt) => mapPostHog(body, { receivedAt, allowedKeys: registry.pii.allowedKeys }), historicalMigration);
  return c.json({ status: 1, ...outcomeOf(result) }, 200);
};

const seed002Ingest = async (c: AppContext) => {
  const cfg = config(c.env);
  const text = await readBodyLimited(c.req.raw, { name: "MAX_REQUEST_BYTES", bytes: cfg.MAX_REQUEST_BYTES });
  const body = parseIngestBody(text, cfg.MAX_BATCH_SIZE);
  const result = await acceptEvents(c, body.events, { historicalMigration: body.historicalMigration, map: mapSeed002Items, limits: COMPAT_LIMITS });
  // Seed 002 answers {"ingested": n}; the contract's fields come along so a client can see what was refused.
  return c.json({ ingested: result.queued.length, ...outcomeOf(result) }, 202, result.notQueued > 0 ? { "Retry-After": "5" } : {});
};

/** The token a flags call carries (posthog-js: token; older clients: api_key). */
const flagsKey = (body: unknown) => postHogApiKey(body);

const keyOf = (c: AppContext) => c.req.param("key") ?? "";

/** Mounts every compat route on the app; app.ts calls this once, after the ingest routes. */
export function mountCompatRoutes(app: Hono<AppEnv>): void {
  const ingestLimit = rateLimit("ingest");
  const segmentPaths = Object.keys(SEGMENT_PATHS);
  const postHogPosts = bothSlashes([...POSTHOG_CAPTURE_PATHS, ...POSTHOG_FLAGS_PATHS]);
  for (const path of [...segmentPaths, ...postHogPosts, SEED002_PATH]) app.options(path, preflight);

  for (const path of segmentPaths) {
    app.post(path, corsForCaller, compatAuth(segmentWriteKey), ingestLimit, segmentHandler(SEGMENT_PATHS[path]));
  }
  app.on("POST", bothSlashes(POSTHOG_CAPTURE_PATHS), corsForCaller, compatAuth(postHogApiKey), ingestLimit, postHogCapture);
  app.on("POST", bothSlashes(POSTHOG_FLAGS_PATHS), corsForCaller, compatAuth(flagsKey), ingestLimit, (c) => c.json(flagsResponse(flagsKey(c.get("jsonBody")) ?? "", crypto.randomUUID())));
  // posthog-js's remote config: the key is the path's; an unknown or revoked key is 401 like anywhere else. Only ever
  // read as a publishable key: a bearer token (the operator's, a JWT) in a URL would be logged, and echoed into a
  // publicly cached script, and the path must not be a way to test secrets.
  const keyInPath: MiddlewareHandler<AppEnv> = async (c, next) => {
    c.set("principal", await principalFor(c, { type: "publishable_key", key: c.req.param("key") ?? "" }));
    await next();
  };
  app.get("/array/:key/config", corsForCaller, keyInPath, ingestLimit, (c) => c.json(remoteConfig(keyOf(c))));
  app.get("/array/:key/config.js", corsForCaller, keyInPath, ingestLimit, (c) =>
    c.body(remoteConfigScript(keyOf(c)), 200, { "content-type": "application/javascript; charset=utf-8", "cache-control": "public, max-age=300" }),
  );

  app.on("POST", SEED002_PATH, corsForCaller, authenticate(...INGEST_CALLERS), ingestLimit, seed002Ingest);
}
