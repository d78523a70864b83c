// The experiments admin API in workerd against real D1: the life cycle, versioned updates, history, and who may call it.
import { describe, expect, it } from "vitest";
import { asOperator, bearer, call, hs256, json, newProject } from "../helpers/api";
import { adminPath, conversion, createExperiment, experimentBody, patchExperiment, transition, type ExperimentView } from "./helpers";

type ErrorBody = { error: { code: string; message: string; details?: unknown } };

describe("experiments admin API", () => {
  it("creates a draft with GrowthBook's ranges, lists it, reads it", async () => {
    const p = await newProject();
    const created = await createExperiment(p.id, p.admin, "checkout-cta", { traffic_allocation: 50, variants: [{ key: "control", weight: 0.4 }, { key: "treatment", weight: 0.6 }] });
    expect(created).toMatchObject({ key: "checkout-cta", status: "draft", version: 1, seed: "checkout-cta", traffic_allocation: 50, allocation: "fixed" });
    expect(created.variants).toEqual([{ key: "control", name: "control", weight: 0.4 }, { key: "treatment", name: "treatment", weight: 0.6 }]);
    // getBucketRanges(2, 0.5, [0.4, 0.6]) in GrowthBook: [[0, 0.2], [0.4, 0.7]].
    expect(created.ranges).toEqual([[[0, 0.2]], [[0.4, 0.7]]]);

    const listed = (await (await call(adminPath(p.id), { headers: bearer(p.admin) })).json()) as { experiments: ExperimentView[] };
    expect(listed.experiments.map((e) => e.key)).toEqual(["checkout-cta"]);
    const read = (await (await call(adminPath(p.id, "checkout-cta"), { headers: bearer(p.admin) })).json()) as ExperimentView;
    expect(read).toEqual(created);
  });

  it("runs the life cycle draft → running → stopped → archived and refuses the transitions that do not exist", async () => {
    const p = await newProject();
    await createExperiment(p.id, p.admin, "cycle");
    expect((await transition(p.id, p.admin, "cycle", "stop")).body.error.code).toBe("invalid_transition");
    const started = await transition(p.id, p.admin, "cycle", "start");
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: "running", version: 2 });
    expect(started.body.started_at).toEqual(expect.any(String));
    const archiveRunning = await transition(p.id, p.admin, "cycle", "archive");
    expect(archiveRunning.status).toBe(409);
    expect(archiveRunning.body.error.message).toContain("stop it first");
    expect((await transition(p.id, p.admin, "cycle", "stop")).body).toMatchObject({ status: "stopped", version: 3 });
    expect((await transition(p.id, p.admin, "cycle", "archive")).body).toMatchObject({ status: "archived", version: 4 });
    const change = await patchExperiment(p.id, p.admin, "cycle", { expected_version: 4, name: "late" });
    expect(change.status).toBe(409);
    expect(change.body.error.code).toBe("experiment_archived");
  });

  it("updates with expected_version, refuses a stale one, and keeps who changed what in the history", async () => {
    const p = await newProject();
    await createExperiment(p.id, p.admin, "hist");
    const first = await patchExperiment(p.id, p.admin, "hist", { expected_version: 1, name: "Renamed", weights: [0.3, 0.7] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 2, name: "Renamed" });
    expect(first.body.ranges).toEqual([[[0, 0.3]], [[0.3, 1]]]);
    const stale = await patchExperiment(p.id, p.admin, "hist", { expected_version: 1, name: "Lost update" });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: "version_conflict", details: { current_version: 2 } });

    const operatorStart = await call(adminPath(p.id, "hist", "/start"), { method: "POST", headers: { ...asOperator, "content-type": "application/json" }, body: JSON.stringify({ expected_version: 2 }) });
    expect(operatorStart.status).toBe(200);

    const history = (await (await call(adminPath(p.id, "hist", "/history"), { headers: bearer(p.admin) })).json()) as {
      history: Array<{ version: number; action: string; changed_by: string; changes: Record<string, { from: unknown; to: unknown }> }>;
    };
    expect(history.history.map((h) => [h.version, h.action, h.changed_by])).toEqual([
      [3, "start", "operator"],
      [2, "update", "jwt:admin-1"],
      [1, "create", "jwt:admin-1"],
    ]);
    expect(history.history[1]!.changes.name).toEqual({ from: "Experiment hist", to: "Renamed" });
    expect(Object.keys(history.history[1]!.changes).sort()).toEqual(["name", "ranges", "variants"]);
    expect(history.history[0]!.changes.status).toEqual({ from: "draft", to: "running" });
  });

  it("keeps a bandit draft without a decision type but refuses to start it (test/experiments/bandit.integration.test.ts has the rest)", async () => {
    const p = await newProject();
    await createExperiment(p.id, p.admin, "bandit", { allocation: "bandit" });
    const start = await transition(p.id, p.admin, "bandit", "start");
    expect([start.status, start.body.error.code]).toEqual([409, "decision_type_mismatch"]);
    expect(start.body.error.message).toContain("needs a decision_type");
    expect((await patchExperiment(p.id, p.admin, "bandit", { expected_version: 1, allocation: "fixed" })).status).toBe(200);
    expect((await transition(p.id, p.admin, "bandit", "start")).body.status).toBe("running");
  });

  it("fixes variants and seed once started", async () => {
    const p = await newProject();
    await createExperiment(p.id, p.admin, "fixed");
    await transition(p.id, p.admin, "fixed", "start");
    const res = await patchExperiment(p.id, p.admin, "fixed", { expected_version: 2, variants: [{ key: "a" }, { key: "b" }], seed: "other" });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "experiment_started" });
    expect(res.body.error.message).toContain("variants, seed");
  });

  it("answers bad input with 400 in the one error shape", async () => {
    const p = await newProject();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...experimentBody("x"), variants: [{ key: "only" }] }, "validation_failed"],
      [{ ...experimentBody("x"), variants: [{ key: "a", weight: 0.5 }, { key: "b" }] }, "invalid_experiment"],
      [{ ...experimentBody("x"), variants: [{ key: "a", weight: 0.5 }, { key: "b", weight: 0.2 }] }, "invalid_experiment"],
      [{ ...experimentBody("x"), variants: [{ key: "a" }, { key: "a" }] }, "invalid_experiment"],
      [{ ...experimentBody("x"), traffic_allocation: 101 }, "validation_failed"],
      [{ ...experimentBody("x"), primary_metric: { key: "m", type: "sum", event: "purchase" } }, "validation_failed"],
      [{ ...experimentBody("x"), guardrail_metrics: [conversion()] }, "invalid_experiment"],
      [{ ...experimentBody("x"), start_at: "2026-02-01T00:00:00Z", end_at: "2026-01-01T00:00:00Z" }, "invalid_experiment"],
      [{ ...experimentBody("Bad Key") }, "validation_failed"],
    ];
    for (const [body, code] of cases) {
      const res = await json(adminPath(p.id), body, bearer(p.admin));
      const parsed = (await res.json()) as ErrorBody;
      expect([res.status, parsed.error.code, typeof parsed.error.message]).toEqual([400, code, "string"]);
    }
    await createExperiment(p.id, p.admin, "dup");
    const dup = await json(adminPath(p.id), experimentBody("dup"), bearer(p.admin));
    expect([dup.status, ((await dup.json()) as ErrorBody).error.code]).toEqual([409, "experiment_exists"]);
    const missing = await call(adminPath(p.id, "nope"), { headers: bearer(p.admin) });
    expect([missing.status, ((await missing.json()) as ErrorBody).error.code]).toEqual([404, "experiment_not_found"]);
  });

  it("lets only the project's admins in: no token, a wrong or expired token, a user, another project's admin are refused", async () => {
    const p = await newProject();
    const other = await newProject();
    await createExperiment(p.id, p.admin, "guarded");
    const expired = await hs256({ sub: "admin-1", role: "admin", project: p.id }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const forged = await hs256({ sub: "admin-1", role: "admin", project: p.id }, { secret: new TextEncoder().encode("not-the-secret-0123456789abcdef") });
    const attempts: Array<[Record<string, string>, number]> = [
      [{}, 401],
      [bearer("not-a-token"), 401],
      [bearer(forged), 401],
      [bearer(expired), 401],
      [bearer(await p.user("u-1")), 403],
      [bearer(other.admin), 403],
    ];
    for (const [headers, status] of attempts) {
      for (const [path, method] of [[adminPath(p.id), "GET"], [adminPath(p.id, "guarded", "/start"), "POST"], [adminPath(p.id, "guarded", "/history"), "GET"]] as const) {
        const res = await call(path, { method, headers });
        const body = (await res.json()) as ErrorBody;
        expect([path, method, res.status, typeof body.error.code]).toEqual([path, method, status, "string"]);
      }
    }
    // Nothing above changed it.
    const read = (await (await call(adminPath(p.id, "guarded"), { headers: bearer(p.admin) })).json()) as ExperimentView;
    expect([read.status, read.version]).toEqual(["draft", 1]);
  });
});
