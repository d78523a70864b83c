// Shared OpenAPI pieces: security schemes and the response helpers every route's schema uses.
import { contentJson } from "chanfana";
import type { z } from "zod";

export const SECURITY_SCHEMES = {
  bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A backend/admin JWT (claims sub, role, project), or the operator's ADMIN_TOKEN" },
  publishableKey: { type: "apiKey", in: "header", name: "X-Edgeloop-Key", description: "A write-only pk_ key, for browsers" },
  publishableKeyQuery: { type: "apiKey", in: "query", name: "key", description: "The same key in the query, for navigator.sendBeacon" },
} as const;

type SecurityRequirement = Record<string, string[]>;
export const bearerOnly: SecurityRequirement[] = [{ bearer: [] }];
export const anyIngestCredential: SecurityRequirement[] = [{ bearer: [] }, { publishableKey: [] }, { publishableKeyQuery: [] }];

export const jsonResponse = <T>(description: string, schema: z.ZodType<T>) => ({ description, ...contentJson(schema) });
