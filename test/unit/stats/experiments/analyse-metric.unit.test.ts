// analyseMetric against gbstats 0.8.0's pipeline (process_single_metric): pairwise tests, per-arm summaries, SRM (formulas §8).
import { describe, expect, it } from "vitest";
import { analyseMetric, type ArmData, type TestConfig } from "../../../../src/stats/experiments";
import { referenceMismatches } from "../../../helpers/reference-match";

/**
 * Inputs and outputs copied from the gbstats 0.8.0 test vectors (growthbook/growthbook@c6b15529f6), case id named
 * above each; numbers to 1e-6, absolute where |value| ≤ 1 and relative above (referenceMismatches).
 */
const CASES: { id: string; arms: ArmData[]; config: TestConfig; weights: number[]; want: unknown }[] = [
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case threeway_prop_frequentist (process_single_metric; the rows' users = count = n)
  {
    id: "threeway_prop_frequentist",
    arms: [{"type": "proportion", "n": 5000, "sum": 500}, {"type": "proportion", "n": 5000, "sum": 560}, {"type": "proportion", "n": 5000, "sum": 470}],
    config: {"engine": "frequentist", "difference_type": "relative", "alpha": 0.05, "sequential": false, "sequential_tuning_parameter": 5000},
    weights: [0.3333333333333333, 0.3333333333333333, 0.3333333333333333],
    want: {"srm_p_value": 1.0, "variations": [{"cr": 0.1, "value": 500.0, "users": 5000.0, "denominator": 0.0, "stats": {"users": 5000, "count": 5000, "stddev": 0.30000000000000004, "mean": 0.1}}, {"cr": 0.112, "value": 560.0, "users": 5000.0, "denominator": 0.0, "stats": {"users": 5000, "count": 5000, "stddev": 0.31536645351083237, "mean": 0.112}, "expected": 0.11999999999999997, "uplift": {"dist": "normal", "mean": 0.11999999999999997, "stddev": 0.06516931793413216}, "ci": [-0.007745019440392964, 0.2477450194403929], "errorMessage": null, "pValue": 0.06559889387111317}, {"cr": 0.094, "value": 470.0, "users": 5000.0, "denominator": 0.0, "stats": {"users": 5000, "count": 5000, "stddev": 0.2918287168871494, "mean": 0.094}, "expected": -0.06000000000000005, "uplift": {"dist": "normal", "mean": -0.06000000000000005, "stddev": 0.05739128853754723}, "ci": [-0.17249848805642615, 0.052498488056426054], "errorMessage": null, "pValue": 0.2958380992961058}]},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case threeway_mean_frequentist_absolute (process_single_metric; the rows' users = count = n)
  {
    id: "threeway_mean_frequentist_absolute",
    arms: [{"type": "mean", "n": 2000, "sum": 22111.05, "sum_squares": 2054689.7133}, {"type": "mean", "n": 2000, "sum": 22580.34, "sum_squares": 2472688.4722}, {"type": "mean", "n": 2000, "sum": 21447.7185, "sum_squares": 1951955.2276}],
    config: {"engine": "frequentist", "difference_type": "absolute", "alpha": 0.05},
    weights: [0.3333333333333333, 0.3333333333333333, 0.3333333333333333],
    want: {"srm_p_value": 1.0, "variations": [{"cr": 11.055525, "value": 22111.05, "users": 2000.0, "denominator": 0.0, "stats": {"users": 2000, "count": 2000, "stddev": 30.09274015654672, "mean": 11.055525}}, {"cr": 11.29017, "value": 22580.34, "users": 2000.0, "denominator": 0.0, "stats": {"users": 2000, "count": 2000, "stddev": 33.3081223274082, "mean": 11.29017}, "expected": 0.23464500000000044, "uplift": {"dist": "normal", "mean": 0.23464500000000044, "stddev": 1.0037439970199145}, "ci": [-1.7332589468797386, 2.2025489468797392], "errorMessage": null, "pValue": 0.8151758133257601}, {"cr": 10.72385925, "value": 21447.7185, "users": 2000.0, "denominator": 0.0, "stats": {"users": 2000, "count": 2000, "stddev": 29.34973867287872, "mean": 10.72385925}, "expected": -0.3316657499999991, "uplift": {"dist": "normal", "mean": -0.3316657499999991, "stddev": 0.9399415328348121}, "ci": [-2.174475544523621, 1.5111440445236228], "errorMessage": null, "pValue": 0.7242136234581964}]},
  },
];

/**
 * gbstats 0.8.0, growthbook/growthbook@c6b15529f6, pipeline_cross_check_50of500_vs_65of500: the treatment's entry
 * from process_single_metric for 50/500 vs 65/500 under each engine and difference type.
 */
const PIPELINE_50_OF_500_VS_65_OF_500 = {
  frequentist_relative: {"cr": 0.13, "value": 65.0, "users": 500.0, "denominator": 0.0, "stats": {"users": 500, "count": 500, "stddev": 0.33630343441600474, "mean": 0.13}, "expected": 0.3, "uplift": {"dist": "normal", "mean": 0.3, "stddev": 0.2303041467277565}, "ci": [-0.15194302384212116, 0.7519430238421212], "errorMessage": null, "pValue": 0.19300711569925766},
  frequentist_absolute: {"cr": 0.13, "value": 65.0, "users": 500.0, "denominator": 0.0, "stats": {"users": 500, "count": 500, "stddev": 0.33630343441600474, "mean": 0.13}, "expected": 0.03, "uplift": {"dist": "normal", "mean": 0.03, "stddev": 0.0201544039852336}, "ci": [-0.009550491861484087, 0.06955049186148408], "errorMessage": null, "pValue": 0.13693685515925802},
  frequentist_sequential_relative: {"cr": 0.13, "value": 65.0, "users": 500.0, "denominator": 0.0, "stats": {"users": 500, "count": 500, "stddev": 0.33630343441600474, "mean": 0.13}, "expected": 0.3, "uplift": {"dist": "normal", "mean": 0.3, "stddev": 0.2303041467277565}, "ci": [-0.4747172923743768, 1.0747172923743769], "errorMessage": null, "pValue": 0.9558084481619661},
  frequentist_sequential_absolute: {"cr": 0.13, "value": 65.0, "users": 500.0, "denominator": 0.0, "stats": {"users": 500, "count": 500, "stddev": 0.33630343441600474, "mean": 0.13}, "expected": 0.03, "uplift": {"dist": "normal", "mean": 0.03, "stddev": 0.0201544039852336}, "ci": [-0.03779715218639487, 0.09779715218639487], "errorMessage": null, "pValue": 0.8151821397059538},
  bayesian_relative: {"cr": 0.13, "value": 65.0, "users": 500.0, "denominator": 0.0, "stats": {"users": 500, "count": 500, "stddev": 0.33630343441600474, "mean": 0.13}, "expected": 0.3, "uplift": {"dist": "normal", "mean": 0.3, "stddev": 0.23030414672775654}, "ci": [-0.15138783307663106, 0.7513878330766309], "errorMessage": null, "chanceToWin": 0.9036486359194893, "risk": [0.31042688784033645, 0.010426887840336544], "riskType": "relative"},
  bayesian_absolute: {"cr": 0.13, "value": 65.0, "users": 500.0, "denominator": 0.0, "stats": {"users": 500, "count": 500, "stddev": 0.33630343441600474, "mean": 0.13}, "expected": 0.03, "uplift": {"dist": "normal", "mean": 0.03, "stddev": 0.0201544039852336}, "ci": [-0.009501905940928403, 0.0695019059409284], "errorMessage": null, "chanceToWin": 0.9316915681472586, "risk": [0.030606307257643014, 0.0006063072576430163], "riskType": "absolute"},
};

const PIPELINE_CONFIGS: Record<keyof typeof PIPELINE_50_OF_500_VS_65_OF_500, TestConfig> = {
  frequentist_relative: { engine: "frequentist", difference_type: "relative" },
  frequentist_absolute: { engine: "frequentist", difference_type: "absolute" },
  frequentist_sequential_relative: { engine: "frequentist", difference_type: "relative", sequential: true },
  frequentist_sequential_absolute: { engine: "frequentist", difference_type: "absolute", sequential: true },
  bayesian_relative: { engine: "bayesian", difference_type: "relative", prior_effect: { mean: 0, variance: 0.01, proper: false } },
  bayesian_absolute: { engine: "bayesian", difference_type: "absolute", prior_effect: { mean: 0, variance: 0.01, proper: false } },
};

const ARMS_50_65: ArmData[] = [
  { type: "proportion", n: 500, sum: 50 },
  { type: "proportion", n: 500, sum: 65 },
];

describe("analyseMetric reproduces gbstats 0.8.0 process_single_metric", () => {
  it.each(CASES.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    expect(referenceMismatches(analyseMetric(c.arms, c.config, c.weights), c.want)).toEqual([]);
  });

  it.each(Object.keys(PIPELINE_CONFIGS) as (keyof typeof PIPELINE_CONFIGS)[])("pipeline cross-check, 50/500 vs 65/500, %s", (key) => {
    const got = analyseMetric(ARMS_50_65, PIPELINE_CONFIGS[key], [0.5, 0.5]);
    expect(referenceMismatches(got.variations[1], PIPELINE_50_OF_500_VS_65_OF_500[key])).toEqual([]);
    expect(got.srm_p_value).toBe(1);
  });
});

describe("analyseMetric, gbstats' pipeline rules beyond the vectors", () => {
  it("a default result (zero-variance treatment) reports the raw relative difference as expected", () => {
    const got = analyseMetric(
      [
        { type: "proportion", n: 1000, sum: 100 },
        { type: "proportion", n: 1000, sum: 0 },
      ],
      { engine: "frequentist", difference_type: "absolute" },
      [0.5, 0.5],
    );
    const treatment = got.variations[1]!;
    expect(treatment.errorMessage).toBe("ZERO_NEGATIVE_VARIANCE");
    // (0 − 0.1)/0.1, on the relative scale although the test was absolute: gbstats' own fallback.
    expect(treatment.expected).toBeCloseTo(-1, 15);
    expect(treatment.ci).toEqual([0, 0]);
  });

  it("a zero control mean reports expected 0", () => {
    const got = analyseMetric(
      [
        { type: "proportion", n: 1000, sum: 0 },
        { type: "proportion", n: 1000, sum: 5 },
      ],
      { engine: "bayesian", difference_type: "relative" },
      [0.5, 0.5],
    );
    expect(got.variations[1]).toMatchObject({ expected: 0, chanceToWin: 0.5, errorMessage: "ZERO_NEGATIVE_BASELINE_VARIATION" });
  });

  it("reports each treatment against the control, not against each other, and an SRM over all arms", () => {
    const arms: ArmData[] = [
      { type: "proportion", n: 5200, sum: 500 },
      { type: "proportion", n: 4800, sum: 560 },
      { type: "proportion", n: 5000, sum: 470 },
    ];
    const got = analyseMetric(arms, { engine: "frequentist", difference_type: "relative" }, [1, 1, 1]);
    const t2 = got.variations[2]!;
    expect(t2.expected).toBeCloseTo((470 / 5000 - 500 / 5200) / (500 / 5200), 14);
    // χ² = (200² + 200² + 0)/5000 = 16 on 2 df: p = e^-8.
    expect(got.srm_p_value).toBeCloseTo(Math.exp(-8), 12);
  });

  it("ratio and CUPED arms report the numerator's sum, the ratio's denominator and the pair's adjusted stddev", () => {
    const ratio = (n: number, m: number, d: number): ArmData => ({
      type: "ratio",
      n,
      m: { type: "mean", n, sum: m, sum_squares: m * 9 },
      d: { type: "mean", n, sum: d, sum_squares: d * 1.5 },
      m_d_sum_of_products: m * 2,
    });
    const got = analyseMetric([ratio(1000, 5000, 1200), ratio(1000, 5400, 1210)], { engine: "frequentist", difference_type: "relative" }, [0.5, 0.5]);
    expect(got.variations[0]).toMatchObject({ value: 5000, denominator: 1200, users: 1000, cr: 5000 / 1200 });

    // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case cuped_mean_n3000_relative: inputs, and the control's
    // intermediates (unadjusted mean 20.28797, CUPED-adjusted variance 35.08852479881128 with the pooled θ).
    const cuped = analyseMetric(
      [
        {
          type: "regression_adjusted",
          n: 3000,
          post: { type: "mean", n: 3000, sum: 60863.91, sum_squares: 1555036.4295 },
          pre: { type: "mean", n: 3000, sum: 60284.22, sum_squares: 1811233.2218 },
          post_pre_sum_of_products: 1582164.1056,
        },
        {
          type: "regression_adjusted",
          n: 3000,
          post: { type: "mean", n: 3000, sum: 62609.66, sum_squares: 1615654.1388 },
          pre: { type: "mean", n: 3000, sum: 60926.86, sum_squares: 1807238.9884 },
          post_pre_sum_of_products: 1614889.7686,
        },
      ],
      { engine: "frequentist", difference_type: "relative" },
      [0.5, 0.5],
    );
    const control = cuped.variations[0];
    expect(control.value).toBe(60863.91);
    expect(control.cr).toBeCloseTo(20.28797, 12);
    expect(control.stats.stddev).toBeCloseTo(Math.sqrt(35.08852479881128), 9);
  });

  it("needs a control and a treatment, and a weight per arm", () => {
    const config: TestConfig = { engine: "frequentist", difference_type: "relative" };
    expect(() => analyseMetric([ARMS_50_65[0]!], config, [1])).toThrow(RangeError);
    expect(() => analyseMetric(ARMS_50_65, config, [1])).toThrow(RangeError);
  });
});
