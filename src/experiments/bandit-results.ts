// A bandit experiment's propensity-weighted comparison, pure: doubly robust value per variant and lift over the control
// from the logged decisions (variant, propensity, bucket) and their final outcome's success, and the verdict.
import { z } from "zod";
import { armLifts, type LoggedRound } from "../stats/ope/arm-lift";
import { Z95 } from "../stats/ope/normal-interval";
import { normalSurvival } from "../stats/experiments/normal-distribution";
import type { Experiment } from "./experiment-config";

/** Logged decisions grouped by everything the estimate reads; `count` rounds share them. */
export type BanditRoundGroup = { bucket: string; action: string; propensity: number; success: number; count: number };

const nullableNumber = z.number().nullable();
const warningSchema = z.object({ code: z.string(), message: z.string() });
export const propensityWeightedSchema = z.object({
  method: z.literal("doubly_robust").describe("Per variant, the DR estimate of 'every unit gets this variant' (stats/ope/arm-lift.ts): cell-mean reward model per (bucket, variant) plus inverse-propensity-weighted residuals"),
  reward: z.literal("decision_success").describe("Each decision's final-pass outcome success (decision_outcomes, pass 2): what the policy learns from"),
  decision_type: z.string(),
  rounds: z.number().int().describe("Decisions of the experiment with a final outcome"),
  decisions_without_outcome: z.number().int().describe("Decisions whose final outcome is not computed yet (left out)"),
  control: z.string(),
  variants: z.array(
    z.object({
      variant_id: z.string(),
      chosen: z.number().int().describe("Rounds in which the policy chose this variant"),
      value: nullableNumber.describe("DR estimate of the success rate if every unit got this variant"),
      ci_lower: nullableNumber,
      ci_upper: nullableNumber,
      ess: z.number().describe("Effective sample size of this variant's importance weights"),
      warnings: z.array(warningSchema),
    }),
  ),
  lifts: z.array(
    z.object({
      variant_id: z.string(),
      absolute: z.object({ estimate: nullableNumber, ci_lower: nullableNumber, ci_upper: nullableNumber, p_value: nullableNumber }).describe("value(variant) − value(control); 95% interval of the paired per-round differences"),
      relative: nullableNumber.describe("value(variant) / value(control) − 1"),
      significant: z.boolean().describe("The absolute lift's 95% interval excludes 0"),
    }),
  ),
  winner_variant_id: z.string().nullable(),
  recommendation: z.string(),
  computed_at: z.string(),
});
export type PropensityWeighted = z.infer<typeof propensityWeightedSchema>;

const finite = (x: number) => (Number.isFinite(x) ? x : null);
const pct = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)} points`;
/** Warnings that make the weighted estimates rest on a few rounds: no winner is named while one fires. */
const BLOCKING = new Set(["no_rounds", "small_ess", "no_overlap"]);

/**
 * The comparison the adaptive allocation does not bias. Per-variant means of a bandit's traffic are biased (the policy
 * gave the favoured variant more units, at other times and in other buckets); DR divides each round by the propensity
 * it was logged with, so every variant is valued on all rounds. A winner only when a lift's interval excludes 0 and
 * no variant's weights trip an ESS warning; when every treatment is significantly worse, the control.
 */
export function propensityWeighted(e: Pick<Experiment, "variants" | "decisionType">, groups: readonly BanditRoundGroup[], decisionsWithoutOutcome: number, computedAt: number): PropensityWeighted {
  const arms = e.variants.map((v) => v.key);
  const control = arms[0]!;
  const rounds: LoggedRound[] = [];
  for (const g of groups) for (let i = 0; i < g.count; i++) rounds.push({ group: g.bucket, action: g.action, propensity: g.propensity, reward: g.success });
  const base = { method: "doubly_robust" as const, reward: "decision_success" as const, decision_type: e.decisionType ?? "", rounds: rounds.length, decisions_without_outcome: decisionsWithoutOutcome, control, computed_at: new Date(computedAt).toISOString() };

  if (rounds.length === 0) {
    const warnings = [{ code: "no_rounds", message: "no decision of the experiment has a final outcome yet: outcomes are final 24 h after a decision, once build_bandit_dataset has run" }];
    return {
      ...base,
      variants: arms.map((arm) => ({ variant_id: arm, chosen: 0, value: null, ci_lower: null, ci_upper: null, ess: 0, warnings })),
      lifts: arms.slice(1).map((arm) => ({ variant_id: arm, absolute: { estimate: null, ci_lower: null, ci_upper: null, p_value: null }, relative: null, significant: false })),
      winner_variant_id: null,
      recommendation: "Not enough evidence: no decision of the experiment has a final outcome yet.",
    };
  }

  const r = armLifts(rounds, arms, control);
  const variants = r.values.map((v) => ({ variant_id: v.arm, chosen: v.chosen, value: finite(v.value), ci_lower: finite(v.lower), ci_upper: finite(v.upper), ess: v.ess, warnings: v.warnings }));
  const lifts = r.lifts.map((l) => {
    const se = (l.absolute.upper - l.absolute.lower) / (2 * Z95);
    const p = se > 0 ? 2 * normalSurvival(Math.abs(l.absolute.value) / se) : null;
    const significant = Number.isFinite(l.absolute.lower) && (l.absolute.lower > 0 || l.absolute.upper < 0);
    return { variant_id: l.arm, absolute: { estimate: finite(l.absolute.value), ci_lower: finite(l.absolute.lower), ci_upper: finite(l.absolute.upper), p_value: p === null ? null : finite(p) }, relative: l.relative === null ? null : finite(l.relative), significant };
  });

  const verdict = (winner: string | null, recommendation: string) => ({ ...base, variants, lifts, winner_variant_id: winner, recommendation });
  const blocking = variants.flatMap((v) => v.warnings.filter((w) => BLOCKING.has(w.code)).map((w) => `${v.variant_id}: ${w.message}`));
  if (blocking.length > 0) return verdict(null, `Not enough evidence: the propensity weights rest on few rounds (${blocking.join("; ")}).`);
  const better = lifts.filter((l) => l.significant && l.absolute.estimate! > 0).sort((a, b) => b.absolute.estimate! - a.absolute.estimate!);
  const best = better[0];
  if (best) {
    return verdict(best.variant_id, `Variant ${best.variant_id} is better than ${control} on the decision's success, propensity-weighted: ${pct(best.absolute.estimate!)} (95% CI ${pct(best.absolute.ci_lower!)} to ${pct(best.absolute.ci_upper!)}).`);
  }
  if (lifts.every((l) => l.significant && l.absolute.estimate! < 0)) {
    return verdict(control, `Keep ${control}: every other variant is worse on the decision's success, propensity-weighted (${lifts.map((l) => `${l.variant_id} ${pct(l.absolute.estimate!)}`).join(", ")}).`);
  }
  return verdict(null, `Not enough evidence: no variant's propensity-weighted lift over ${control} has a 95% interval that excludes 0.`);
}
