// The chi-square distribution's upper tail, for goodness-of-fit p-values.
import { regularizedGammaQ } from "../special-functions";

/** P(X > x) for X ~ χ²(df) = Q(df/2, x/2); scipy's chi2.sf. */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0 && Number.isFinite(df))) throw new RangeError(`chi-square needs finite degrees of freedom > 0, got ${df}`);
  return regularizedGammaQ(df / 2, x / 2);
}
