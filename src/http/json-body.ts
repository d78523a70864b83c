// Every API route's JSON body, read once through the size limit and checked to be JSON before the route sees it.
import type { MiddlewareHandler } from "hono";
import { config, type Config } from "../env";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "./json-depth";
import { readBodyLimited, type BodyLimit } from "./read-body";

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Reads the body within a limit (413 naming it, before buffering past it), refuses malformed JSON with
 * 400 (chanfana would read it as an empty object), refuses a body nested past MAX_JSON_DEPTH (400 body_too_deep), and
 * hands the parsed body to the route (ApiRoute validates it): the client's stream is read once, and parsed once. A gzip
 * body reaches the route decompressed.
 */
export const jsonBodyWithin = (limit: (cfg: Config) => BodyLimit): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (BODYLESS.has(c.req.method)) return next();
  const text = await readBodyLimited(c.req.raw, limit(config(c.env)));
  // No body reads as {}, as chanfana reads one (the route's schema then says what was missing).
  let parsed: unknown = {};
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError(400, "malformed_json", "The request body is not valid JSON");
    }
    if (nestedDeeperThan(parsed, MAX_JSON_DEPTH)) {
      throw new ApiError(400, "body_too_deep", `The request body nests more than ${MAX_JSON_DEPTH} levels deep`, { max_depth: MAX_JSON_DEPTH });
    }
  }
  c.set("jsonBody", parsed);
  await next();
};

/** The body of every API route but ingest and the ads uploads, within MAX_API_BODY_BYTES. */
export const jsonBody = jsonBodyWithin((cfg) => ({ name: "MAX_API_BODY_BYTES", bytes: cfg.MAX_API_BODY_BYTES }));
