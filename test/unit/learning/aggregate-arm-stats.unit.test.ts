import { describe, expect, it } from "vitest";
import { aggregateArmStats, armStatsFromSums, type ArmSums, type OutcomeForStats } from "../../../src/learning/aggregate-arm-stats";

const DAY = 86_400_000;
const AS_OF = Date.UTC(2026, 10, 1);

const outcome = (bucket: string, action: string, learnValue: number, reward: number, ageDays: number): OutcomeForStats => ({
  bucket,
  action,
  learn_value: learnValue,
  normalized_reward: reward,
  decided_at: AS_OF - ageDays * DAY,
});

describe("aggregateArmStats", () => {
  const rows = [
    outcome("b1", "a", 1, 1, 0),
    outcome("b1", "a", 0, 0.2, 14),
    outcome("b1", "a", 0.5, 0.5, 28),
    outcome("b1", "b", 0, 0, 0),
    outcome("b2", "a", 1, 0.9, 14),
  ];

  it("without a half-life, counts every outcome once: successes add learn_value, failures its complement", () => {
    const s = aggregateArmStats(rows, { asOf: AS_OF });
    expect(s.outcomes).toBe(5);
    expect([...s.buckets.keys()].sort()).toEqual(["b1", "b2"]);
    expect(s.buckets.get("b1")!.a).toEqual({ action: "a", n: 3, successes: 1.5, failures: 1.5, rewardSum: 1.7 });
    expect(s.buckets.get("b1")!.b).toEqual({ action: "b", n: 1, successes: 0, failures: 1, rewardSum: 0 });
    expect(s.buckets.get("b2")!.a).toEqual({ action: "a", n: 1, successes: 1, failures: 0, rewardSum: 0.9 });
    // The pool is per action across buckets.
    expect(s.pooled).toEqual({ a: { n: 4, successes: 2.5 }, b: { n: 1, successes: 0 } });
  });

  it("with a half-life of 14 days, an outcome 14 days old weighs 1/2 and one 28 days old 1/4, in every sum and in the pool", () => {
    const s = aggregateArmStats(rows, { asOf: AS_OF, halfLifeDays: 14 });
    const a = s.buckets.get("b1")!.a!;
    // Weights 1, 0.5, 0.25.
    expect(a.n).toBeCloseTo(1.75, 12);
    expect(a.successes).toBeCloseTo(1 + 0 + 0.25 * 0.5, 12);
    expect(a.failures).toBeCloseTo(0 + 0.5 + 0.25 * 0.5, 12);
    expect(a.rewardSum).toBeCloseTo(1 + 0.5 * 0.2 + 0.25 * 0.5, 12);
    expect(s.buckets.get("b2")!.a).toMatchObject({ n: 0.5, successes: 0.5, failures: 0 });
    expect(s.pooled.a!.n).toBeCloseTo(1.75 + 0.5, 12);
    expect(s.pooled.a!.successes).toBeCloseTo(1.125 + 0.5, 12);
    // Outcomes are counted, not weighted.
    expect(s.outcomes).toBe(5);
  });

  it("gives an outcome decided after as_of the full weight (never more than 1)", () => {
    const s = aggregateArmStats([outcome("b", "a", 1, 1, -3)], { asOf: AS_OF, halfLifeDays: 7 });
    expect(s.buckets.get("b")!.a).toEqual({ action: "a", n: 1, successes: 1, failures: 0, rewardSum: 1 });
  });
});

describe("armStatsFromSums", () => {
  it("from per-arm sums (SQL's GROUP BY) gives what aggregateArmStats gives from the rows without a half-life", () => {
    const rows = [
      outcome("b1", "a", 1, 1, 0),
      outcome("b1", "a", 0, 0.25, 3),
      outcome("b1", "b", 0.5, 0.5, 1),
      outcome("b2", "a", 0.75, 0.75, 2),
      outcome("b2", "b", 0, 0, 2),
      outcome("b2", "b", 1, 1, 9),
    ];
    const sums = new Map<string, ArmSums>();
    for (const r of rows) {
      const s = sums.get(`${r.bucket} ${r.action}`) ?? { bucket: r.bucket, action: r.action, n: 0, successes: 0, failures: 0, reward_sum: 0 };
      s.n += 1;
      s.successes += r.learn_value;
      s.failures += 1 - r.learn_value;
      s.reward_sum += r.normalized_reward;
      sums.set(`${r.bucket} ${r.action}`, s);
    }
    expect(armStatsFromSums(sums.values())).toEqual(aggregateArmStats(rows, { asOf: AS_OF }));
  });

  it("with no rows, no buckets and no outcomes", () => {
    expect(armStatsFromSums([])).toEqual({ buckets: new Map(), pooled: {}, outcomes: 0 });
  });
});
