// A bandit experiment's assignment: the decision service chooses the variant (Thompson with its floor) and records it.
import type { Database } from "../db/client";
import { decide } from "../decisions/decide";
import { findDecisionType } from "../decisions/decision-types";
import type { Env } from "../env";
import { banditRequestId, checkBanditDecisionType } from "./bandit-allocation";
import type { Experiment } from "./experiment-config";

export type BanditChoice = { variant: string; decision_id: string; propensity: number };

/**
 * Asks `decide()` with the experiment's decision type, the unit, the attributes as the decision context (its bucket
 * fields are read from them), the experiment id, and request_id `exp:<experiment id>:<unit id>`. The request_id is the
 * stickiness: its claim makes the first decision the answer to every later ask of the unit, from any location, with no
 * D1 read while the bucket still holds the decision (7 days; after that its id is read from D1). The decision type is
 * checked again (the isolate's cached copy, the same decide reads): an admin may have changed it since the start.
 */
export async function chooseBanditVariant(
  env: Env,
  db: Database,
  e: Experiment,
  unitId: string,
  attributes: Record<string, unknown> | undefined,
  opts: { cacheSeconds: number; waitUntil: (p: Promise<unknown>) => void },
): Promise<BanditChoice> {
  const type = e.decisionType === null ? null : await findDecisionType(db, e.projectId, e.decisionType, opts.cacheSeconds);
  checkBanditDecisionType(e, type, env as unknown as Record<string, unknown>);
  const decision = await decide(
    env,
    e.projectId,
    { decision_type: e.decisionType!, unit_id: unitId, context: attributes ?? {}, request_id: banditRequestId(e.id, unitId), experiment_id: e.id },
    { waitUntil: opts.waitUntil },
  );
  return { variant: decision.action, decision_id: decision.decision_id, propensity: decision.propensity };
}
