// POST /v1/experiments/:key/assignment: a unit's variant, from cached config and a hash; its exposure is queued once.
import { z } from "zod";
import { database } from "../db/client";
import { checkContext } from "../decisions/screen-request";
import { config } from "../env";
import { ApiRoute } from "../http/api-route";
import type { AppContext } from "../http/context";
import { ApiError, errorResponses } from "../http/errors";
import { log } from "../http/log";
import { bearerOnly, jsonResponse } from "../http/openapi";
import { projectOf, type Principal } from "../http/principal";
import { pseudonymizeUserId } from "../ingest/enrich";
import { screenIdentifier } from "../ingest/pii/identifiers";
import { projectRegistry } from "../projects/event-names";
import { assignVariant } from "./assignment";
import { chooseBanditVariant } from "./bandit-assignment";
import { experimentKeySchema } from "./experiment-config";
import { requireExperiment } from "./experiments";
import { recordExposure } from "./exposures";

const ASSIGNMENT_SCHEMA = {
  tags: ["experiments"],
  summary: "A unit's variant in an experiment (deterministic and sticky); the first assignment in the experiment records its exposure",
  security: bearerOnly,
  request: {
    params: z.object({ key: experimentKeySchema }),
    query: z.object({ project: z.string().optional().describe("Only for the operator token, which spans projects") }),
    body: {
      content: {
        "application/json": {
          schema: z.object({
            unit_id: z.string().min(1).max(200).describe("Who is assigned; a user token may only ask for its own sub. Refused or pseudonymised when it looks like personal data, as decisions' unit_id"),
            attributes: z.record(z.string(), z.unknown()).optional().describe("Flat object stored on the exposure event's context; checked by the anti-PII guard"),
          }),
        },
      },
    },
  },
  responses: {
    "200": jsonResponse(
      "The assignment",
      z.object({
        variant: z.string(),
        in_experiment: z.boolean(),
        experiment_id: z.string(),
        decision_id: z.string().optional().describe("Bandit experiments, in the experiment: the decision that chose the variant; send it with the unit's events so the policy learns"),
        propensity: z.number().optional().describe("Bandit experiments, in the experiment: the probability the policy had of choosing this variant"),
      }),
    ),
    ...errorResponses(400, 401, 403, 404, 409, 429, 503),
  },
};

/** A user's token speaks for itself only; admins and the operator assign any unit. */
function checkUnit(principal: Principal, unitId: string): void {
  if (principal.kind === "jwt" && principal.role === "user" && principal.sub !== unitId) {
    throw new ApiError(403, "forbidden", "A user token may only ask for its own assignment (unit_id must be the token's sub)");
  }
}

export class PostAssignment extends ApiRoute {
  schema = ASSIGNMENT_SCHEMA;
  async handle(c: AppContext) {
    const { params, query, body } = await this.getValidatedData<typeof this.schema>();
    const principal = c.get("principal");
    const projectId = projectOf(principal, query.project);
    checkUnit(principal, body.unit_id);
    const cfg = config(c.env);
    const db = database(c.env.DB);
    // Both reads are the isolate's caches when warm (REGISTRY_CACHE_SECONDS): no D1 on the hot path.
    const registry = await projectRegistry(db, projectId, cfg.REGISTRY_CACHE_SECONDS);
    if (!registry) throw new ApiError(404, "project_not_found", `No project '${projectId}'`);
    const verdict = screenIdentifier("unit_id", body.unit_id, registry.pii.identifierMode, cfg.USER_ID_SALT !== undefined);
    if (verdict.action === "refuse") throw new ApiError(400, "pii_value", verdict.message);
    if (body.attributes) checkContext(body.attributes, registry.pii);
    const hidden = verdict.action === "pseudonymize" || cfg.ANONYMIZE_USER_IDS;
    const pseudonym = hidden ? await pseudonymizeUserId(cfg.USER_ID_SALT!, projectId, body.unit_id) : body.unit_id;
    // Bucketing hashes the id as the project stores identifiers of its kind, so an SDK hashing the same id agrees.
    const unitId = verdict.action === "pseudonymize" ? pseudonym : body.unit_id;

    const experiment = await requireExperiment(db, projectId, params.key, cfg.REGISTRY_CACHE_SECONDS);
    const now = Date.now();
    const { reason: _reason, ...hashed } = assignVariant(experiment, unitId, now);
    let answer: typeof hashed & { decision_id?: string; propensity?: number } = hashed;
    // The hash still decides who is in (traffic allocation); in a bandit experiment the policy picks the variant.
    if (hashed.in_experiment && experiment.allocation === "bandit") {
      const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
      answer = { ...hashed, ...(await chooseBanditVariant(c.env, db, experiment, unitId, body.attributes, { cacheSeconds: cfg.REGISTRY_CACHE_SECONDS, waitUntil })) };
    }
    if (answer.in_experiment) {
      const decision = answer.decision_id === undefined ? undefined : { id: answer.decision_id, propensity: answer.propensity! };
      const exposure = { projectId, experimentId: experiment.id, experimentKey: experiment.key, variant: answer.variant, storedUnitId: pseudonym, attributes: body.attributes, now, decision };
      // After the answer: an exposure lost to a refused send is logged, and the next assignment of the unit resends it.
      c.executionCtx.waitUntil(recordExposure(c.env, exposure).catch((err) => log.error("exposure_not_recorded", { experiment_id: experiment.id, error: String(err) })));
    }
    return answer;
  }
}
