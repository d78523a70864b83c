// Decision types every project has from the start. Seed 000's image_pregen: pre-generate an image, or wait until asked.
import type { DecisionTypeConfig } from "./decision-type-config";

// Its policy ids are seed 000's, so the runbook works word for word: IMAGE_PREGEN_POLICY_ID=image_pregen_bandit_v1.
export const IMAGE_PREGEN: DecisionTypeConfig = {
  actions: ["pre_generate", "on_demand"],
  bucket_fields: ["post_type", "objective"],
  max_values_per_field: 50,
  active_policy: "image_pregen_bandit_v0",
  policies: {
    image_pregen_bandit_v0: { kind: "deterministic", params: {} },
    image_pregen_bandit_v1: {
      kind: "thompson",
      params: { priorAlpha: 1, priorBeta: 1, epsilon: { enabled: true, start: 0.2, end: 0.05, decayDays: 14 }, propensityFloor: 0.01 },
    },
  },
};

export const BUILTIN_DECISION_TYPES: Readonly<Record<string, DecisionTypeConfig>> = { image_pregen: IMAGE_PREGEN };
