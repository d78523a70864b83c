// thompson_v1: Beta-Binomial Thompson sampling per bucket, with seed 004's uncertainty-epsilon and the propensity floor, logging exact propensities.
import { betaSample } from "../../stats/beta-sample";
import { bestArmProbabilities } from "./best-arm-memo";
import { posteriorFor } from "./empirical-bayes";
import type { Policy } from "./policy";
import { checkActions, resolveParams } from "./policy-input";
import { toPolicyDecision } from "./policy-decision";
import { drawUniformBranch, withPropensityFloor } from "./propensity-floor";
import { epsilonAt, mostUncertainArm } from "./uncertainty-epsilon";

/**
 * Three branches, drawn in this order from input.rng:
 * 1. with probability K·f (the floor), a uniform action: explored, reason "propensity_floor";
 * 2. else with probability ε, the action whose posterior has the largest variance: explored, reason "high_uncertainty";
 * 3. else one draw from every posterior and the largest wins: plain Thompson sampling.
 * So p(a) = K·f/K + (1 − K·f)·[(1 − ε)·P_TS(a) + ε·[a = most uncertain]], where P_TS(a), the probability that a's
 * draw is the largest, is integrated numerically (probabilityOfBeingBest, error < 1e-10; memoised per posteriors)
 * rather than estimated, because off-policy evaluation divides by it.
 */
export const thompson: Policy = {
  kind: "thompson",
  decide(input) {
    const { actions, rng } = input;
    checkActions(actions);
    const floor = resolveParams(input.params).propensityFloor;
    const epsilon = epsilonAt(input.now, input.policyStartedAt, input.params);
    // One action is no choice: nothing is explored and no randomness is used.
    if (actions.length === 1) return toPolicyDecision(actions, [1], 0, { explored: false, epsilon });

    const posteriors = actions.map((action) => posteriorFor(action, input.stats, input.pooled, input.params));
    const uncertain = mostUncertainArm(posteriors);
    const mixed = bestArmProbabilities(posteriors).map((p, i) => (1 - epsilon) * p + (i === uncertain ? epsilon : 0));
    const distribution = withPropensityFloor(mixed, floor);

    const uniform = drawUniformBranch(actions.length, floor, rng);
    if (uniform !== undefined) return toPolicyDecision(actions, distribution, uniform, { explored: true, epsilon, reason: "propensity_floor" });
    if (epsilon > 0 && rng() < epsilon) {
      return toPolicyDecision(actions, distribution, uncertain, { explored: true, epsilon, reason: "high_uncertainty" });
    }
    let chosen = 0;
    let best = -Infinity;
    posteriors.forEach(({ alpha, beta }, i) => {
      const draw = betaSample(alpha, beta, rng);
      if (draw > best) [best, chosen] = [draw, i];
    });
    return toPolicyDecision(actions, distribution, chosen, { explored: false, epsilon });
  },
};
