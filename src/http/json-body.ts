// Refuses a malformed JSON body with 400 malformed_json before chanfana, which would read it as an empty object.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

export const requireWellFormedJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!["GET", "HEAD", "OPTIONS", "DELETE"].includes(c.req.method)) {
    const text = await c.req.raw.clone().text();
    if (text.length > 0) {
      try {
        JSON.parse(text);
      } catch {
        throw new ApiError(400, "malformed_json", "The request body is not valid JSON");
      }
    }
  }
  await next();
};
