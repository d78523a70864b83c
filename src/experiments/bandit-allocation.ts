// Bandit experiments, pure: whether a decision type can allocate an experiment's traffic, and the request_id that makes
// a unit's decision sticky.
import { activePolicy } from "../decisions/active-policy";
import type { DecisionType } from "../decisions/decision-types";
import { resolveParams } from "../decisions/policies/policy-input";
import { effectiveFloor } from "../decisions/policies/propensity-floor";
import { ApiError } from "../http/errors";
import type { Experiment } from "./experiment-config";

const mismatch = (message: string, details?: unknown) => new ApiError(409, "decision_type_mismatch", message, details);

/**
 * A bandit experiment's traffic follows its decision type's active policy, so that type must choose among exactly the
 * experiment's variants, with Thompson sampling and a propensity floor above 0: the floor keeps every variant's
 * propensity away from 0, which the propensity-weighted results divide by (no floor, no overlap, no unbiased
 * comparison). `env` is the deployment's, since a `<TYPE>_POLICY_ID` override decides which policy serves.
 * Returns the serving policy's id and effective floor; throws 409 decision_type_mismatch with the reason otherwise.
 */
export function checkBanditDecisionType(e: Pick<Experiment, "key" | "variants" | "decisionType">, type: DecisionType | null, env: Readonly<Record<string, unknown>>): { policyId: string; floor: number } {
  if (e.decisionType === null) {
    throw mismatch(`Bandit experiment '${e.key}' needs a decision_type whose actions are its variant keys and whose active policy is Thompson sampling`);
  }
  if (!type) throw mismatch(`No decision type '${e.decisionType}' in this project: create it first (PUT /v1/admin/projects/:project/decision-types/${e.decisionType})`);
  const variants = e.variants.map((v) => v.key);
  const actions = type.config.actions;
  const same = actions.length === variants.length && variants.every((v) => actions.includes(v));
  if (!same) {
    throw mismatch(`Decision type '${type.name}' chooses among ${actions.join(", ")}; the experiment's variants are ${variants.join(", ")}: they must be the same keys`, { actions, variants });
  }
  const active = activePolicy(type.name, type.config, env);
  const policy = type.config.policies[active.policyId]!;
  if (policy.kind !== "thompson") {
    throw mismatch(`Decision type '${type.name}' serves '${active.policyId}' (${policy.kind}); a bandit experiment needs its active policy to be Thompson sampling`, { active_policy: active.policyId, kind: policy.kind, source: active.source });
  }
  const floor = effectiveFloor(actions.length, resolveParams(policy.params).propensityFloor);
  if (!(floor > 0)) {
    throw mismatch(`Policy '${active.policyId}' has propensityFloor 0: some variant could get propensity 0, and the propensity-weighted results would have nothing to divide by`, { active_policy: active.policyId });
  }
  return { policyId: active.policyId, floor };
}

/**
 * One request_id per (experiment, unit): the decision service's claims make the first decision the answer to every
 * later ask, from any edge location, so the unit keeps its variant (docs/experiments.md, bandit experiments).
 */
export function banditRequestId(experimentId: string, unitId: string): string {
  return `exp:${experimentId}:${unitId}`;
}
