// deterministic_v0 (seed 000): a uniform choice fixed per (UTC day, unit, bucket) by a hash, so a unit sees one action all day.
import type { Policy } from "./policy";
import { checkActions } from "./policy-input";
import { toPolicyDecision } from "./policy-decision";

/**
 * Uses no randomness (input.rng is ignored): the hash of `${utcDay}|${unitId}|${bucket}` picks the action, so a
 * retried or repeated request on the same day gets the same answer (no flapping) and the next day reshuffles.
 * Across units the choice is uniform, so the propensity of every action is exactly 1/K. The propensity floor
 * changes nothing here (a uniform mixed with a uniform), so it is not applied, which also keeps 1/K exact.
 */
export const deterministic: Policy = {
  kind: "deterministic",
  decide(input) {
    checkActions(input.actions);
    const k = input.actions.length;
    const day = new Date(input.now).toISOString().slice(0, 10);
    const hash = assignmentHash(`${day}|${input.unitId}|${input.bucket}`);
    // Scaling the 32-bit hash to [0, K) instead of hash % K: the same ≤ K/2^32 bias, and it uses the best-mixed high bits.
    const chosen = Math.floor((hash / 0x1_0000_0000) * k);
    return toPolicyDecision(input.actions, new Array<number>(k).fill(1 / k), chosen, { explored: false, epsilon: 0 });
  },
};

const encoder = new TextEncoder();

/**
 * FNV-1a (32-bit) over the UTF-8 bytes, then MurmurHash3's fmix32 finaliser. FNV-1a alone is fast but its low bits
 * mix poorly (its lowest bit is the parity of the input bytes' lowest bits, so a day change would flip every unit's
 * two-way choice together); the finaliser spreads every input bit over the whole word.
 */
export function assignmentHash(key: string): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(key)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
