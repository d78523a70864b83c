// The base of every documented route: chanfana's OpenAPIRoute, minus the per-request work its validation repeats.
import { coerceInputs, InputValidationException, MultiException, OpenAPIRoute } from "chanfana";
import { z } from "zod";
import type { AppContext } from "./context";

type RequestParts = { params?: z.ZodType; query?: z.ZodType; headers?: z.ZodType; body?: z.ZodType };

const BODYLESS = new Set(["GET", "HEAD"]);

// One validator per route class and body-ness. chanfana builds z.strictObject({params, query, headers, body}) anew for
// every request, and zod compiles an object's shape on first use: building it once saves that on every request.
const validators = new WeakMap<object, Map<boolean, z.ZodType>>();

/**
 * Validation as chanfana does it (the same strict object, the same coercion of params, query and headers, the same
 * exceptions), except that the schema is built once per class and the JSON body is the one `jsonBody` already read
 * and parsed: no second parse, and no copy of the request to re-read. Every route extends this instead of OpenAPIRoute.
 */
export abstract class ApiRoute extends OpenAPIRoute<[AppContext]> {
  private requestParts(withBody: boolean): RequestParts {
    const request = this.getSchemaZod().request;
    const body = request?.body?.content?.["application/json"]?.schema;
    return {
      ...(request?.params ? { params: request.params as z.ZodType } : {}),
      ...(request?.query ? { query: request.query as z.ZodType } : {}),
      ...(request?.headers ? { headers: request.headers as z.ZodType } : {}),
      ...(withBody && body ? { body: body as z.ZodType } : {}),
    };
  }

  override async getUnvalidatedData() {
    if (this.unvalidatedData !== undefined) return this.unvalidatedData;
    const c = this.args[0] as AppContext;
    const request = c.req.raw;
    const parts = this.requestParts(!BODYLESS.has(request.method));
    const data: Record<string, unknown> = {};
    if (parts.params) data.params = coerceInputs(c.req.param(), parts.params as never);
    if (parts.query) data.query = coerceInputs(new URL(request.url).searchParams, parts.query as never) ?? {};
    if (parts.headers) {
      const shape = (parts.headers as z.ZodObject).shape;
      const headers = Object.fromEntries(Object.keys(shape).map((h) => [h, request.headers.get(h)]));
      data.headers = coerceInputs(headers, parts.headers as never) ?? {};
    }
    if (parts.body) {
      // jsonBody parsed it (or found none); a route outside jsonBody's prefixes reads it here, as chanfana would.
      const parsed = c.get("jsonBody");
      data.body = parsed !== undefined ? parsed : await request.json().catch(() => ({}));
    }
    this.unvalidatedData = data;
    return data;
  }

  override async validateRequest(request: Request) {
    const withBody = !BODYLESS.has(request.method);
    let byBody = validators.get(this.constructor);
    if (!byBody) validators.set(this.constructor, (byBody = new Map()));
    let validator = byBody.get(withBody);
    if (!validator) byBody.set(withBody, (validator = z.strictObject(this.requestParts(withBody))));
    const unvalidated = await this.getUnvalidatedData();
    try {
      return await validator.parseAsync(unvalidated);
    } catch (e) {
      if (e instanceof z.ZodError) throw new MultiException(e.issues.map((issue) => new InputValidationException(issue.message, issue.path.map(String))));
      throw e;
    }
  }
}
