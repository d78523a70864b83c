// Bucketing: GrowthBook's v2 hash and ranges reproduced exactly, and re-allocation that never moves a unit.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketRanges, chooseVariant, fnv1a32, hashV2, reallocateRanges, type VariantRanges } from "../../../src/experiments/bucketing";

describe("fnv1a32 and hashV2 (GrowthBook's hash version 2)", () => {
  it("is FNV-1a 32-bit on the standard vectors", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  // Computed by running GrowthBook's own hashFnv32a and hash(seed, value, 2) (packages/sdk-js/src/util.ts) in Node.
  it.each([
    ["checkout-cta", "user-1", 242587119, 0.7964],
    ["checkout-cta", "user-2", 259364738, 0.7308],
    ["checkout-cta", "user-42", 101629830, 0.2001],
    ["seed", "a", 717764279, 0.0505],
    ["", "", 2166136261, 0.2305],
    ["ключ", "ユーザー😀", 1212893844, 0.6877],
    ["exp", "0123456789".repeat(20), 2826452312, 0.216],
  ])("hash(%j, %j)", (seed, value, fnv, n) => {
    expect(fnv1a32(seed + value)).toBe(fnv);
    expect(hashV2(seed, value)).toBe(n);
  });

  it("matches the version-2 vectors of GrowthBook's SDK test cases", () => {
    expect(hashV2("seed", "b")).toBe(0.2696);
    expect(hashV2("foo", "ab")).toBe(0.2575);
    expect(hashV2("89123klj", "8952klfjas09ujkasdf")).toBe(0.124);
    expect(hashV2("90850943850283058242805", "123")).toBe(0.7516);
    expect(hashV2("()**(%$##$%#$#", '___)((*":&')).toBe(0.0128);
  });

  it("spreads units evenly: 20,000 ids give each tenth of [0, 1) within 10% of its share", () => {
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 20_000; i++) counts[Math.floor(hashV2("spread", `u${i}`) * 10)]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });
});

describe("bucketRanges and chooseVariant (GrowthBook's getBucketRanges, chooseVariation)", () => {
  it("cuts each variant's slot by the coverage", () => {
    expect(bucketRanges([0.5, 0.5], 1)).toEqual([[0, 0.5], [0.5, 1]]);
    expect(bucketRanges([0.5, 0.5], 0.5)).toEqual([[0, 0.25], [0.5, 0.75]]);
    expect(bucketRanges([0.5, 0.5], 0)).toEqual([[0, 0], [0.5, 0.5]]);
    expect(bucketRanges([0.4, 0.6], 1)).toEqual([[0, 0.4], [0.4, 1]]);
  });

  it("finds the variant whose ranges hold n, or -1", () => {
    const ranges: VariantRanges = [[[0, 0.25]], [[0.5, 0.75], [0.9, 0.95]]];
    expect([0, 0.2499, 0.25, 0.5, 0.74, 0.8, 0.9, 0.95].map((n) => chooseVariant(n, ranges))).toEqual([0, 0, -1, 1, 1, -1, 1, -1]);
  });
});

const lengthOf = (ranges: VariantRanges[number]) => ranges.reduce((s, [a, b]) => s + (b - a), 0);
const weightsArb = (k: number) =>
  fc.array(fc.integer({ min: 0, max: 100 }), { minLength: k, maxLength: k }).filter((w) => w.some((x) => x > 0)).map((w) => w.map((x) => x / w.reduce((s, y) => s + y, 0)));

describe("reallocateRanges (sticky bucketing)", () => {
  it("uses GrowthBook's ranges for a ramp-up of the allocation, which contain the old ones", () => {
    const before = bucketRanges([0.5, 0.5], 0.2).map((r) => [r]);
    expect(reallocateRanges(before, [0.5, 0.5], 0.6)).toEqual({ ok: true, ranges: [[[0, 0.3]], [[0.5, 0.8]]] });
  });

  it("grows a variant into free space next to its own ranges first, and keeps every old range", () => {
    const before: VariantRanges = [[[0, 0.25]], [[0.5, 0.75]]];
    const next = reallocateRanges(before, [0.25, 0.75], 1);
    // Control keeps [0, 0.25); the treatment keeps [0.5, 0.75) and takes [0.75, 1) then [0.25, 0.5).
    expect(next).toEqual({ ok: true, ranges: [[[0, 0.25]], [[0.25, 1]]] });
  });

  it("refuses a change that would shrink a variant's share, naming it", () => {
    const before = bucketRanges([0.5, 0.5], 1).map((r) => [r]);
    expect(reallocateRanges(before, [0.8, 0.2], 1)).toEqual({ ok: false, shrinking: [1] });
    expect(reallocateRanges(before, [0.5, 0.5], 0.5)).toEqual({ ok: false, shrinking: [0, 1] });
  });

  it("property: after any accepted change, every hash point keeps its variant and each variant owns coverage × weight", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((k) => fc.tuple(fc.array(fc.tuple(weightsArb(k), fc.integer({ min: 0, max: 100 })), { minLength: 1, maxLength: 5 }), weightsArb(k), fc.integer({ min: 0, max: 100 }))),
        ([changes, w0, c0]) => {
          let ranges: VariantRanges = bucketRanges(w0, c0 / 100).map((r) => (r[1] > r[0] ? [r] : []));
          for (const [weights, c] of changes) {
            const next = reallocateRanges(ranges, weights, c / 100);
            if (!next.ok) {
              // Refused only when some variant would have to give up hash space.
              expect(next.shrinking.some((i) => (c / 100) * weights[i]! < lengthOf(ranges[i]!) - 1e-9)).toBe(true);
              continue;
            }
            for (let p = 0; p < 10_000; p++) {
              const n = p / 10_000;
              const was = chooseVariant(n, ranges);
              if (was >= 0) expect(chooseVariant(n, next.ranges)).toBe(was);
            }
            next.ranges.forEach((owned, i) => expect(lengthOf(owned)).toBeCloseTo((c / 100) * weights[i]!, 9));
            ranges = next.ranges;
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
