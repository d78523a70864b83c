import { describe, expect, it } from "vitest";
import { cryptoRng, seededRng } from "../../../src/stats/random";

const draws = (rng: () => number, n: number) => Array.from({ length: n }, rng);

describe("seededRng", () => {
  it("repeats its sequence for the same seed, and a number seed equals its decimal string", () => {
    expect(draws(seededRng("abc"), 50)).toEqual(draws(seededRng("abc"), 50));
    expect(draws(seededRng(42), 50)).toEqual(draws(seededRng("42"), 50));
  });

  it("keeps its exact sequence across versions (sfc32 over cyrb128, pinned)", () => {
    // Regression vectors recorded from this implementation: seeded tests, `npm run simulate` and published bench
    // figures name seeds, so a changed generator must be a deliberate change of these numbers, never a silent one.
    expect(draws(seededRng("edgeloop"), 4)).toEqual([0.7117075405733998, 0.13389659423759426, 0.5498318113550805, 0.04614968136838582]);
    expect(draws(seededRng(42), 4)).toEqual([0.525846899946691, 0.40502332794757057, 0.43090076910831576, 0.4597764028404725]);
  });

  it("gives unrelated sequences for neighbouring seeds", () => {
    const a = draws(seededRng(1), 1000);
    const b = draws(seededRng(2), 1000);
    expect(a).not.toEqual(b);
    // Correlation of independent uniform sequences: sd 1/√1000 ≈ 0.032; 0.15 is ~5 sd.
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const ma = mean(a);
    const mb = mean(b);
    const cov = a.reduce((s, x, i) => s + (x - ma) * (b[i]! - mb), 0) / a.length;
    expect(Math.abs(cov / (1 / 12))).toBeLessThan(0.15);
  });

  it("returns multiples of 2^-53 in [0, 1)", () => {
    const xs = draws(seededRng("res"), 10_000);
    expect(xs.every((x) => x >= 0 && x < 1 && Number.isInteger(x * 2 ** 53))).toBe(true);
  });

  it("is uniform: χ² over 20 bins of 100k draws is below the 99.9% point of χ²(19) (43.82, standard tables)", () => {
    const n = 100_000;
    const bins = new Array<number>(20).fill(0);
    for (const x of draws(seededRng("uniform"), n)) bins[Math.floor(x * 20)]!++;
    const expected = n / 20;
    const chi2 = bins.reduce((s, o) => s + ((o - expected) * (o - expected)) / expected, 0);
    expect(chi2).toBeLessThan(43.82);
  });
});

describe("cryptoRng", () => {
  it("returns varied 53-bit floats in [0, 1) across block refills", () => {
    const xs = draws(cryptoRng(), 1000);
    expect(xs.every((x) => x >= 0 && x < 1 && Number.isInteger(x * 2 ** 53))).toBe(true);
    expect(new Set(xs).size).toBe(1000);
    // Mean of 1000 uniforms: sd 0.0091; 0.05 is ~5.5 sd.
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / 1000 - 0.5)).toBeLessThan(0.05);
  });
});
