// Which policy serves a decision type: the configuration's, or an env override naming one of the type's own policies.
import { describe, expect, it } from "vitest";
import { activePolicy } from "../../../src/decisions/active-policy";
import { IMAGE_PREGEN } from "../../../src/decisions/builtin-decision-types";

describe("activePolicy", () => {
  it("obeys an override that names one of the type's policies", () => {
    expect(activePolicy("image_pregen", IMAGE_PREGEN, { IMAGE_PREGEN_POLICY_ID: " image_pregen_bandit_v1 " })).toEqual({ policyId: "image_pregen_bandit_v1", source: "env" });
  });

  it("ignores (and reports) an override naming a policy the type does not have, Object.prototype's members included", () => {
    for (const id of ["nope", "constructor", "toString", "__proto__"]) {
      expect(activePolicy("image_pregen", IMAGE_PREGEN, { IMAGE_PREGEN_POLICY_ID: id })).toEqual({ policyId: "image_pregen_bandit_v0", source: "config", ignoredOverride: id });
    }
  });
});
