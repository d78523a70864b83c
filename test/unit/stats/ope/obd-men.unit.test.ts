import { describe, expect, it } from "vitest";
import { expectedReward } from "../../../../src/stats/ope/direct-method";
import { evaluatePolicy, type OpeRounds } from "../../../../src/stats/ope/evaluate-policy";
import { cellMeanRewardModel } from "../../../../src/stats/ope/reward-model";
import { MEN_CELLS, MEN_PSCORE } from "./obd-men-cells";

// The Open Bandit Pipeline's values for the men campaign (OBP master 8cbd5fa ≈ 0.5.5–0.5.7, numpy 1.26): IPW, SNIPW,
// DM and DR of BernoulliTS(is_zozotown_prior=True, n_sim=100000) on the uniform-random logs, with the in-sample
// reward models q̂(item, position) (a) and q̂(position) (b), and mean ± 1.96·sd/√n of the per-round terms (sd with
// n − 1). Every one of them is a mean or an sd over rounds, so rows rebuilt from the per-cell counts give them
// to rounding; `npm run eval:obd` checks the same numbers, and OBP's seeded bootstrap intervals, on the real rows.
const OBP = {
  ipw: { value: 0.004533560000000009, lower: 0.0022177719567014476, upper: 0.006849348043298571 },
  snipw: { value: 0.004604232164349611, lower: 0.0022523440687312736, upper: 0.006956120259967948 },
  dm: { value: 0.0046368569610384025, lower: 0.004607366622389445, upper: 0.0046663472996873595 },
  dr: { value: 0.004636856961038402, lower: 0.0023334952672767664, upper: 0.006940218654800037 },
  ess: 2467.4024180481547,
  modelB: {
    dm: { value: 0.0046, lower: 0.004571865905783176, upper: 0.0046281340942168235 },
    dr: { value: 0.004641268467174478, lower: 0.002325934546616727, upper: 0.006956602387732229 },
  },
};

/** One logged round per impression of each cell; within a cell, the first `clicks` rounds were clicked. */
function menRounds(byAction: boolean): OpeRounds {
  const rows: Array<{ item: number; position: number; reward: number }> = [];
  MEN_CELLS.forEach(([counts, clicks], item) =>
    counts.forEach((n, position) => {
      for (let i = 0; i < n; i++) rows.push({ item, position, reward: i < clicks[position]! ? 1 : 0 });
    }),
  );
  const model = cellMeanRewardModel(rows.map((r) => ({ group: String(r.position), action: String(r.item), reward: r.reward })), { byAction });
  const pi = (item: number, position: number) => MEN_CELLS[item]![2][position]!;
  const qTargetAt = [0, 1, 2].map((position) =>
    expectedReward(
      MEN_CELLS.map((_, item) => pi(item, position)),
      MEN_CELLS.map((_, item) => model.predict(String(position), String(item))),
    ),
  );
  return {
    reward: rows.map((r) => r.reward),
    pscore: rows.map(() => MEN_PSCORE),
    targetProb: rows.map((r) => pi(r.item, r.position)),
    qFactual: rows.map((r) => model.predict(String(r.position), String(r.item))),
    qTarget: rows.map((r) => qTargetAt[r.position]!),
  };
}

const close = (actual: number, expected: number, tol = 1e-12) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol);

describe("OPE on the men campaign of the Open Bandit Dataset, from its per-cell summary", () => {
  it("rebuilds the 10,000 rounds and 46 clicks of the sample", () => {
    const r = menRounds(true);
    expect(r.reward.length).toBe(10_000);
    expect(Array.from(r.reward).reduce((s, x) => s + x, 0)).toBe(46);
  });

  it("IPW, SNIPW, DM and DR with the (item, position) reward model match OBP, point estimates and normal intervals", () => {
    const report = evaluatePolicy(menRounds(true));
    for (const name of ["ipw", "snipw", "dm", "dr"] as const) {
      close(report.estimates[name].value, OBP[name].value);
      close(report.estimates[name].lower, OBP[name].lower);
      close(report.estimates[name].upper, OBP[name].upper);
    }
    close(report.ess, OBP.ess, 1e-8);
    expect(report.warnings).toEqual([]);
  });

  it("DM and DR with the position-only reward model match OBP", () => {
    const report = evaluatePolicy(menRounds(false));
    for (const name of ["dm", "dr"] as const) {
      close(report.estimates[name].value, OBP.modelB[name].value);
      close(report.estimates[name].lower, OBP.modelB[name].lower);
      close(report.estimates[name].upper, OBP.modelB[name].upper);
    }
  });
});
