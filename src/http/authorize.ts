// Route-level authorisation that runs before any body is read: a caller without the right learns nothing of a schema.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context";
import { requireOperator, requireProjectAdmin } from "./principal";

/**
 * Project admins and the operator only. The project is the path's `:project` where the route has one, else
 * `?project=`, else the caller's own; handlers still check it against what they act on.
 */
export const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const principal = c.get("principal");
  if (principal.kind !== "operator") {
    const named = c.req.param("project") ?? c.req.query("project");
    requireProjectAdmin(principal, named ?? principal.projectId);
  }
  await next();
};

export const operatorOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireOperator(c.get("principal"));
  await next();
};
