// Request logging: a request id on every response and one structured line per request.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context";
import { log } from "./log";

export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  const requestId = c.req.header("x-request-id")?.slice(0, 128) || crypto.randomUUID();
  c.set("requestId", requestId);
  await next();
  c.res.headers.set("X-Request-Id", requestId);
  const principal = c.get("principal");
  log.info("request", {
    request_id: requestId,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    duration_ms: Date.now() - started,
    credential: principal?.kind,
    project: principal && principal.kind !== "operator" ? principal.projectId : undefined,
  });
};
