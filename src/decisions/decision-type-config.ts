// The shape of a decision type's configuration, validated with zod: actions, bucket fields, and the policies it may run.
import { z } from "zod";

const identifier = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "lower snake case, at most 64 characters");
const policyId = z.string().regex(/^[a-z][a-z0-9_.-]{0,127}$/, "lower case letters, digits, '_', '.', '-'");

export const policyParamsSchema = z
  .object({
    priorAlpha: z.number().positive().optional(),
    priorBeta: z.number().positive().optional(),
    poolingStrength: z.number().min(0).optional(),
    epsilon: z
      .object({ enabled: z.boolean(), start: z.number().min(0).max(1), end: z.number().min(0).max(1), decayDays: z.number().positive() })
      .optional(),
    propensityFloor: z.number().min(0).max(0.5).optional(),
    ucbExploration: z.number().positive().optional(),
  })
  .strict();

export const policyConfigSchema = z.object({
  kind: z.enum(["deterministic", "thompson", "ucb1"]),
  params: policyParamsSchema.default({}),
});

export const decisionTypeConfigSchema = z
  .object({
    actions: z.array(identifier).min(2).max(64),
    bucket_fields: z.array(identifier).max(6).default([]),
    /** Distinct values kept per bucket field; later values map to "other". */
    max_values_per_field: z.number().int().min(1).max(1000).default(50),
    active_policy: policyId,
    policies: z.record(policyId, policyConfigSchema),
  })
  .superRefine((c, ctx) => {
    if (new Set(c.actions).size !== c.actions.length) ctx.addIssue({ code: "custom", path: ["actions"], message: "actions must be distinct" });
    // Own keys only: "constructor" is a valid policy id and Object.prototype has one.
    if (!Object.hasOwn(c.policies, c.active_policy)) ctx.addIssue({ code: "custom", path: ["active_policy"], message: "active_policy must be one of policies" });
    if (!Object.values(c.policies).some((p) => p.kind === "deterministic")) {
      ctx.addIssue({ code: "custom", path: ["policies"], message: "a decision type needs one deterministic policy: it is the fallback while there are no statistics" });
    }
  });

export type DecisionTypeConfig = z.infer<typeof decisionTypeConfigSchema>;
export type PolicyConfig = z.infer<typeof policyConfigSchema>;

/** The fallback policy: the decision type's deterministic one. */
export function fallbackPolicyId(config: DecisionTypeConfig): string {
  return Object.entries(config.policies).find(([, p]) => p.kind === "deterministic")![0];
}
