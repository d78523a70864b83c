// classify: each tier at its boundary, the two confidences, and drivers a person can read.
import { describe, expect, it } from "vitest";
import { classify } from "../../../src/ads/classifications/classify";
import { neutralFeatures } from "./features-fixture";

// No siblings unless a test gives some: r is then account CPL / own CPL alone.
const f = (o: Parameters<typeof neutralFeatures>[1]) => neutralFeatures("campaign", { siblings_cpl_7d: null, performance_vs_siblings: null, ...o });

describe("classify", () => {
  it("no_data without spend, without an account CPL, or without leads below one account CPL of spend", () => {
    expect(classify(f({ spend_7d: 0, leads_7d: 0, cpl_7d: null })).tier).toBe("no_data");
    expect(classify(f({ account_cpl_7d: null, leads_7d: 0, cpl_7d: null })).tier).toBe("no_data");
    const young = classify(f({ spend_7d: 9.99, leads_7d: 0, cpl_7d: null }));
    expect(young.tier).toBe("no_data");
    expect(young.drivers[0]).toMatchObject({ feature: "spend_7d", value: 9.99, reference: 10 });
  });

  it("no leads after one account CPL of spend: under-performing, confidence 1 − exp(−spend / account CPL)", () => {
    const one = classify(f({ spend_7d: 10, leads_7d: 0, cpl_7d: null }));
    expect(one.tier).toBe("under_performing");
    expect(one.confidence).toBeCloseTo(1 - Math.exp(-1), 12); // 0.632
    const three = classify(f({ spend_7d: 30, leads_7d: 0, cpl_7d: null }));
    expect(three.confidence).toBeCloseTo(1 - Math.exp(-3), 12); // 0.950
    expect(three.drivers[0]).toMatchObject({ feature: "leads_7d", value: 0, reference: 3 });
  });

  it("top from r = 1.25 (account CPL 10 / own 8), average just below, with confidence Φ(0) = ½ on the boundary", () => {
    const top = classify(f({ cpl_7d: 8 }));
    expect(top.tier).toBe("top");
    expect(top.confidence).toBeCloseTo(0.5, 12);
    expect(classify(f({ cpl_7d: 8.01 })).tier).toBe("average");
    expect(top.drivers[0]).toEqual({ feature: "cpl_7d", value: 8, reference: 10, comparison: "20% cheaper than the account's pooled CPL (10)" });
  });

  it("under-performing from r = 0.8 (own CPL 12.5), average just above", () => {
    expect(classify(f({ cpl_7d: 12.5 })).tier).toBe("under_performing");
    expect(classify(f({ cpl_7d: 12.49 })).tier).toBe("average");
    expect(classify(f({ cpl_7d: 12.5 })).drivers[0]!.comparison).toBe("25% dearer than the account's pooled CPL (10)");
  });

  it("average: confidence from the distance to the nearer boundary over se = 1/√leads", () => {
    // r = 1, leads 25: se = 0.2; distance ln 1.25 = 0.22314; Φ(1.1157) = 0.8677.
    const c = classify(f({ cpl_7d: 10, leads_7d: 25 }));
    expect(c.tier).toBe("average");
    expect(c.confidence).toBeCloseTo(0.8677, 4);
    // More leads, surer: leads 100 → se 0.1, Φ(2.2314) = 0.9872.
    expect(classify(f({ cpl_7d: 10, leads_7d: 100 })).confidence).toBeCloseTo(0.9872, 4);
  });

  it("with siblings: the geometric mean of the two ratios", () => {
    // Account 10 / own 10 = 1, siblings 20 / own 10 = 2: r = √2 = 1.4142 → top. leads 16: se 0.25;
    // (ln √2 − ln 1.25) / 0.25 = (0.346574 − 0.223144) / 0.25 = 0.493721; Φ = 0.68925.
    const c = classify(f({ cpl_7d: 10, leads_7d: 16, siblings_cpl_7d: 20, performance_vs_siblings: 0.5 }));
    expect(c.tier).toBe("top");
    expect(c.confidence).toBeCloseTo(0.68925, 4);
    expect(c.drivers.map((d) => d.feature)).toEqual(["cpl_7d", "performance_vs_siblings", "leads_7d"]);
    expect(c.drivers[1]).toMatchObject({ value: 0.5, reference: 20, comparison: "50% cheaper than its siblings' pooled CPL (20)" });
    // Cheaper than the account but dearer than its siblings: account 12.5/10 = 1.25, siblings 5/10 = 0.5 → r = 0.79 → under.
    expect(classify(f({ cpl_7d: 10, account_cpl_7d: 12.5, siblings_cpl_7d: 5 })).tier).toBe("under_performing");
  });

  it("confidence is always within [0, 1] and finite", () => {
    for (const cpl of [0.01, 1, 5, 8, 10, 12.5, 50, 1000]) {
      for (const leads of [1, 3, 100]) {
        const c = classify(f({ cpl_7d: cpl, leads_7d: leads, spend_7d: cpl * leads }));
        expect(c.confidence).toBeGreaterThanOrEqual(0);
        expect(c.confidence).toBeLessThanOrEqual(1);
      }
    }
  });
});
