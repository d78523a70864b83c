// Checks a policy's input and completes its parameters with the defaults, so each policy reads plain numbers.
import type { PolicyParams } from "./policy";

export type ResolvedParams = {
  priorAlpha: number;
  priorBeta: number;
  poolingStrength: number;
  epsilon: { enabled: boolean; start: number; end: number; decayDays: number };
  propensityFloor: number;
  ucbExploration: number;
};

/** Seed 004: ε from 0.20 to 0.05 over 14 days. */
export const DEFAULT_EPSILON = { enabled: true, start: 0.2, end: 0.05, decayDays: 14 } as const;
/** GrowthBook's 1% per variation. */
export const DEFAULT_PROPENSITY_FLOOR = 0.01;

/** Defaults per PolicyParams' documentation; throws RangeError on values no policy can use, rather than deciding with them. */
export function resolveParams(params: PolicyParams): ResolvedParams {
  const resolved: ResolvedParams = {
    priorAlpha: params.priorAlpha ?? 1,
    priorBeta: params.priorBeta ?? 1,
    poolingStrength: params.poolingStrength ?? 10,
    epsilon: params.epsilon ?? DEFAULT_EPSILON,
    propensityFloor: params.propensityFloor ?? DEFAULT_PROPENSITY_FLOOR,
    ucbExploration: params.ucbExploration ?? 2,
  };
  requireThat(resolved.priorAlpha > 0 && Number.isFinite(resolved.priorAlpha), "priorAlpha must be finite and > 0");
  requireThat(resolved.priorBeta > 0 && Number.isFinite(resolved.priorBeta), "priorBeta must be finite and > 0");
  requireThat(resolved.poolingStrength >= 0 && Number.isFinite(resolved.poolingStrength), "poolingStrength must be finite and ≥ 0");
  requireThat(resolved.propensityFloor >= 0 && resolved.propensityFloor <= 1, "propensityFloor must be in [0, 1]");
  requireThat(resolved.ucbExploration >= 0 && Number.isFinite(resolved.ucbExploration), "ucbExploration must be finite and ≥ 0");
  const { start, end, decayDays } = resolved.epsilon;
  requireThat(start >= 0 && start <= 1 && end >= 0 && end <= 1, "epsilon start and end must be in [0, 1]");
  requireThat(decayDays >= 0 && Number.isFinite(decayDays), "epsilon decayDays must be finite and ≥ 0");
  return resolved;
}

/** A policy needs at least one action, and distinct ones: propensities are keyed by action. */
export function checkActions(actions: readonly string[]): void {
  requireThat(actions.length > 0, "a decision needs at least one action");
  requireThat(new Set(actions).size === actions.length, `actions must be distinct, got ${JSON.stringify(actions)}`);
}

function requireThat(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}
