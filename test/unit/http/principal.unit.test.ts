import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/http/errors";
import { isOperator, mayImportHistory, projectOf, requireOperator, requireProjectAdmin, type Principal } from "../../../src/http/principal";

const operator: Principal = { kind: "operator" };
const admin: Principal = { kind: "jwt", sub: "a", role: "admin", projectId: "p1" };
const user: Principal = { kind: "jwt", sub: "u", role: "user", projectId: "p1" };
const key: Principal = { kind: "publishable_key", keyId: "k", projectId: "p1", allowedOrigins: [], ingestLimitPerMinute: null };

/** [status, code] of the ApiError thrown by fn; fails if nothing or something else is thrown. */
function failure(fn: () => unknown): [number, string] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return [(err as ApiError).status, (err as ApiError).code];
  }
  throw new Error("expected an ApiError");
}

describe("isOperator", () => {
  it("is true only for the operator", () => {
    expect([operator, admin, user, key].map(isOperator)).toEqual([true, false, false, false]);
  });
});

describe("projectOf", () => {
  it("gives the operator the requested project", () => {
    expect(projectOf(operator, "p9")).toBe("p9");
  });

  it.each([undefined, null, ""])("asks the operator to name a project (%j) with 400 project_required", (requested) => {
    expect(failure(() => projectOf(operator, requested))).toEqual([400, "project_required"]);
  });

  it.each([admin, user, key])("gives a scoped credential its own project when none or the same is requested", (p) => {
    expect(projectOf(p, undefined)).toBe("p1");
    expect(projectOf(p, null)).toBe("p1");
    expect(projectOf(p, "")).toBe("p1");
    expect(projectOf(p, "p1")).toBe("p1");
  });

  it.each([admin, user, key])("refuses another project with 403 wrong_project", (p) => {
    expect(failure(() => projectOf(p, "p2"))).toEqual([403, "wrong_project"]);
  });
});

describe("requireOperator", () => {
  it("lets the operator through", () => {
    expect(requireOperator(operator)).toBeUndefined();
  });

  it.each([admin, user, key])("refuses everyone else with 403 forbidden", (p) => {
    expect(failure(() => requireOperator(p))).toEqual([403, "forbidden"]);
  });
});

describe("requireProjectAdmin", () => {
  it("lets the operator through for any project", () => {
    expect(requireProjectAdmin(operator, "anything")).toBeUndefined();
  });

  it("lets an admin through for its own project", () => {
    expect(requireProjectAdmin(admin, "p1")).toBeUndefined();
  });

  it("refuses an admin of another project with 403 wrong_project", () => {
    expect(failure(() => requireProjectAdmin(admin, "p2"))).toEqual([403, "wrong_project"]);
  });

  it.each([["user", user, "p1"], ["user", user, "p2"], ["key", key, "p1"], ["key", key, "p2"]] as const)(
    "refuses a %s (project %s) with 403 forbidden",
    (_, p, project) => {
      expect(failure(() => requireProjectAdmin(p, project))).toEqual([403, "forbidden"]);
    },
  );
});

describe("mayImportHistory", () => {
  it("is true for the operator and admins only", () => {
    expect([operator, admin, user, key].map(mayImportHistory)).toEqual([true, true, false, false]);
  });
});
