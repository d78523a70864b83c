// Sample-ratio mismatch: does the observed split of units match the planned weights? (gbstats check_srm, formulas §7)
import { chiSquareSurvival } from "./chi-square";

/**
 * Pearson's χ² goodness of fit of the observed units against weights/Σweights of their total, p from χ² with
 * (arms − 1) degrees of freedom. As in gbstats, an arm with weight ≤ 0 is left out of the sum but still counts in the
 * degrees of freedom, and no units at all gives 1.
 */
export function srmPValue(users: readonly number[], weights: readonly number[]): number {
  if (users.length !== weights.length) {
    throw new RangeError(`srmPValue needs one weight per arm, got ${users.length} arms and ${weights.length} weights`);
  }
  if (users.length < 2) throw new RangeError("srmPValue needs at least two arms");
  const totalObserved = users.reduce((s, u) => s + u, 0);
  if (!totalObserved) return 1;
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  let x2 = 0;
  users.forEach((observed, i) => {
    const weight = weights[i]!;
    if (weight <= 0) return;
    const expected = (weight / totalWeight) * totalObserved;
    x2 += (observed - expected) ** 2 / expected;
  });
  return chiSquareSurvival(x2, users.length - 1);
}
