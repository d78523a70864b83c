// Remembers recent probabilityOfBeingBest results: a bucket's posteriors only change when new arm statistics load, so most decisions repeat the same integral.
import { type BetaParameters, probabilityOfBeingBest } from "../../stats/argmax-probability";

/** Enough for every bucket one BanditBucket object serves, and the few a Worker isolate sees between statistics loads. */
const CAPACITY = 256;
const memo = new Map<string, readonly number[]>();

/**
 * probabilityOfBeingBest, memoised on the exact posterior parameters (a pure function, so a hit returns exactly what
 * the integration would). Least recently used entries are dropped first: a Map iterates in insertion order, and a
 * hit is re-inserted at the end.
 */
export function bestArmProbabilities(posteriors: readonly BetaParameters[]): readonly number[] {
  const key = posteriors.map((p) => `${p.alpha},${p.beta}`).join(";");
  const hit = memo.get(key);
  if (hit) {
    memo.delete(key);
    memo.set(key, hit);
    return hit;
  }
  const computed = Object.freeze(probabilityOfBeingBest(posteriors));
  memo.set(key, computed);
  if (memo.size > CAPACITY) memo.delete(memo.keys().next().value!);
  return computed;
}
