// Admin routes for tenancy: projects (operator), their publishable keys and event-name registry (project admins).
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import { database } from "../db/client";
import type { AppContext } from "../http/context";
import { ApiError, errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { requireOperator } from "../http/principal";
import { config } from "../env";
import { KEY_PATTERN } from "../ingest/pii-guard";
import { parsePiiSettings, PII_IDENTIFIER_MODES } from "../ingest/pii/identifiers";
import { validTimeZone } from "../reports/time-zones";
import { EVENT_NAME_PATTERN } from "./default-event-names";
import { adminProject } from "./admin-project";
import { addEventNames, listEventNames } from "./event-names";
import { createProject, listProjects, updateProject, type Project } from "./projects";
import { createKey, listKeys, revokeKey } from "./publishable-keys";

const projectView = (p: Project) => {
  const pii = parsePiiSettings(p.piiIdentifiers, p.piiAllowedKeys);
  return {
    id: p.id,
    name: p.name,
    ingest_rate_limit_per_minute: p.ingestRateLimitPerMinute,
    time_zone: p.timeZone,
    signup_event: p.signupEvent,
    pii_identifiers: pii.identifierMode,
    pii_allowed_keys: [...pii.allowedKeys],
    created_at: new Date(p.createdAt).toISOString(),
  };
};
const projectSchema = z.object({
  id: z.string(),
  name: z.string(),
  ingest_rate_limit_per_minute: z.number().nullable(),
  time_zone: z.string().describe("IANA zone reports cut days in"),
  signup_event: z.string().nullable().describe("The event registration cohorts start from"),
  pii_identifiers: z.enum(PII_IDENTIFIER_MODES).describe("What happens to a stored identifier that looks like personal data (docs/ingestion.md §3)"),
  pii_allowed_keys: z.array(z.string()).describe("context/properties keys the anti-PII key rules skip; their values are still checked"),
  created_at: z.string(),
});
const keySchema = z.object({
  key_id: z.string(),
  project: z.string(),
  key_prefix: z.string(),
  label: z.string().nullable(),
  allowed_origins: z.array(z.string()),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
const eventNameSchema = z.object({ name: z.string(), description: z.string().nullable(), created_at: z.string() });
const projectParam = z.object({ project: z.string().min(1).max(64) });

const origin = z
  .string()
  .max(253)
  .refine((o) => {
    if (o === "*") return true;
    try {
      return new URL(o).origin === o;
    } catch {
      return false;
    }
  }, "each origin must be '*' or scheme://host[:port] with no path or trailing slash");

/** Reads and checks the :project path parameter against the caller's rights. */
export class CreateProject extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "Create a project (operator). Idempotent: creating an existing id returns it unchanged.",
    security: bearerOnly,
    request: {
      body: {
        content: {
          "application/json": {
            schema: z.object({
              id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "id must be lower-case letters, digits, '-' or '_' (at most 64)"),
              name: z.string().min(1).max(200),
              ingest_rate_limit_per_minute: z.number().int().positive().optional(),
            }),
          },
        },
      },
    },
    responses: { "201": jsonResponse("The project", projectSchema), ...errorResponses(400, 401, 403) },
  };
  async handle(c: AppContext) {
    requireOperator(c.get("principal"));
    const { body } = await this.getValidatedData<typeof this.schema>();
    const project = await createProject(database(c.env.DB), { id: body.id, name: body.name, ingestRateLimitPerMinute: body.ingest_rate_limit_per_minute });
    return c.json(projectView(project), 201);
  }
}

export class ListProjects extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "List projects (operator)",
    security: bearerOnly,
    responses: { "200": jsonResponse("Projects", z.object({ projects: z.array(projectSchema) })), ...errorResponses(401, 403) },
  };
  async handle(c: AppContext) {
    requireOperator(c.get("principal"));
    return { projects: (await listProjects(database(c.env.DB))).map(projectView) };
  }
}

export class GetProject extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "Read a project",
    security: bearerOnly,
    request: { params: projectParam },
    responses: { "200": jsonResponse("The project", projectSchema), ...errorResponses(401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return projectView(await adminProject(c, params.project));
  }
}

const timeZone = z.string().max(64).refine(validTimeZone, "an IANA time zone such as UTC or America/Sao_Paulo");

export const MAX_PII_ALLOWED_KEYS = 100;
const piiAllowedKeys = z
  .array(z.string().regex(KEY_PATTERN, "each key must be an identifier (letters, digits, _ . - : $ /; at most 64)"))
  .max(MAX_PII_ALLOWED_KEYS)
  .refine((keys) => new Set(keys).size === keys.length, "keys must not repeat");

export class UpdateProject extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "Change a project's settings: name, time zone, sign-up event, ingest quota, PII handling",
    security: bearerOnly,
    request: {
      params: projectParam,
      body: {
        content: {
          "application/json": {
            schema: z.object({
              name: z.string().min(1).max(200).optional(),
              time_zone: timeZone.optional(),
              signup_event: z.string().regex(EVENT_NAME_PATTERN).nullable().optional(),
              ingest_rate_limit_per_minute: z.number().int().positive().nullable().optional(),
              pii_identifiers: z.enum(PII_IDENTIFIER_MODES).optional().describe("refuse (default) or pseudonymize (needs USER_ID_SALT)"),
              pii_allowed_keys: piiAllowedKeys.optional().describe("Replaces the list; [] clears it"),
            }),
          },
        },
      },
    },
    responses: { "200": jsonResponse("The project", projectSchema), ...errorResponses(400, 401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    await adminProject(c, params.project);
    // Refused now rather than at every event: pseudonymising needs the deployment's secret.
    if (body.pii_identifiers === "pseudonymize" && !config(c.env).USER_ID_SALT) {
      throw new ApiError(400, "user_id_salt_required", "pii_identifiers=pseudonymize needs the deployment secret USER_ID_SALT; set it first");
    }
    const db = database(c.env.DB);
    return projectView(await updateProject(db, params.project, {
      name: body.name,
      timeZone: body.time_zone,
      signupEvent: body.signup_event,
      ingestRateLimitPerMinute: body.ingest_rate_limit_per_minute,
      piiIdentifiers: body.pii_identifiers,
      piiAllowedKeys: body.pii_allowed_keys,
    }));
  }
}

export class CreateKey extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "Create a publishable (pk_) key; the secret is returned only here",
    security: bearerOnly,
    request: {
      params: projectParam,
      body: {
        content: {
          "application/json": {
            schema: z.object({ label: z.string().max(200).optional(), allowed_origins: z.array(origin).max(50) }),
          },
        },
      },
    },
    responses: { "201": jsonResponse("The key, with its secret", keySchema.extend({ key: z.string() })), ...errorResponses(400, 401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    await adminProject(c, params.project);
    return c.json(await createKey(database(c.env.DB), params.project, { label: body.label, allowedOrigins: body.allowed_origins }), 201);
  }
}

export class ListKeys extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "List a project's publishable keys (hashes are never shown)",
    security: bearerOnly,
    request: { params: projectParam },
    responses: { "200": jsonResponse("Keys", z.object({ keys: z.array(keySchema) })), ...errorResponses(401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    await adminProject(c, params.project);
    return { keys: await listKeys(database(c.env.DB), params.project) };
  }
}

export class RevokeKey extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "Revoke a publishable key",
    security: bearerOnly,
    request: { params: projectParam.extend({ key_id: z.string().min(1).max(64) }) },
    responses: { "200": jsonResponse("The revoked key", keySchema), ...errorResponses(401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    await adminProject(c, params.project);
    const key = await revokeKey(database(c.env.DB), params.project, params.key_id);
    if (!key) throw new ApiError(404, "key_not_found", `No key '${params.key_id}' in project '${params.project}'`);
    return key;
  }
}

export class ListEventNames extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "List the project's registered event names",
    security: bearerOnly,
    request: { params: projectParam },
    responses: { "200": jsonResponse("Event names", z.object({ event_names: z.array(eventNameSchema) })), ...errorResponses(401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    await adminProject(c, params.project);
    return { event_names: await listEventNames(database(c.env.DB), params.project) };
  }
}

export class AddEventNames extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "Register event names (existing names are left as they are)",
    security: bearerOnly,
    request: {
      params: projectParam,
      body: {
        content: {
          "application/json": {
            schema: z.object({
              event_names: z
                .array(z.object({ name: z.string().regex(EVENT_NAME_PATTERN, "names are lower snake case, at most 64 characters"), description: z.string().max(500).optional() }))
                .min(1)
                .max(500),
            }),
          },
        },
      },
    },
    responses: { "201": jsonResponse("The registry after the change", z.object({ event_names: z.array(eventNameSchema) })), ...errorResponses(400, 401, 403, 404) },
  };
  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    await adminProject(c, params.project);
    const db = database(c.env.DB);
    await addEventNames(db, params.project, body.event_names);
    return c.json({ event_names: await listEventNames(db, params.project) }, 201);
  }
}

