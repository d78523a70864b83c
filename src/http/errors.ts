// The one error shape, {"error": {"code", "message", "details"}}: thrown as ApiError, rendered in one place.
import { ApiException } from "chanfana";
import type { Context } from "hono";
import { z } from "zod";
import { log } from "./log";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function errorResponse(err: ApiError): Response {
  return new Response(JSON.stringify(errorBody(err.code, err.message, err.details)), {
    status: err.status,
    headers: { "content-type": "application/json; charset=utf-8", ...err.headers },
  });
}

/** zod issues as details: the path and the rule broken, never the offending value. */
export function zodDetails(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }));
}

function isZodError(err: unknown): err is z.ZodError {
  return err instanceof z.ZodError || (err instanceof Error && err.name === "ZodError" && "issues" in err);
}

/** Hono's onError: every thrown thing becomes the one shape; only unknown failures are 500s. */
export function renderError(err: unknown, c: Context): Response {
  if (err instanceof ApiError) return errorResponse(err);
  if (isZodError(err)) {
    return errorResponse(new ApiError(400, "validation_failed", "The request does not match the schema", zodDetails(err)));
  }
  // chanfana's request validation throws its own exceptions (a MultiException of InputValidationExceptions).
  if (err instanceof ApiException) {
    const details = (err.buildResponse() as Array<{ message: string; path?: string[] }>).map((e) => ({ path: e.path ?? [], message: e.message }));
    const code = err.status === 400 ? "validation_failed" : "invalid_request";
    return errorResponse(new ApiError(err.status, code, err.status === 400 ? "The request does not match the schema" : err.message, details));
  }
  log.error("unhandled_error", { path: c.req.path, method: c.req.method, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  return errorResponse(new ApiError(500, "internal_error", "Something went wrong on our side"));
}

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [String(s), { description: DESCRIPTIONS[s] ?? "Error", content: { "application/json": { schema: errorBodySchema } } }]),
  );

const DESCRIPTIONS: Record<number, string> = {
  400: "Bad request: the body or a parameter is invalid",
  401: "Missing or invalid credentials",
  403: "Credentials valid, but not allowed here",
  404: "Not found",
  409: "Conflict",
  413: "A configured size limit was exceeded; the error names it",
  429: "Rate limited; see Retry-After",
  503: "Temporarily unavailable; see Retry-After",
};
