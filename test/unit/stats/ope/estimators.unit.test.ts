import { describe, expect, it } from "vitest";
import { bootstrapInterval, percentile } from "../../../../src/stats/ope/bootstrap-interval";
import { expectedReward } from "../../../../src/stats/ope/direct-method";
import { evaluatePolicy, type OpeRounds } from "../../../../src/stats/ope/evaluate-policy";
import { effectiveSampleSize, importanceWeights } from "../../../../src/stats/ope/importance-weights";
import { normalInterval } from "../../../../src/stats/ope/normal-interval";
import { opeWarnings } from "../../../../src/stats/ope/ope-warnings";
import { cellMeanRewardModel } from "../../../../src/stats/ope/reward-model";
import { NumpyRandomState } from "../../../../src/stats/numpy-random-state";

// A hand-computed example: two actions A and B, one bucket, four logged rounds. The candidate plays A with 0.75
// and B with 0.25.
//
//   round  action  pscore  π_e(action)  reward  w = π_e / pscore
//   1      A       0.5     0.75         1       1.5
//   2      B       0.5     0.25         1       0.5
//   3      A       0.25    0.75         0       3
//   4      B       0.5     0.25         1       0.5
//
// Σw = 5.5, Σw² = 2.25 + 0.25 + 9 + 0.25 = 11.75, ESS = 5.5² / 11.75 = 30.25 / 11.75 = 2.5744680…
// IPW   = (1.5·1 + 0.5·1 + 3·0 + 0.5·1) / 4 = 2.5 / 4 = 0.625
// SNIPW = Σ w·r / Σ w = 2.5 / 5.5 = 0.4545…
// Reward model (mean reward per action): q̂(A) = (1 + 0) / 2 = 0.5, q̂(B) = (1 + 1) / 2 = 1
// DM    = 0.75·0.5 + 0.25·1 = 0.625 in every round
// DR    = mean of 0.625 + w·(r − q̂(a)): 0.625 + 1.5·0.5 = 1.375, 0.625 + 0.5·0 = 0.625, 0.625 + 3·(−0.5) = −0.875,
//         0.625 → (1.375 + 0.625 − 0.875 + 0.625) / 4 = 1.75 / 4 = 0.4375
// On-policy (the logging policy's own mean reward) = 3 / 4 = 0.75
// IPW's interval: terms 1.5, 0.5, 0, 0.5 around 0.625: squared deviations 0.765625 + 0.015625 + 0.390625 + 0.015625
// = 1.1875, sd = √(1.1875 / 3) = 0.6291529, half-width = 1.96 · 0.6291529 / √4 = 0.6165698
const actions = ["A", "B", "A", "B"];
const reward = [1, 1, 0, 1];
const pscore = [0.5, 0.5, 0.25, 0.5];
const candidate: Record<string, number> = { A: 0.75, B: 0.25 };

function handRounds(): OpeRounds {
  const model = cellMeanRewardModel(actions.map((action, i) => ({ group: "all", action, reward: reward[i]! })), { byAction: true });
  const qTarget = expectedReward([candidate.A!, candidate.B!], [model.predict("all", "A"), model.predict("all", "B")]);
  return {
    reward,
    pscore,
    targetProb: actions.map((a) => candidate[a]!),
    qFactual: actions.map((a) => model.predict("all", a)),
    qTarget: actions.map(() => qTarget),
  };
}

describe("off-policy estimators on a hand-computed example", () => {
  it("gives the weights and effective sample size worked out above", () => {
    const w = importanceWeights(handRounds().targetProb, pscore);
    expect(Array.from(w)).toEqual([1.5, 0.5, 3, 0.5]);
    expect(effectiveSampleSize(w)).toBeCloseTo(30.25 / 11.75, 14);
  });

  it("gives IPW 0.625, SNIPW 2.5/5.5, DM 0.625, DR 0.4375 beside the on-policy 0.75", () => {
    const report = evaluatePolicy(handRounds());
    expect(report.estimates.ipw.value).toBeCloseTo(0.625, 15);
    expect(report.estimates.snipw.value).toBeCloseTo(2.5 / 5.5, 15);
    expect(report.estimates.dm.value).toBeCloseTo(0.625, 15);
    expect(report.estimates.dr.value).toBeCloseTo(0.4375, 15);
    expect(report.onPolicy.value).toBe(0.75);
    expect(report.n).toBe(4);
    expect(report.maxWeight).toBe(3);
    expect(report.minPscore).toBe(0.25);
  });

  it("gives IPW the normal interval 0.625 ± 1.96·√(1.1875/3)/2", () => {
    const { estimates } = evaluatePolicy(handRounds());
    const half = (1.96 * Math.sqrt(1.1875 / 3)) / 2;
    expect(half).toBeCloseTo(0.6165698, 7);
    expect(estimates.ipw.lower).toBeCloseTo(0.625 - half, 15);
    expect(estimates.ipw.upper).toBeCloseTo(0.625 + half, 15);
  });

  it("warns about four rounds and an ESS of 2.6, and not about propensities of 0.25", () => {
    expect(evaluatePolicy(handRounds()).warnings.map((w) => w.code)).toEqual(["few_rounds", "small_ess"]);
  });

  it("is the logging policy's own value when the candidate is the logging policy (every weight 1)", () => {
    const r = handRounds();
    const same = evaluatePolicy({ ...r, targetProb: pscore });
    expect(same.estimates.ipw.value).toBe(0.75);
    expect(same.estimates.snipw.value).toBe(0.75);
    expect(same.ess).toBe(4);
  });
});

describe("warnings", () => {
  it("flags propensities near zero with the largest weight, and no overlap when every weight is 0", () => {
    const near = opeWarnings({ n: 1000, ess: 900, minPscore: 0.002, maxWeight: 250, sumWeights: 1000 });
    expect(near.map((w) => w.code)).toEqual(["propensity_near_zero"]);
    expect(near[0]!.message).toContain("250.0");
    expect(opeWarnings({ n: 1000, ess: 0, minPscore: 0.5, maxWeight: 0, sumWeights: 0 }).map((w) => w.code)).toEqual(["no_overlap"]);
    expect(opeWarnings({ n: 1000, ess: 99, minPscore: 0.5, maxWeight: 2, sumWeights: 1000 }).map((w) => w.code)).toEqual(["small_ess"]);
    expect(opeWarnings({ n: 1000, ess: 101, minPscore: 0.5, maxWeight: 2, sumWeights: 1000 })).toEqual([]);
  });
});

describe("input checks", () => {
  it("refuses a propensity of 0 or above 1, and arrays of different lengths", () => {
    expect(() => importanceWeights([0.5], [0])).toThrow(RangeError);
    expect(() => importanceWeights([0.5], [1.5])).toThrow(RangeError);
    expect(() => importanceWeights([1.2], [0.5])).toThrow(RangeError);
    expect(() => importanceWeights([0.5, 0.5], [0.5])).toThrow(RangeError);
  });

  it("falls back to the group's mean, then the overall mean, for cells without rows", () => {
    const m = cellMeanRewardModel(
      [
        { group: "g", action: "a", reward: 1 },
        { group: "g", action: "b", reward: 0 },
        { group: "h", action: "a", reward: 0 },
        { group: "h", action: "a", reward: 0 },
      ],
      { byAction: true },
    );
    expect(m.predict("g", "a")).toBe(1);
    expect(m.predict("g", "c")).toBe(0.5);
    expect(m.predict("x", "a")).toBe(0.25);
    expect(m.emptyCellsAsked).toBe(2);
  });
});

describe("OBP's bootstrap interval and numpy's RandomState", () => {
  it("draws numpy.random.RandomState's integers (values printed by numpy 2.4)", () => {
    // np.random.RandomState(12345).randint(0, 10000, size=8); .randint(0, 2**32, size=3, dtype=np.uint64)
    let rng = new NumpyRandomState(12345);
    expect(Array.from({ length: 8 }, () => rng.randint(10_000))).toEqual([4578, 2177, 3492, 4094, 4478, 546, 7709, 3441]);
    rng = new NumpyRandomState(12345);
    expect(Array.from({ length: 3 }, () => rng.nextUint32())).toEqual([3992670690, 3823185381, 1358822685]);
    // RandomState(0).randint(0, 3, size=10), then randint(0, 2**31 + 5, size=3): a mask of 32 bits.
    rng = new NumpyRandomState(0);
    expect(Array.from({ length: 10 }, () => rng.randint(3))).toEqual([0, 1, 0, 1, 1, 2, 0, 2, 0, 0]);
    expect(Array.from({ length: 3 }, () => rng.randint(2 ** 31 + 5))).toEqual([1171049868, 1646868794, 2051556033]);
  });

  it("matches obp.utils.estimate_confidence_interval_by_bootstrap (numpy, seed 12345, 20 resamples)", () => {
    const rng = new NumpyRandomState(12345);
    const b = bootstrapInterval([0.1, 0.5, 0.2, 0.9, 0.4], (n) => rng.randint(n), { samples: 20 });
    expect(b.mean).toBeCloseTo(0.441, 15);
    expect(b.lower).toBeCloseTo(0.2675, 15);
    expect(b.upper).toBeCloseTo(0.6914999999999999, 15);
  });

  it("interpolates percentiles as numpy's linear method", () => {
    const a = Float64Array.from({ length: 1000 }, (_, i) => i * 0.1);
    expect(percentile(a, 2.5)).toBe(2.4975);
    expect(percentile(a, 97.5)).toBe(97.4025);
    expect(percentile([1, 2], 50)).toBe(1.5);
  });

  it("normalInterval with ddof 0 uses the population sd", () => {
    const i = normalInterval([0, 2], { ddof: 0, z: 1 });
    expect(i.sd).toBe(1);
    expect(i.halfWidth).toBeCloseTo(1 / Math.SQRT2, 15);
  });
});
