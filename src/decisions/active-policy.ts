// Which policy serves a decision type: its configuration, unless the deployment overrides it with <TYPE>_POLICY_ID.
import type { DecisionTypeConfig } from "./decision-type-config";

export type ActivePolicy = { policyId: string; source: "config" | "env"; ignoredOverride?: string };

/** The env var seed 000's runbook sets: image_pregen → IMAGE_PREGEN_POLICY_ID. Rollback is setting it back. */
export function overrideVarName(decisionType: string): string {
  return `${decisionType.toUpperCase()}_POLICY_ID`;
}

/** Pure. An override naming a policy the type does not have is ignored (and reported), never obeyed blindly. */
export function activePolicy(decisionType: string, config: DecisionTypeConfig, env: Readonly<Record<string, unknown>>): ActivePolicy {
  const override = env[overrideVarName(decisionType)];
  if (typeof override === "string" && override.trim() !== "") {
    const id = override.trim();
    if (Object.hasOwn(config.policies, id)) return { policyId: id, source: "env" };
    return { policyId: config.active_policy, source: "config", ignoredOverride: id };
  }
  return { policyId: config.active_policy, source: "config" };
}
