// recommend: the rules that fire for one entity's features, one per type, with cuts overriding growth advice (pure).
import type { EntityFeatures } from "../entity-features";
import { CUTS, GROWTH, RULES, type FeaturesUsed, type Priority, type RecommendationType, type Rule } from "./rules";

export type Evidence = {
  rule: string;
  thresholds: Record<string, number>;
  features: FeaturesUsed;
  /** Other rules that raised the same type for this entity (their evidence is the same features). */
  also_fired?: string[];
};

export type Candidate = { entityId: string; type: RecommendationType; priority: Priority; reason: string; evidence: Evidence };

/** Every rule of the entity's level that fires, deduplicated per type (the first rule in table order wins). */
export function recommend(f: EntityFeatures, rules: readonly Rule[] = RULES): Candidate[] {
  const byType = new Map<RecommendationType, Candidate>();
  for (const rule of rules) {
    if (!rule.levels.includes(f.entity_type)) continue;
    if (f.status === "paused" && !rule.appliesToPaused) continue;
    if (!rule.fires(f, rule.thresholds)) continue;
    const existing = byType.get(rule.type);
    if (existing) {
      (existing.evidence.also_fired ??= []).push(rule.id);
      continue;
    }
    byType.set(rule.type, {
      entityId: f.entity_id,
      type: rule.type,
      priority: rule.priority,
      reason: rule.reason(f, rule.thresholds),
      evidence: { rule: rule.id, thresholds: { ...rule.thresholds }, features: rule.used(f) },
    });
  }
  // A cut says spend less here; growth advice says spend more: only the cut is kept. PAUSE also covers a budget cut.
  const all = [...byType.values()];
  const cut = all.some((c) => CUTS.has(c.type));
  const paused = byType.has("PAUSE");
  return all.filter((c) => !(cut && GROWTH.has(c.type)) && !(paused && c.type === "BUDGET_DECREASE"));
}
