// The labelled PII corpus against the guard: recall on personal data, and no refusal of any standard SDK property.
import { describe, expect, it } from "vitest";
import { checkFlatObject } from "../../../src/ingest/pii-guard";
import { screenIdentifier } from "../../../src/ingest/pii/identifiers";
import { CORPUS, type CorpusCase } from "./pii-corpus";

const violationsOf = (c: CorpusCase) => checkFlatObject(c.field ?? "properties", { [c.key]: c.value });

/** Refused as personal data: a pii_key/pii_value violation, or an identifier the guard would not keep. */
function flagged(c: CorpusCase): boolean {
  if (c.via === "identifier") return screenIdentifier(c.key, String(c.value), "refuse", true).action !== "keep";
  return violationsOf(c).some((v) => v.code === "pii_key" || v.code === "pii_value");
}

const label = (c: CorpusCase) => `${c.via === "identifier" ? "id " : ""}${c.key}=${JSON.stringify(c.value)}`;
const pii = CORPUS.filter((c) => c.pii);
const harmless = CORPUS.filter((c) => !c.pii);
const standardSide = harmless.filter((c) => c.set === "posthog" || c.set === "segment" || c.set === "seed002");
const truePositives = pii.filter(flagged);
const falsePositives = harmless.filter(flagged);
const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
const recall = pct(truePositives.length, pii.length);
const precision = pct(truePositives.length, truePositives.length + falsePositives.length);
const standardFalsePositives = standardSide.filter(flagged).length;

// vitest shows only test names for passing tests (silent: "passed-only"), so the figures are in the title.
describe(
  `PII corpus: ${CORPUS.length} labelled cases (${pii.length} PII, ${harmless.length} harmless) — recall ${recall} ` +
    `(${truePositives.length}/${pii.length}), precision ${precision}, false positives ${falsePositives.length}/${harmless.length} ` +
    `(documented trade-offs), standard posthog-js/posthog-node/Segment/seed 002 properties refused ${standardFalsePositives}/${standardSide.length}`,
  () => {
    it("has at least 300 cases, with every set represented", () => {
      expect(CORPUS.length).toBeGreaterThanOrEqual(300);
      expect(new Set(CORPUS.map((c) => c.set))).toEqual(new Set(["posthog", "segment", "seed002", "pii-keys", "pii-values", "harmless-keys", "harmless-values"]));
    });

    it("finds every PII case (recall 100%)", () => {
      expect(pii.filter((c) => !flagged(c)).map(label)).toEqual([]);
    });

    it("accepts every standard posthog-js/posthog-node, Segment and seed 002 property with no violation at all", () => {
      expect(standardSide.map((c) => [label(c), violationsOf(c)]).filter(([, v]) => (v as unknown[]).length > 0)).toEqual([]);
    });

    it("refuses no other harmless case except the documented trade-offs", () => {
      expect(falsePositives.map(label)).toEqual(harmless.filter((c) => c.tradeOff).map(label));
    });
  },
);

describe("issue 8 §3 cases, one test each", () => {
  it.each(CORPUS.filter((c) => c.issue).map((c) => [label(c), c.pii ? "refused" : "accepted", c] as const))("%s is %s", (_, __, c) => {
    expect(flagged(c)).toBe(c.pii);
  });
});
