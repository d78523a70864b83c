// The policies by kind, and what the rest of edgeloop needs from them: decide, the posterior, ε.
import { deterministic } from "./deterministic";
import type { Policy, PolicyDecision, PolicyInput, PolicyKind } from "./policy";
import { thompson } from "./thompson";
import { ucb1 } from "./ucb1";

const POLICIES: Record<PolicyKind, Policy> = { deterministic, thompson, ucb1 };

export function policyFor(kind: PolicyKind): Policy {
  const policy = POLICIES[kind];
  if (!policy) throw new RangeError(`unknown policy kind ${JSON.stringify(kind)}`);
  return policy;
}

/** policyFor(kind).decide(input), for callers that hold the kind as data. */
export function decideWith(kind: PolicyKind, input: PolicyInput): PolicyDecision {
  return policyFor(kind).decide(input);
}

export { posteriorFor, priorFor } from "./empirical-bayes";
export { epsilonAt, mostUncertainArm, posteriorVariance } from "./uncertainty-epsilon";
export { DEFAULT_EPSILON, DEFAULT_PROPENSITY_FLOOR } from "./policy-input";
export type { ArmStats, Policy, PolicyDecision, PolicyInput, PolicyKind, PolicyParams, PooledStats } from "./policy";
