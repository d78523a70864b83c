import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { versionLookup, versionsInForce, type StatsVersion } from "../../../src/decisions/policy-evaluation";

// The definition the lookup must keep: the largest version written at or before `at`, 0 when none was.
const naive = (versions: readonly StatsVersion[], at: number) => versions.filter((v) => v.createdAt <= at).reduce((m, v) => Math.max(m, v.version), 0);

const versionsArb = fc.array(fc.record({ version: fc.integer({ min: 1, max: 500 }), createdAt: fc.integer({ min: 0, max: 1000 }), watermark: fc.integer({ min: 0, max: 1000 }) }), { maxLength: 40 });

describe("versionLookup", () => {
  it("answers as the definition does, for any versions and times (including ties and unsorted input)", () => {
    fc.assert(
      fc.property(versionsArb, fc.array(fc.integer({ min: -5, max: 1005 }), { minLength: 1, maxLength: 20 }), (versions, times) => {
        const at = versionLookup(versions);
        for (const t of times) expect(at(t)).toBe(naive(versions, t));
      }),
    );
  });

  it("gives 0 before the first version and the newest after the last", () => {
    const versions = [
      { version: 2, createdAt: 200, watermark: 150 },
      { version: 1, createdAt: 100, watermark: 50 },
    ];
    const at = versionLookup(versions);
    expect([at(99), at(100), at(199), at(200), at(10_000)]).toEqual([0, 1, 1, 2, 2]);
  });
});

describe("versionsInForce", () => {
  it("keeps only the versions some decision was made under", () => {
    const versions = [1, 2, 3, 4].map((version) => ({ version, createdAt: version * 100, watermark: version * 100 - 50 }));
    const round = (createdAt: number) => ({ id: String(createdAt), unitId: "u", bucket: "b", action: "a", propensity: 0.5, createdAt, reward: 1 });
    expect(versionsInForce([round(50), round(250), round(260)], versions).map((v) => v.version)).toEqual([2]);
    expect(versionsInForce([round(150), round(450)], versions).map((v) => v.version)).toEqual([1, 4]);
  });
});
