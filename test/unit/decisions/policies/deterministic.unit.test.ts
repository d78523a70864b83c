import { describe, expect, it } from "vitest";
import { assignmentHash, deterministic } from "../../../../src/decisions/policies/deterministic";
import { DAY, expectShare, expectValidDecision, forbiddenRng, input, NOON } from "./policy-fixtures";

const decide = (unitId: string, bucket: string, now: number, actions = ["pre_generate", "on_demand"]) =>
  deterministic.decide(input({ actions, unitId, bucket, now, rng: forbiddenRng }));

describe("deterministic (v0)", () => {
  it("gives the same action for the same unit, bucket and UTC day, from 00:00 to 23:59:59.999, without using the rng", () => {
    const start = Date.UTC(2025, 2, 10);
    for (let u = 0; u < 200; u++) {
      const first = decide(`u${u}`, "b", start).action;
      expect(decide(`u${u}`, "b", start + 13 * 3_600_000).action).toBe(first);
      expect(decide(`u${u}`, "b", start + DAY - 1).action).toBe(first);
    }
  });

  it("reshuffles across days, independently per unit", () => {
    // One unit over 30 days sees both actions (all equal has probability 2^-29).
    expect(new Set(Array.from({ length: 30 }, (_, d) => decide("u-7", "b", NOON + d * DAY).action)).size).toBe(2);
    // Between two days about half of the units change action. A hash whose low bit is a parity (FNV-1a alone)
    // would flip all of them or none.
    const n = 4000;
    let changed = 0;
    for (let u = 0; u < n; u++) if (decide(`u${u}`, "b", NOON).action !== decide(`u${u}`, "b", NOON + DAY).action) changed++;
    expectShare(changed, n, 0.5);
  });

  it("depends on the bucket", () => {
    let differs = 0;
    for (let u = 0; u < 1000; u++) if (decide(`u${u}`, "b1", NOON).action !== decide(`u${u}`, "b2", NOON).action) differs++;
    expectShare(differs, 1000, 0.5);
  });

  it.each([2, 3, 24])("is uniform across 10k units (K = %s) and logs propensity exactly 1/K", (k) => {
    const actions = Array.from({ length: k }, (_, i) => `h${i}`);
    const counts = new Map<string, number>();
    const n = 10_000;
    for (let u = 0; u < n; u++) {
      const d = decide(`user-${u}`, "objective=sales", NOON, actions);
      counts.set(d.action, (counts.get(d.action) ?? 0) + 1);
      if (u < 20) {
        expectValidDecision(d, actions, 0);
        expect(d.propensity).toBe(1 / k);
        for (const p of Object.values(d.propensities)) expect(p).toBe(1 / k);
        expect(d).toMatchObject({ explored: false, epsilon: 0 });
      }
    }
    // 4 standard errors per action; with K = 24 that is 24 comparisons, each failing by chance with p ≈ 6e-5.
    for (const a of actions) expectShare(counts.get(a) ?? 0, n, 1 / k);
  });

  it("ignores the propensity floor and statistics", () => {
    const d = deterministic.decide(input({ actions: ["a", "b", "c"], params: { propensityFloor: 0.3 }, rng: forbiddenRng }));
    expect(d.propensities).toEqual({ a: 1 / 3, b: 1 / 3, c: 1 / 3 });
  });
});

describe("assignmentHash", () => {
  it("is FNV-1a over UTF-8 followed by fmix32 (fixed values, so a port can check itself)", () => {
    // FNV-1a("") is the offset basis 0x811c9dc5; fmix32 of it computed by hand from MurmurHash3's constants.
    const fmix32 = (h: number) => {
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return h >>> 0;
    };
    expect(assignmentHash("")).toBe(fmix32(0x811c9dc5));
    // FNV-1a("a") = 0xe40c292c (the published test vector).
    expect(assignmentHash("a")).toBe(fmix32(0xe40c292c));
    // Non-ASCII goes in as UTF-8 bytes: "é" is C3 A9.
    const fnv = [0xc3, 0xa9].reduce((h, b) => Math.imul(h ^ b, 0x01000193), 0x811c9dc5) >>> 0;
    expect(assignmentHash("é")).toBe(fmix32(fnv));
  });
});
