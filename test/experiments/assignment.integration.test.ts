// POST /v1/experiments/:key/assignment in workerd: deterministic, sticky across weight changes, exposures once per unit.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { asOperator, BASE, bearer, call, json, newProject, waitForEvents } from "../helpers/api";
import { flushDecisions } from "../helpers/decisions";
import { chooseVariant, hashV2 } from "../../src/experiments/bucketing";
import { assign, createExperiment, patchExperiment, startedExperiment, transition } from "./helpers";

const units = (n: number, prefix = "unit") => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe("experiment assignment", () => {
  it("is deterministic: the variant is GrowthBook's hash of seed + unit id over the ranges, for every caller", async () => {
    const p = await newProject();
    const e = await startedExperiment(p.id, p.admin, "det", { seed: "det-seed", traffic_allocation: 80 });
    const seen: Record<string, number> = {};
    for (const unit of units(40)) {
      const first = await assign("det", p.admin, unit);
      expect(first.status).toBe(200);
      const index = chooseVariant(hashV2("det-seed", unit), e.ranges);
      expect(first.body).toEqual({ variant: index < 0 ? "control" : e.variants[index]!.key, in_experiment: index >= 0, experiment_id: e.id });
      // The unit itself, and the operator, get the same answer.
      expect((await assign("det", await p.user(unit), unit)).body).toEqual(first.body);
      const byOperator = await json(`/v1/experiments/det/assignment?project=${p.id}`, { unit_id: unit }, asOperator);
      expect(await byOperator.json()).toEqual(first.body);
      const key = first.body.in_experiment ? first.body.variant : "out";
      seen[key] = (seen[key] ?? 0) + 1;
    }
    // 80% allocation over 40 units: both variants and some outside.
    expect(Object.keys(seen).sort()).toEqual(["control", "out", "treatment"]);
  }, 60_000);

  it("is sticky: raising the allocation and re-weighting keeps every unit in its variant; a change that cannot is refused", async () => {
    const p = await newProject();
    await startedExperiment(p.id, p.admin, "sticky", { traffic_allocation: 50 });
    const before = new Map<string, { variant: string; in_experiment: boolean }>();
    const answers = await Promise.all(units(160).map((unit) => assign("sticky", p.admin, unit)));
    answers.forEach((a, i) => before.set(`unit-${i}`, a.body));

    // GrowthBook's ranges for 60/40 at 100% would move [0.5, 0.6) from the treatment to the control: ours keep it.
    const changed = await patchExperiment(p.id, p.admin, "sticky", { expected_version: 2, weights: [0.6, 0.4], traffic_allocation: 100 });
    expect(changed.status).toBe(200);
    expect(changed.body.ranges).toEqual([[[0, 0.5], [0.75, 0.85]], [[0.5, 0.75], [0.85, 1]]].map((owned) => owned.map((r) => r.map((x) => expect.closeTo(x, 9)))));

    let entered = 0;
    const after = { control: 0, treatment: 0 };
    const again = await Promise.all(units(160).map((unit) => assign("sticky", p.admin, unit)));
    for (const [i, unit] of units(160).entries()) {
      const now = again[i]!.body;
      const was = before.get(unit)!;
      if (was.in_experiment) expect([unit, now.in_experiment, now.variant]).toEqual([unit, true, was.variant]);
      else if (now.in_experiment) entered++;
      after[now.variant as "control" | "treatment"]++;
    }
    expect(entered).toBeGreaterThan(40);
    // Every unit is in now; the control's larger share shows.
    expect(after.control).toBeGreaterThan(after.treatment);

    const shrink = await patchExperiment(p.id, p.admin, "sticky", { expected_version: 3, weights: [0.9, 0.1] });
    expect(shrink.status).toBe(409);
    expect(shrink.body.error).toMatchObject({ code: "would_reassign_units", details: { shrinking: ["treatment"] } });
  }, 60_000);

  it("records one $exposure per unit through the events queue, with the variant, and none outside the experiment", async () => {
    const p = await newProject();
    const e = await startedExperiment(p.id, p.admin, "expo");
    for (let i = 0; i < 3; i++) expect((await assign("expo", p.admin, "repeat-unit", { attributes: { plan: "pro" } })).status).toBe(200);
    const answer = (await assign("expo", p.admin, "repeat-unit")).body;
    const rows = await waitForEvents(p.id, 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event_name: "$exposure", user_id: "repeat-unit", resource_type: "experiment", resource_id: e.id, src: "assignment", context: JSON.stringify({ plan: "pro" }) });
    expect(JSON.parse(rows[0]!.properties as string)).toEqual({ experiment_key: "expo", variant: answer.variant });

    await transition(p.id, p.admin, "expo", "stop");
    const stopped = await assign("expo", p.admin, "late-unit");
    expect(stopped.body).toEqual({ variant: "control", in_experiment: false, experiment_id: e.id });
  });

  it("answers the control, outside the experiment, before it starts, and outside its start/end window", async () => {
    const p = await newProject();
    const draft = await createExperiment(p.id, p.admin, "draft-one");
    expect((await assign("draft-one", p.admin, "u")).body).toEqual({ variant: "control", in_experiment: false, experiment_id: draft.id });
    const future = await startedExperiment(p.id, p.admin, "future", { start_at: new Date(Date.now() + 86_400_000).toISOString() });
    expect((await assign("future", p.admin, "u")).body).toMatchObject({ variant: "control", in_experiment: false, experiment_id: future.id });
  });

  it("lets a user token ask only for itself, and answers bad input with 4xx in the one shape", async () => {
    const p = await newProject();
    const other = await newProject();
    await startedExperiment(p.id, p.admin, "guard");
    const own = await assign("guard", await p.user("alice"), "alice");
    expect(own.status).toBe(200);
    const cases: Array<[Promise<{ status: number; body: { error: { code: string } } }>, number, string]> = [
      [assign("guard", await p.user("alice"), "bob"), 403, "forbidden"],
      [assign("guard", other.admin, "bob"), 404, "experiment_not_found"],
      [assign("nope", p.admin, "bob"), 404, "experiment_not_found"],
      [assign("guard", p.admin, ""), 400, "validation_failed"],
      [assign("guard", p.admin, "someone@example.com"), 400, "pii_value"],
      [assign("guard", p.admin, "bob", { attributes: { email: "bob@example.com" } }), 400, "pii_key"],
      [assign("Bad Key!", p.admin, "bob"), 400, "validation_failed"],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect([res.status, res.body.error.code]).toEqual([status, code]);
    }
    const noToken = await json("/v1/experiments/guard/assignment", { unit_id: "bob" });
    expect(noToken.status).toBe(401);
    const wrongProject = await json(`/v1/experiments/guard/assignment?project=${other.id}`, { unit_id: "bob" }, bearer(p.admin));
    expect(wrongProject.status).toBe(403);
  });
});

describe("the experiment cache on the assignment path", () => {
  // The tests' REGISTRY_CACHE_SECONDS is 0; this deployment caches for a minute, as production does (30 s).
  const cachingEnv = { ...env, REGISTRY_CACHE_SECONDS: "60" };
  async function send(method: string, path: string, token: string, body: unknown) {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`${BASE}${path}`, { method, headers: { "content-type": "application/json", ...bearer(token) }, body: JSON.stringify(body) }), cachingEnv as never, ctx);
    await waitOnExecutionContext(ctx);
    return { status: res.status, body: (await res.json()) as { variant: string; in_experiment: boolean } };
  }

  it("serves a warm experiment without reading D1, and forgets it when the experiment is changed through the API", async () => {
    const p = await newProject();
    await startedExperiment(p.id, p.admin, "cached");
    const unit = units(50).find((u) => hashV2("cached", u) >= 0.5)!;
    expect((await send("POST", "/v1/experiments/cached/assignment", p.admin, { unit_id: unit })).body).toMatchObject({ variant: "treatment", in_experiment: true });

    // Behind the API's back, D1 now gives the whole hash space to the control: a read of D1 would answer "control".
    await env.DB.prepare("UPDATE experiments SET ranges = ?1 WHERE project_id = ?2 AND key = 'cached'").bind(JSON.stringify([[[0, 1]], []]), p.id).run();
    expect((await send("POST", "/v1/experiments/cached/assignment", p.admin, { unit_id: unit })).body).toMatchObject({ variant: "treatment", in_experiment: true });

    // A change through the admin API drops this isolate's copy at once.
    expect((await send("PATCH", `/v1/admin/projects/${p.id}/experiments/cached`, p.admin, { expected_version: 2, name: "Renamed" })).status).toBe(200);
    expect((await send("POST", "/v1/experiments/cached/assignment", p.admin, { unit_id: unit })).body).toMatchObject({ variant: "control", in_experiment: true });
  });
});

describe("decisions under an experiment", () => {
  it("carry the experiment_id the assignment answered, in the decision's row and its read", async () => {
    const p = await newProject();
    const e = await startedExperiment(p.id, p.admin, "pregen", { decision_type: "image_pregen" });
    const assigned = (await assign("pregen", p.admin, "idea-7")).body;
    const res = await json("/v1/decisions", { decision_type: "image_pregen", unit_id: "idea-7", context: { post_type: "reel" }, experiment_id: assigned.experiment_id }, bearer(p.admin));
    expect(res.status).toBe(200);
    const decision = (await res.json()) as { decision_id: string };
    await flushDecisions();
    const row = await env.DB.prepare("SELECT experiment_id FROM decisions WHERE project_id = ?1 AND id = ?2").bind(p.id, decision.decision_id).first<{ experiment_id: string }>();
    expect(row).toEqual({ experiment_id: e.id });
    const read = await call(`/v1/decisions/${decision.decision_id}`, { headers: bearer(p.admin) });
    expect(await read.json()).toMatchObject({ decision_id: decision.decision_id, experiment_id: e.id });

    const outside = await json("/v1/decisions", { decision_type: "image_pregen", unit_id: "idea-8", context: {} }, bearer(p.admin));
    const outsideId = ((await outside.json()) as { decision_id: string }).decision_id;
    expect(await (await call(`/v1/decisions/${outsideId}`, { headers: bearer(p.admin) })).json()).toMatchObject({ experiment_id: null });

    const bad = await json("/v1/decisions", { decision_type: "image_pregen", unit_id: "idea-9", context: {}, experiment_id: "not-an-id" }, bearer(p.admin));
    expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([400, "validation_failed"]);
  });
});
