// ucb1: the upper-confidence-bound policy for many-armed choices (e.g. a posting hour 0–23), with the propensity floor.
import type { Policy } from "./policy";
import { checkActions, resolveParams } from "./policy-input";
import { toPolicyDecision } from "./policy-decision";
import { drawUniformBranch, withPropensityFloor } from "./propensity-floor";

/**
 * Index(a) = rewardSum/n + sqrt(c·ln N / n) (Auer, Cesa-Bianchi & Fischer 2002, with c = 2 their UCB1), N the
 * bucket's outcomes over all actions. Untried actions count as +∞, so each is tried before any is repeated. UCB1 is
 * deterministic given the statistics, except that ties (several untried actions, or equal indices) are broken
 * uniformly with the rng, so the logged propensity splits evenly among the tied actions; the floor then mixes in
 * the uniform as for Thompson. The index is the policy's own choice, so explored is true only for the floor branch.
 * Pooled statistics are not used: the index has no prior to borrow into.
 */
export const ucb1: Policy = {
  kind: "ucb1",
  decide(input) {
    const { actions, rng } = input;
    checkActions(actions);
    const { propensityFloor: floor, ucbExploration: c } = resolveParams(input.params);
    if (actions.length === 1) return toPolicyDecision(actions, [1], 0, { explored: false, epsilon: 0 });

    const arms = actions.map((action) => ({ n: input.stats[action]?.n ?? 0, rewardSum: input.stats[action]?.rewardSum ?? 0 }));
    const total = arms.reduce((sum, arm) => sum + arm.n, 0);
    const index = arms.map(({ n, rewardSum }) => (n === 0 ? Infinity : rewardSum / n + Math.sqrt((c * Math.log(total)) / n)));
    const top = Math.max(...index);
    const tied = index.flatMap((value, i) => (value === top ? [i] : []));
    const distribution = withPropensityFloor(
      index.map((value) => (value === top ? 1 / tied.length : 0)),
      floor,
    );

    const uniform = drawUniformBranch(actions.length, floor, rng);
    if (uniform !== undefined) return toPolicyDecision(actions, distribution, uniform, { explored: true, epsilon: 0, reason: "propensity_floor" });
    const chosen = tied.length === 1 ? tied[0]! : tied[Math.min(tied.length - 1, Math.floor(rng() * tied.length))]!;
    return toPolicyDecision(actions, distribution, chosen, { explored: false, epsilon: 0 });
  },
};
