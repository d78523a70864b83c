// compareArms against gbstats 0.8.0, case by case: fixed-horizon, CUPED, sequential and Bayesian (formulas §1–§6).
import { describe, expect, it } from "vitest";
import { compareArms, type ArmData, type TestConfig } from "../../../../src/stats/experiments";
import { referenceMismatches } from "../../../helpers/reference-match";

/**
 * Each case's inputs and outputs are copied from the gbstats 0.8.0 test vectors (growthbook/growthbook@c6b15529f6,
 * packages/stats/gbstats, run with scipy 1.11.1), case id named above it. Every number must match to 1e-6:
 * absolute where |value| ≤ 1, relative above (referenceMismatches). They match to about 5e-14 today.
 */
const CASES: { id: string; control: ArmData; treatment: ArmData; config: TestConfig; want: unknown }[] = [
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case freq_prop_50of500_vs_65of500_relative
  {
    id: "freq_prop_50of500_vs_65of500_relative",
    control: {"type": "proportion", "n": 500, "sum": 50},
    treatment: {"type": "proportion", "n": 500, "sum": 65},
    config: {"engine": "frequentist", "difference_type": "relative", "alpha": 0.05, "sequential": false},
    want: {"expected": 0.3, "ci": [-0.15194302384212116, 0.7519430238421212], "p_value": 0.19300711569925766, "uplift": {"dist": "normal", "mean": 0.3, "stddev": 0.2303041467277565}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case freq_prop_50of500_vs_65of500_absolute
  {
    id: "freq_prop_50of500_vs_65of500_absolute",
    control: {"type": "proportion", "n": 500, "sum": 50},
    treatment: {"type": "proportion", "n": 500, "sum": 65},
    config: {"engine": "frequentist", "difference_type": "absolute", "alpha": 0.05, "sequential": false},
    want: {"expected": 0.03, "ci": [-0.009550491861484087, 0.06955049186148408], "p_value": 0.13693685515925802, "uplift": {"dist": "normal", "mean": 0.03, "stddev": 0.0201544039852336}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case freq_prop_2000of50000_vs_2150of50000_relative
  {
    id: "freq_prop_2000of50000_vs_2150of50000_relative",
    control: {"type": "proportion", "n": 50000, "sum": 2000},
    treatment: {"type": "proportion", "n": 50000, "sum": 2150},
    config: {"engine": "frequentist", "difference_type": "relative", "alpha": 0.05, "sequential": false},
    want: {"expected": 0.07499999999999989, "ci": [0.010914470077091384, 0.1390855299229084], "p_value": 0.02180433188722608, "uplift": {"dist": "normal", "mean": 0.07499999999999989, "stddev": 0.032696903523116674}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case freq_prop_500of10000_vs_450of10000_negative_absolute
  {
    id: "freq_prop_500of10000_vs_450of10000_negative_absolute",
    control: {"type": "proportion", "n": 10000, "sum": 500},
    treatment: {"type": "proportion", "n": 10000, "sum": 450},
    config: {"engine": "frequentist", "difference_type": "absolute", "alpha": 0.05, "sequential": false},
    want: {"expected": -0.0050000000000000044, "ci": [-0.010895745644028204, 0.0008957456440281952], "p_value": 0.09647118480975858, "uplift": {"dist": "normal", "mean": -0.0050000000000000044, "stddev": 0.003007906248539007}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case freq_prop_30of400_vs_54of600_unbalanced_relative
  {
    id: "freq_prop_30of400_vs_54of600_unbalanced_relative",
    control: {"type": "proportion", "n": 400, "sum": 30},
    treatment: {"type": "proportion", "n": 600, "sum": 54},
    config: {"engine": "frequentist", "difference_type": "relative", "alpha": 0.05, "sequential": false},
    want: {"expected": 0.2, "ci": [-0.31428540935828914, 0.7142854093582891], "p_value": 0.44552414711522403, "uplift": {"dist": "normal", "mean": 0.2, "stddev": 0.262043253427114}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case freq_mean_rev_sim_n2000_absolute
  {
    id: "freq_mean_rev_sim_n2000_absolute",
    control: {"type": "mean", "n": 2000, "sum": 22111.05, "sum_squares": 2054689.7133},
    treatment: {"type": "mean", "n": 2000, "sum": 22580.34, "sum_squares": 2472688.4722},
    config: {"engine": "frequentist", "difference_type": "absolute", "alpha": 0.05, "sequential": false},
    want: {"expected": 0.23464500000000044, "ci": [-1.7332589468797386, 2.2025489468797392], "p_value": 0.8151758133257601, "uplift": {"dist": "normal", "mean": 0.23464500000000044, "stddev": 1.0037439970199145}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case freq_mean_rev_sim_n15000_unbalanced_relative
  {
    id: "freq_mean_rev_sim_n15000_unbalanced_relative",
    control: {"type": "mean", "n": 15000, "sum": 50693.67, "sum_squares": 15718505.3911},
    treatment: {"type": "mean", "n": 14800, "sum": 56982.84, "sum_squares": 23041293.9454},
    config: {"engine": "frequentist", "difference_type": "relative", "alpha": 0.05, "sequential": false},
    want: {"expected": 0.13925226519165754, "ci": [-0.116122294582058, 0.39462682496537305], "p_value": 0.28517471864372057, "uplift": {"dist": "normal", "mean": 0.13925226519165754, "stddev": 0.130290012810902}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case freq_mean_rev_handpicked_n1000_absolute
  {
    id: "freq_mean_rev_handpicked_n1000_absolute",
    control: {"type": "mean", "n": 1000, "sum": 10250.0, "sum_squares": 310000.0},
    treatment: {"type": "mean", "n": 1000, "sum": 11100.0, "sum_squares": 360000.0},
    config: {"engine": "frequentist", "difference_type": "absolute", "alpha": 0.05, "sequential": false},
    want: {"expected": 0.8499999999999996, "ci": [-0.454088610127501, 2.1540886101275003], "p_value": 0.20130156324467663, "uplift": {"dist": "normal", "mean": 0.8499999999999996, "stddev": 0.6649583969465079}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case cuped_mean_n3000_relative
  {
    id: "cuped_mean_n3000_relative",
    control: {"type": "regression_adjusted", "n": 3000, "post": {"type": "mean", "n": 3000, "sum": 60863.91, "sum_squares": 1555036.4295}, "pre": {"type": "mean", "n": 3000, "sum": 60284.22, "sum_squares": 1811233.2218}, "post_pre_sum_of_products": 1582164.1056},
    treatment: {"type": "regression_adjusted", "n": 3000, "post": {"type": "mean", "n": 3000, "sum": 62609.66, "sum_squares": 1615654.1388}, "pre": {"type": "mean", "n": 3000, "sum": 60926.86, "sum_squares": 1807238.9884}, "post_pre_sum_of_products": 1614889.7686},
    config: {"engine": "frequentist", "difference_type": "relative", "alpha": 0.05, "sequential": false},
    want: {"expected": 0.02234053881970345, "ci": [0.007456218167207415, 0.03722485947219949], "p_value": 0.0032693575892170923, "uplift": {"dist": "normal", "mean": 0.02234053881970345, "stddev": 0.00759264789085757}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case cuped_binomial_pre_binomial_relative
  {
    id: "cuped_binomial_pre_binomial_relative",
    control: {"type": "regression_adjusted", "n": 5000, "post": {"type": "proportion", "n": 5000, "sum": 600}, "pre": {"type": "proportion", "n": 5000, "sum": 550}, "post_pre_sum_of_products": 300},
    treatment: {"type": "regression_adjusted", "n": 5000, "post": {"type": "proportion", "n": 5000, "sum": 660}, "pre": {"type": "proportion", "n": 5000, "sum": 560}, "post_pre_sum_of_products": 330},
    config: {"engine": "frequentist", "difference_type": "relative", "alpha": 0.05, "sequential": false},
    want: {"expected": 0.09172081498424375, "ci": [-0.00869909901603437, 0.1921407289845219], "p_value": 0.0734207595290981, "uplift": {"dist": "normal", "mean": 0.09172081498424375, "stddev": 0.05122938364911974}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case cuped_mean_n3000_bayesian_relative
  {
    id: "cuped_mean_n3000_bayesian_relative",
    control: {"type": "regression_adjusted", "n": 3000, "post": {"type": "mean", "n": 3000, "sum": 60863.91, "sum_squares": 1555036.4295}, "pre": {"type": "mean", "n": 3000, "sum": 60284.22, "sum_squares": 1811233.2218}, "post_pre_sum_of_products": 1582164.1056},
    treatment: {"type": "regression_adjusted", "n": 3000, "post": {"type": "mean", "n": 3000, "sum": 62609.66, "sum_squares": 1615654.1388}, "pre": {"type": "mean", "n": 3000, "sum": 60926.86, "sum_squares": 1807238.9884}, "post_pre_sum_of_products": 1614889.7686},
    config: {"engine": "bayesian", "difference_type": "relative", "alpha": 0.05, "inverse": false, "prior_effect": {"mean": 0.0, "variance": 1.0, "proper": false}, "prior_type": "relative"},
    want: {"chance_to_win": 0.9983715579062752, "expected": 0.02234053881970345, "ci": [0.007459222406328608, 0.03722185523307829], "risk": [0.022344090016252788, 3.5511965493360553e-06], "risk_type": "relative", "uplift": {"dist": "normal", "mean": 0.02234053881970345, "stddev": 0.00759264789085757}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case seq_prop_50of500_vs_65of500_relative_t5000
  {
    id: "seq_prop_50of500_vs_65of500_relative_t5000",
    control: {"type": "proportion", "n": 500, "sum": 50},
    treatment: {"type": "proportion", "n": 500, "sum": 65},
    config: {"engine": "frequentist", "difference_type": "relative", "alpha": 0.05, "sequential": true, "sequential_tuning_parameter": 5000},
    want: {"expected": 0.3, "ci": [-0.4747172923743768, 1.0747172923743769], "p_value": 0.9558084481619661, "uplift": {"dist": "normal", "mean": 0.3, "stddev": 0.2303041467277565}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case seq_prop_50of500_vs_65of500_absolute_t5000
  {
    id: "seq_prop_50of500_vs_65of500_absolute_t5000",
    control: {"type": "proportion", "n": 500, "sum": 50},
    treatment: {"type": "proportion", "n": 500, "sum": 65},
    config: {"engine": "frequentist", "difference_type": "absolute", "alpha": 0.05, "sequential": true, "sequential_tuning_parameter": 5000},
    want: {"expected": 0.03, "ci": [-0.03779715218639487, 0.09779715218639487], "p_value": 0.8151821397059538, "uplift": {"dist": "normal", "mean": 0.03, "stddev": 0.0201544039852336}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case seq_mean_rev_handpicked_n1000_absolute_t5000
  {
    id: "seq_mean_rev_handpicked_n1000_absolute_t5000",
    control: {"type": "mean", "n": 1000, "sum": 10250.0, "sum_squares": 310000.0},
    treatment: {"type": "mean", "n": 1000, "sum": 11100.0, "sum_squares": 360000.0},
    config: {"engine": "frequentist", "difference_type": "absolute", "alpha": 0.05, "sequential": true, "sequential_tuning_parameter": 5000},
    want: {"expected": 0.8499999999999996, "ci": [-1.2271831372150475, 2.9271831372150467], "p_value": 1.0, "uplift": {"dist": "normal", "mean": 0.8499999999999996, "stddev": 0.6649583969465079}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case seq_cuped_mean_n5000_relative_t5000
  {
    id: "seq_cuped_mean_n5000_relative_t5000",
    control: {"type": "regression_adjusted", "n": 5000, "post": {"type": "mean", "n": 5000, "sum": 99950.4, "sum_squares": 2681932.3462}, "pre": {"type": "mean", "n": 5000, "sum": 99713.09, "sum_squares": 3009428.8491}, "post_pre_sum_of_products": 2803794.7105},
    treatment: {"type": "regression_adjusted", "n": 4900, "post": {"type": "mean", "n": 4900, "sum": 99954.3, "sum_squares": 2703106.6404}, "pre": {"type": "mean", "n": 4900, "sum": 98243.53, "sum_squares": 2954036.2377}, "post_pre_sum_of_products": 2788416.8286},
    config: {"engine": "frequentist", "difference_type": "relative", "alpha": 0.05, "sequential": true, "sequential_tuning_parameter": 5000},
    want: {"expected": 0.016187061304583927, "ci": [0.0073742676403121925, 0.02499985496885566], "p_value": 1.4423805799038726e-06, "uplift": {"dist": "normal", "mean": 0.016187061304583927, "stddev": 0.0028792906828979574}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case bayes_prop_50of500_vs_65of500_relative
  {
    id: "bayes_prop_50of500_vs_65of500_relative",
    control: {"type": "proportion", "n": 500, "sum": 50},
    treatment: {"type": "proportion", "n": 500, "sum": 65},
    config: {"engine": "bayesian", "difference_type": "relative", "alpha": 0.05, "inverse": false, "prior_effect": {"mean": 0.0, "variance": 1.0, "proper": false}, "prior_type": "relative"},
    want: {"chance_to_win": 0.9036486359194893, "expected": 0.3, "ci": [-0.15138783307663106, 0.7513878330766309], "risk": [0.31042688784033645, 0.010426887840336544], "risk_type": "relative", "uplift": {"dist": "normal", "mean": 0.3, "stddev": 0.23030414672775654}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case bayes_prop_50of500_vs_65of500_absolute
  {
    id: "bayes_prop_50of500_vs_65of500_absolute",
    control: {"type": "proportion", "n": 500, "sum": 50},
    treatment: {"type": "proportion", "n": 500, "sum": 65},
    config: {"engine": "bayesian", "difference_type": "absolute", "alpha": 0.05, "inverse": false, "prior_effect": {"mean": 0.0, "variance": 1.0, "proper": false}, "prior_type": "relative"},
    want: {"chance_to_win": 0.9316915681472586, "expected": 0.03, "ci": [-0.009501905940928403, 0.0695019059409284], "risk": [0.030606307257643014, 0.0006063072576430163], "risk_type": "absolute", "uplift": {"dist": "normal", "mean": 0.03, "stddev": 0.0201544039852336}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case bayes_mean_rev_handpicked_n1000_absolute
  {
    id: "bayes_mean_rev_handpicked_n1000_absolute",
    control: {"type": "mean", "n": 1000, "sum": 10250.0, "sum_squares": 310000.0},
    treatment: {"type": "mean", "n": 1000, "sum": 11100.0, "sum_squares": 360000.0},
    config: {"engine": "bayesian", "difference_type": "absolute", "alpha": 0.05, "inverse": false, "prior_effect": {"mean": 0.0, "variance": 1.0, "proper": false}, "prior_type": "relative"},
    want: {"chance_to_win": 0.8994238411214943, "expected": 0.8499999999999996, "ci": [-0.45329450923264525, 2.1532945092326443], "risk": [0.8816997166037787, 0.031699716603779106], "risk_type": "absolute", "uplift": {"dist": "normal", "mean": 0.8499999999999996, "stddev": 0.6649583969465079}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case bayes_prop_100of1000_vs_120of1000_relative_proper_prior
  {
    id: "bayes_prop_100of1000_vs_120of1000_relative_proper_prior",
    control: {"type": "proportion", "n": 1000, "sum": 100},
    treatment: {"type": "proportion", "n": 1000, "sum": 120},
    config: {"engine": "bayesian", "difference_type": "relative", "alpha": 0.05, "inverse": false, "prior_effect": {"mean": 0.0, "variance": 0.01, "proper": true}, "prior_type": "relative"},
    want: {"chance_to_win": 0.761858653953297, "expected": 0.05966587112171836, "ci": [-0.10451204719007859, 0.22384378943351527], "risk": [0.07138706533100973, 0.011721194209291368], "risk_type": "relative", "uplift": {"dist": "normal", "mean": 0.05966587112171836, "stddev": 0.08376578325255535}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case ratio_revenue_per_order_bayesian_relative
  {
    id: "ratio_revenue_per_order_bayesian_relative",
    control: {"type": "ratio", "n": 1200, "m": {"type": "mean", "n": 1200, "sum": 52000.0, "sum_squares": 4900000.0}, "d": {"type": "mean", "n": 1200, "sum": 1500.0, "sum_squares": 2600.0}, "m_d_sum_of_products": 90000.0},
    treatment: {"type": "ratio", "n": 1180, "m": {"type": "mean", "n": 1180, "sum": 55000.0, "sum_squares": 5300000.0}, "d": {"type": "mean", "n": 1180, "sum": 1490.0, "sum_squares": 2550.0}, "m_d_sum_of_products": 93000.0},
    config: {"engine": "bayesian", "difference_type": "relative", "alpha": 0.05, "inverse": false, "prior_effect": {"mean": 0.0, "variance": 1.0, "proper": false}, "prior_type": "relative"},
    want: {"chance_to_win": 0.9547539187942782, "expected": 0.06479091378420243, "ci": [-0.010225221461489742, 0.1398070490298946], "risk": [0.06550322734261049, 0.0007123135584080642], "risk_type": "relative", "uplift": {"dist": "normal", "mean": 0.06479091378420243, "stddev": 0.03827424168883197}, "error_message": null},
  },
  // gbstats 0.8.0, growthbook/growthbook@c6b15529f6, case edge_zero_baseline_conversions_bayesian
  {
    id: "edge_zero_baseline_conversions_bayesian",
    control: {"type": "proportion", "n": 1000, "sum": 0},
    treatment: {"type": "proportion", "n": 1000, "sum": 5},
    config: {"engine": "bayesian", "difference_type": "relative", "alpha": 0.05, "inverse": false, "prior_effect": {"mean": 0.0, "variance": 1.0, "proper": false}, "prior_type": "relative"},
    want: {"chance_to_win": 0.5, "expected": 0.0, "ci": [0.0, 0.0], "risk": [0.0, 0.0], "risk_type": "relative", "uplift": {"dist": "normal", "mean": 0.0, "stddev": 0.0}, "error_message": "ZERO_NEGATIVE_BASELINE_VARIATION"},
  },
];

describe("compareArms reproduces gbstats 0.8.0", () => {
  it.each(CASES.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    expect(referenceMismatches(compareArms(c.control, c.treatment, c.config), c.want)).toEqual([]);
  });
});

describe("compareArms, gbstats' guards and rules beyond the vectors", () => {
  const proportion = (n: number, sum: number): ArmData => ({ type: "proportion", n, sum });
  const frequentist = (difference_type: "relative" | "absolute"): TestConfig => ({ engine: "frequentist", difference_type });

  it("a zero control mean stops the frequentist test even for an absolute difference, as TTest.compute_result does", () => {
    const got = compareArms(proportion(1000, 0), proportion(1000, 5), frequentist("absolute"));
    expect(got).toEqual({ expected: 0, ci: [0, 0], p_value: 1, uplift: { dist: "normal", mean: 0, stddev: 0 }, error_message: "ZERO_NEGATIVE_BASELINE_VARIATION" });
  });

  it("a treatment without variance gives ZERO_NEGATIVE_VARIANCE (frequentist and Bayesian)", () => {
    expect(compareArms(proportion(1000, 100), proportion(1000, 1000), frequentist("relative")).error_message).toBe("ZERO_NEGATIVE_VARIANCE");
    const bayes = compareArms(proportion(1000, 100), proportion(1000, 0), { engine: "bayesian", difference_type: "absolute" });
    expect(bayes).toMatchObject({ chance_to_win: 0.5, risk: [0, 0], risk_type: "absolute", error_message: "ZERO_NEGATIVE_VARIANCE" });
  });

  it("the Bayesian engine checks a zero control mean only for relative differences, then empty arms", () => {
    const empty: ArmData = { type: "mean", n: 0, sum: 0, sum_squares: 0 };
    const withValues: ArmData = { type: "mean", n: 100, sum: 0, sum_squares: 400 };
    const absolute: TestConfig = { engine: "bayesian", difference_type: "absolute" };
    expect(compareArms(withValues, empty, absolute).error_message).toBe("NO_UNITS_IN_VARIATION");
    expect(compareArms(withValues, empty, { ...absolute, difference_type: "relative" }).error_message).toBe("ZERO_NEGATIVE_BASELINE_VARIATION");
  });

  it("CUPED with a constant pre-period covariate (θ = 0) is the plain test of the post period", () => {
    const arm = (n: number, sum: number, ss: number): ArmData => ({
      type: "regression_adjusted",
      n,
      post: { type: "mean", n, sum, sum_squares: ss },
      pre: { type: "mean", n, sum: 2 * n, sum_squares: 4 * n },
      post_pre_sum_of_products: 2 * sum,
    });
    const plain = (n: number, sum: number, ss: number): ArmData => ({ type: "mean", n, sum, sum_squares: ss });
    for (const engine of ["frequentist", "bayesian"] as const) {
      const config: TestConfig = { engine, difference_type: "relative" };
      expect(compareArms(arm(1000, 10250, 310000), arm(1000, 11100, 360000), config)).toEqual(
        compareArms(plain(1000, 10250, 310000), plain(1000, 11100, 360000), config),
      );
    }
  });

  it("inverse metrics turn chance to win round and swap the risks", () => {
    const config: TestConfig = { engine: "bayesian", difference_type: "relative" };
    const up = compareArms(proportion(500, 50), proportion(500, 65), config);
    const inverse = compareArms(proportion(500, 50), proportion(500, 65), { ...config, inverse: true });
    expect(inverse.chance_to_win! + up.chance_to_win!).toBeCloseTo(1, 14);
    expect(inverse.risk).toEqual([up.risk![1], up.risk![0]]);
    expect(inverse.expected).toBe(up.expected);
  });

  it("an absolute prior on a relative difference is divided by the control mean (and its variance by the square)", () => {
    const a = proportion(1000, 100);
    const b = proportion(1000, 120);
    const relativePrior = compareArms(a, b, { engine: "bayesian", difference_type: "relative", prior_effect: { mean: 0.01, variance: 1e-4, proper: true }, prior_type: "relative" });
    // 0.001 absolute on a 0.1 control mean is 0.01 relative; 1e-6 absolute variance is 1e-4 relative.
    const absolutePrior = compareArms(a, b, { engine: "bayesian", difference_type: "relative", prior_effect: { mean: 0.001, variance: 1e-6, proper: true }, prior_type: "absolute" });
    expect(absolutePrior.expected).toBeCloseTo(relativePrior.expected, 12);
    expect(absolutePrior.uplift.stddev).toBeCloseTo(relativePrior.uplift.stddev, 12);
  });

  it("a relative proper prior on an absolute difference with a zero control mean is dropped, not divided by zero", () => {
    const control: ArmData = { type: "mean", n: 100, sum: 0, sum_squares: 400 };
    const treatment: ArmData = { type: "mean", n: 100, sum: 50, sum_squares: 500 };
    const config: TestConfig = { engine: "bayesian", difference_type: "absolute" };
    const proper = compareArms(control, treatment, { ...config, prior_effect: { mean: 0, variance: 0.01, proper: true } });
    expect(proper).toEqual(compareArms(control, treatment, config));
    expect(Number.isFinite(proper.expected) && Number.isFinite(proper.chance_to_win!)).toBe(true);
  });

  it("refuses arms of different kinds and meaningless settings", () => {
    const mean: ArmData = { type: "mean", n: 10, sum: 5, sum_squares: 9 };
    expect(() => compareArms(proportion(10, 5), mean, frequentist("relative"))).toThrow(TypeError);
    expect(() => compareArms(proportion(10, 5), proportion(10, 6), { ...frequentist("relative"), alpha: 1 })).toThrow(RangeError);
    expect(() => compareArms(proportion(10, 5), proportion(10, 6), { ...frequentist("relative"), sequential: true, sequential_tuning_parameter: 0 })).toThrow(RangeError);
  });
});
