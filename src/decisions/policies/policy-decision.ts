// Builds the PolicyDecision every policy returns from its distribution and the index it chose.
import type { PolicyDecision } from "./policy";

export function toPolicyDecision(
  actions: readonly string[],
  distribution: readonly number[],
  chosen: number,
  how: { explored: boolean; epsilon: number; reason?: PolicyDecision["reason"] },
): PolicyDecision {
  const propensities: Record<string, number> = {};
  actions.forEach((action, i) => (propensities[action] = distribution[i]!));
  return {
    action: actions[chosen]!,
    propensity: distribution[chosen]!,
    propensities,
    explored: how.explored,
    epsilon: how.epsilon,
    ...(how.reason ? { reason: how.reason } : {}),
  };
}
