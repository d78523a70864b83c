// Properties of compareArms that hold for any data: intervals and p-values agree, effects flip with the arms, risks add up.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareArms, type ArmData, type TestConfig } from "../../../../src/stats/experiments";

/** A proportion arm with 0 < sum < n, so both variances are positive and no guard fires. */
const proportionArm = fc
  .integer({ min: 10, max: 200_000 })
  .chain((n) => fc.integer({ min: 1, max: n - 1 }).map((sum): ArmData => ({ type: "proportion", n, sum })));

/** A mean arm built from a positive mean and a positive variance, so its Σy² is consistent. */
const meanArm = fc
  .record({ n: fc.integer({ min: 3, max: 100_000 }), mean: fc.double({ min: 0.01, max: 1000, noNaN: true }), sd: fc.double({ min: 0.01, max: 500, noNaN: true }) })
  .map(({ n, mean, sd }): ArmData => ({ type: "mean", n, sum: n * mean, sum_squares: (n - 1) * sd * sd + n * mean * mean }));

/** |got − want| within 1e-10 of the larger of 1, |want| and `scale`: the effects here range from 1e-4 to 1e5. */
const expectNear = (got: number, want: number, scale = 0) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(want), scale));

const arms = fc.oneof(fc.tuple(proportionArm, proportionArm), fc.tuple(meanArm, meanArm));
const difference = fc.constantFrom("relative" as const, "absolute" as const);
const alpha = fc.constantFrom(0.01, 0.05, 0.1);

describe("compareArms properties", () => {
  it("frequentist: the interval is centred on expected, and excludes 0 exactly when p < α (fixed and sequential)", () => {
    fc.assert(
      fc.property(arms, difference, alpha, fc.boolean(), ([a, b], difference_type, alpha, sequential) => {
        const config: TestConfig = { engine: "frequentist", difference_type, alpha, sequential };
        const r = compareArms(a, b, config);
        expect(r.error_message).toBeNull();
        expect(r.ci[0]).toBeLessThanOrEqual(r.expected);
        expect(r.ci[1]).toBeGreaterThanOrEqual(r.expected);
        expectNear((r.ci[0] + r.ci[1]) / 2, r.expected, r.ci[1] - r.ci[0]);
        expect(r.p_value!).toBeGreaterThanOrEqual(0);
        expect(r.p_value!).toBeLessThanOrEqual(1);
        // The test and the interval come from one distribution (t_ν, or the confidence sequence's boundary): away from
        // the boundary itself, significance and an interval clear of 0 must agree.
        const clearOfZero = r.ci[0] > 0 || r.ci[1] < 0;
        if (Math.abs(r.p_value! - alpha) > 1e-9) expect(clearOfZero).toBe(r.p_value! < alpha);
      }),
      { numRuns: 300 },
    );
  });

  it("swapping the arms flips the absolute effect's sign and keeps its p-value and standard error", () => {
    fc.assert(
      fc.property(arms, fc.boolean(), ([a, b], sequential) => {
        const config: TestConfig = { engine: "frequentist", difference_type: "absolute", sequential };
        const ab = compareArms(a, b, config);
        const ba = compareArms(b, a, config);
        expectNear(ba.expected, -ab.expected);
        expectNear(ba.uplift.stddev, ab.uplift.stddev);
        expectNear(ba.p_value!, ab.p_value!);
        expectNear(ba.ci[0], -ab.ci[1]);
      }),
      { numRuns: 200 },
    );
  });

  it("Bayesian: risk(control) − risk(treatment) = expected, chance to win matches the interval's side of 0", () => {
    fc.assert(
      fc.property(arms, difference, fc.boolean(), ([a, b], difference_type, proper) => {
        const config: TestConfig = { engine: "bayesian", difference_type, prior_effect: { mean: 0, variance: 0.01, proper } };
        const r = compareArms(a, b, config);
        const [riskControl, riskTreatment] = r.risk!;
        expect(riskControl).toBeGreaterThanOrEqual(0);
        expect(riskTreatment).toBeGreaterThanOrEqual(0);
        // E max(X,0) − E max(−X,0) = E X.
        expectNear(riskControl - riskTreatment, r.expected, riskControl);
        expect(r.ci[0]).toBeLessThanOrEqual(r.expected);
        expect(r.ci[1]).toBeGreaterThanOrEqual(r.expected);
        // A 95 % interval wholly above 0 means P(effect > 0) > 97.5 %.
        if (r.ci[0] > 0) expect(r.chance_to_win!).toBeGreaterThan(0.975);
        if (r.ci[1] < 0) expect(r.chance_to_win!).toBeLessThan(0.025);
      }),
      { numRuns: 300 },
    );
  });

  it("a proper prior centred on 0 pulls the estimate towards 0, never past it", () => {
    fc.assert(
      fc.property(arms, ([a, b]) => {
        const improper = compareArms(a, b, { engine: "bayesian", difference_type: "relative" });
        const proper = compareArms(a, b, { engine: "bayesian", difference_type: "relative", prior_effect: { mean: 0, variance: 0.01, proper: true } });
        expect(Math.abs(proper.expected)).toBeLessThanOrEqual(Math.abs(improper.expected) + 1e-15);
        expect(proper.expected * improper.expected).toBeGreaterThanOrEqual(0);
        expect(proper.uplift.stddev).toBeLessThanOrEqual(improper.uplift.stddev);
      }),
      { numRuns: 200 },
    );
  });
});
