// Admin routes to read and replay dead letters. The operator sees every project; a project admin sees its own.
import { ApiRoute } from "../http/api-route";
import { z } from "zod";
import { database } from "../db/client";
import type { AppContext } from "../http/context";
import { errorResponses } from "../http/errors";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { requireProjectAdmin, type Principal } from "../http/principal";
import { ApiError } from "../http/errors";
import { EVENTS_QUEUE_NAME } from "./queues";
import { listDeadLetters, replayDeadLetters } from "./dead-letters";

const deadLetterSchema = z.object({
  id: z.number(),
  queue: z.string(),
  message_id: z.string(),
  project: z.string().nullable(),
  reason: z.string(),
  attempts: z.number(),
  failed_at: z.string(),
  replayed_at: z.string().nullable(),
  body: z.unknown(),
});

/** The project a dead-letter request is limited to: none for the operator unless asked, always its own for an admin. */
function scopeOf(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.kind === "operator") return requested;
  if (principal.kind !== "jwt") throw new ApiError(403, "forbidden", "This needs an admin");
  const project = requested ?? principal.projectId;
  requireProjectAdmin(principal, project);
  return project;
}

export class ListDeadLetters extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "List dead letters: messages that could not be written",
    security: bearerOnly,
    request: {
      query: z.object({
        project: z.string().optional(),
        include_replayed: z.enum(["true", "false"]).default("false"),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: { "200": jsonResponse("Dead letters, newest first", z.object({ dead_letters: z.array(deadLetterSchema) })), ...errorResponses(400, 401, 403) },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const projectId = scopeOf(c.get("principal"), query.project);
    return { dead_letters: await listDeadLetters(database(c.env.DB), { projectId, includeReplayed: query.include_replayed === "true", limit: query.limit }) };
  }
}

export class ReplayDeadLetters extends ApiRoute {
  schema = {
    tags: ["admin"],
    summary: "Replay dead letters to their queue (safe to repeat: writes are idempotent on event_id)",
    security: bearerOnly,
    request: {
      query: z.object({ project: z.string().optional() }),
      body: { content: { "application/json": { schema: z.object({ ids: z.array(z.number().int().positive()).min(1).max(1000) }) } } },
    },
    responses: {
      "200": jsonResponse(
        "What was replayed",
        z.object({ replayed: z.array(z.number()), not_replayable: z.array(z.object({ id: z.number(), reason: z.string() })), not_found: z.array(z.number()) }),
      ),
      ...errorResponses(400, 401, 403),
    },
  };
  async handle(c: AppContext) {
    const { query, body } = await this.getValidatedData<typeof this.schema>();
    const projectId = scopeOf(c.get("principal"), query.project);
    return replayDeadLetters(database(c.env.DB), { [EVENTS_QUEUE_NAME]: c.env.EVENTS_QUEUE }, body.ids, projectId);
  }
}
