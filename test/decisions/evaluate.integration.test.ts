import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { asOperator, bearer, call, hs256, json, newProject } from "../helpers/api";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0);
const BUCKET = "post_type=reel|objective=sales";

type Logged = { id: string; action: string; propensity: number; at: number; success?: number; pass1Only?: boolean; simulated?: boolean; policy?: string };

/** Writes decisions and their outcomes as the buckets' flush and build_bandit_dataset write them. */
async function logDecisions(projectId: string, rows: Logged[]) {
  const statements: D1PreparedStatement[] = [];
  for (const r of rows) {
    statements.push(
      env.DB.prepare(
        `INSERT INTO decisions (id, project_id, decision_type, unit_id, bucket, action, policy_id, policy_version, propensity, explored, simulated, created_at)
         VALUES (?1, ?2, 'image_pregen', ?3, ?4, ?5, ?6, 0, ?7, 0, ?8, ?9)`,
      ).bind(r.id, projectId, `unit-${r.id}`, BUCKET, r.action, r.policy ?? "image_pregen_bandit_v0", r.propensity, r.simulated ? 1 : 0, r.at),
    );
    if (r.success === undefined) continue;
    for (const pass of r.pass1Only ? [1] : [1, 2]) {
      statements.push(
        env.DB.prepare(
          `INSERT INTO decision_outcomes (decision_id, pass, project_id, decision_type, bucket, action, simulated, decided_at, reward, normalized_reward, learn_value, success, metrics, computed_at)
           VALUES (?1, ?2, ?3, 'image_pregen', ?4, ?5, ?6, ?7, ?8, ?8, ?8, ?8, '{}', ?9)`,
        ).bind(r.id, pass, projectId, BUCKET, r.action, r.simulated ? 1 : 0, r.at, r.success, r.at + (pass === 1 ? 1 : 24) * HOUR),
      );
    }
  }
  await env.DB.batch(statements);
}

// One earlier decision (before the window) whose outcome, computed at T0 − 5h, is all that statistics version 1
// counts; the rebuild wrote version 1 at T0 + 2h. In the window [T0, T0 + 4h):
//
//   id  at       action        logged p  success  candidate's stats  candidate p(action)
//   d1  +0.5h    pre_generate  0.5       1        none (v0)          0.5  (Thompson without statistics → deterministic 1/2)
//   d2  +1h      on_demand     0.5       0        none (v0)          0.5
//   d3  +3h      pre_generate  0.5       1        v1                 pA = 0.01 + 0.98·2/3
//   d4  +3.5h    on_demand     0.25      1        v1                 pB = 0.01 + 0.98·1/3
//   d5  +3.7h    on_demand     0.5       pass 1 only: no final outcome, left out and counted
//   d6  +3.8h    simulated: left out;  d7 at T0 + 4h: outside the window
//
// The candidate: Thompson, Beta(1,1) prior, no pooling, no ε, 1% floor. Version 1 holds pre_generate 1 success in 1,
// on_demand nothing: posteriors Beta(2,1) and Beta(1,1), P(X > Y) = ∫₀¹ 2x·x dx = 2/3. The floor mixes in w = K·f =
// 0.02 of the uniform: p = 0.02/2 + 0.98·P_TS.
const pA = 0.01 + (0.98 * 2) / 3;
const pB = 0.01 + 0.98 / 3;
// Weights w = p/logged: [1, 1, 2pA, 4pB]; rewards r = [1, 0, 1, 1].
// IPW   = (1 + 0 + 2pA + 4pB) / 4
// SNIPW = (1 + 2pA + 4pB) / (2 + 2pA + 4pB)
// Reward model per action over d1..d4: q(pre_generate) = (1 + 1)/2 = 1, q(on_demand) = (0 + 1)/2 = 0.5
// DM    = mean of Σ_a p(a)·q(a): d1, d2 → 0.5·1 + 0.5·0.5 = 0.75; d3, d4 → pA·1 + pB·0.5
// DR    = DM + mean of w·(r − q(a)): d1 0, d2 1·(0 − 0.5), d3 0, d4 4pB·(1 − 0.5)
// On-policy = 3/4
const expected = {
  ipw: (1 + 2 * pA + 4 * pB) / 4,
  snipw: (1 + 2 * pA + 4 * pB) / (2 + 2 * pA + 4 * pB),
  dm: (0.75 * 2 + (pA + 0.5 * pB) * 2) / 4,
  dr: (0.75 * 2 + (pA + 0.5 * pB) * 2 - 0.5 + 2 * pB) / 4,
  ess: (2 + 2 * pA + 4 * pB) ** 2 / (2 + 4 * pA * pA + 16 * pB * pB),
};

const thompsonNoEpsilon = {
  kind: "thompson",
  params: { priorAlpha: 1, priorBeta: 1, poolingStrength: 0, epsilon: { enabled: false, start: 0, end: 0, decayDays: 1 }, propensityFloor: 0.01 },
};
const window = { from: new Date(T0).toISOString(), to: T0 + 4 * HOUR };

async function seeded() {
  const p = await newProject();
  await logDecisions(p.id, [
    { id: `${p.id}-d0`, action: "pre_generate", propensity: 0.5, at: T0 - 29 * HOUR, success: 1 },
    { id: `${p.id}-d1`, action: "pre_generate", propensity: 0.5, at: T0 + 0.5 * HOUR, success: 1 },
    { id: `${p.id}-d2`, action: "on_demand", propensity: 0.5, at: T0 + 1 * HOUR, success: 0 },
    { id: `${p.id}-d3`, action: "pre_generate", propensity: 0.5, at: T0 + 3 * HOUR, success: 1 },
    { id: `${p.id}-d4`, action: "on_demand", propensity: 0.25, at: T0 + 3.5 * HOUR, success: 1, policy: "image_pregen_bandit_v1" },
    { id: `${p.id}-d5`, action: "on_demand", propensity: 0.5, at: T0 + 3.7 * HOUR, success: 1, pass1Only: true },
    { id: `${p.id}-d6`, action: "on_demand", propensity: 0.5, at: T0 + 3.8 * HOUR, success: 1, simulated: true },
    { id: `${p.id}-d7`, action: "on_demand", propensity: 0.5, at: T0 + 4 * HOUR, success: 1 },
  ]);
  // d0's final outcome was computed at T0 − 5h (29h − 24h): version 1's watermark.
  await env.DB.prepare(
    `INSERT INTO bandit_stats_versions (project_id, decision_type, policy_id, version, outcomes_counted, fresh_outcomes, watermark, half_life_days, created_at)
     VALUES (?1, 'image_pregen', 'image_pregen_bandit_v1', 1, 1, 1, ?2, NULL, ?3)`,
  )
    .bind(p.id, T0 - 5 * HOUR, T0 + 2 * HOUR)
    .run();
  return p;
}

type Evaluation = {
  rounds: number;
  decisions_without_outcome: number;
  logging_policy: { value: number; ci95: [number, number]; policies: Record<string, number> };
  estimates: Record<"ipw" | "snipw" | "dm" | "dr", { value: number; ci95: [number, number] }>;
  ess: number;
  stats_policy_id: string | null;
  stats_versions_used: number[];
  warnings: Array<{ code: string }>;
};

describe("POST /v1/learning/evaluate", () => {
  it("replays a Thompson candidate with the statistics version it would have had, and matches the hand computation", async () => {
    const p = await seeded();
    const res = await json("/v1/learning/evaluate", { decision_type: "image_pregen", candidate_params: thompsonNoEpsilon, ...window }, bearer(p.admin));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Evaluation;
    expect(body.rounds).toBe(4);
    expect(body.decisions_without_outcome).toBe(1);
    expect(body.logging_policy.value).toBe(0.75);
    expect(body.logging_policy.policies).toEqual({ image_pregen_bandit_v0: 3, image_pregen_bandit_v1: 1 });
    expect(body.stats_policy_id).toBe("image_pregen_bandit_v1");
    expect(body.stats_versions_used).toEqual([0, 1]);
    for (const name of ["ipw", "snipw", "dm", "dr"] as const) {
      expect(body.estimates[name].value).toBeCloseTo(expected[name], 9);
      expect(body.estimates[name].ci95[0]).toBeLessThan(body.estimates[name].value);
    }
    expect(body.ess).toBeCloseTo(expected.ess, 9);
    expect(body.warnings.map((w) => w.code)).toEqual(["few_rounds", "small_ess"]);
  });

  it("evaluates a configured policy by id: the deterministic v0 is 1/2 per action", async () => {
    const p = await seeded();
    const res = await json("/v1/learning/evaluate", { decision_type: "image_pregen", candidate_policy: "image_pregen_bandit_v0", ...window }, bearer(p.admin));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Evaluation;
    // Weights 1, 1, 1, 2; IPW = (1 + 0 + 1 + 2)/4 = 1; SNIPW = 4/5; DM = 0.75 everywhere;
    // DR = 0.75 + (0 − 0.5 + 0 + 2·0.5)/4 = 0.875.
    expect(body.estimates.ipw.value).toBeCloseTo(1, 12);
    expect(body.estimates.snipw.value).toBeCloseTo(0.8, 12);
    expect(body.estimates.dm.value).toBeCloseTo(0.75, 12);
    expect(body.estimates.dr.value).toBeCloseTo(0.875, 12);
    expect(body.stats_policy_id).toBeNull();
  });

  it("answers an empty window with no estimates and a warning", async () => {
    const p = await seeded();
    const res = await json("/v1/learning/evaluate", { decision_type: "image_pregen", candidate_policy: "image_pregen_bandit_v1", from: T0 - 100 * HOUR, to: T0 - 90 * HOUR }, bearer(p.admin));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Evaluation;
    expect(body.rounds).toBe(0);
    expect(body.estimates.ipw.value).toBeNull();
    expect(body.warnings[0]!.code).toBe("no_rounds");
  });

  it("refuses bad input with 4xx in the one error shape", async () => {
    const p = await newProject();
    const post = (b: unknown) => json("/v1/learning/evaluate", b, bearer(p.admin));
    const cases: Array<[unknown, number, string]> = [
      [{ decision_type: "image_pregen", ...window }, 400, "validation_failed"],
      [{ decision_type: "image_pregen", candidate_policy: "image_pregen_bandit_v0", candidate_params: thompsonNoEpsilon, ...window }, 400, "validation_failed"],
      [{ decision_type: "image_pregen", candidate_policy: "image_pregen_bandit_v9", ...window }, 400, "unknown_policy"],
      [{ decision_type: "image_pregen", candidate_policy: "image_pregen_bandit_v0", from: window.to, to: window.from }, 400, "validation_failed"],
      [{ decision_type: "image_pregen", candidate_policy: "image_pregen_bandit_v0", from: "yesterday", to: window.to }, 400, "validation_failed"],
      // Past any date a Date can print: refused, not a RangeError (500) when the answer writes the window.
      [{ decision_type: "image_pregen", candidate_policy: "image_pregen_bandit_v0", from: 9e15, to: 9e15 + 1000 }, 400, "validation_failed"],
      [{ decision_type: "image_pregen", candidate_params: { kind: "thompson", params: { propensityFloor: 2 } }, ...window }, 400, "validation_failed"],
      [{ decision_type: "image_pregen", candidate_policy: "image_pregen_bandit_v0", metric: "revenue", ...window }, 400, "validation_failed"],
      [{ decision_type: "nope", candidate_policy: "x", ...window }, 404, "decision_type_not_found"],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      const err = (await res.json()) as { error: { code: string; message: string } };
      expect(err.error.code).toBe(code);
      expect(typeof err.error.message).toBe("string");
    }
    const malformed = await call("/v1/learning/evaluate", { method: "POST", headers: { ...bearer(p.admin), "content-type": "application/json" }, body: "{" });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe("malformed_json");
  });

  it("is for the project's admins and the operator only", async () => {
    const p = await seeded();
    const other = await newProject();
    const body = { decision_type: "image_pregen", candidate_policy: "image_pregen_bandit_v0", ...window };
    const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
    expect((await json("/v1/learning/evaluate", body)).status).toBe(401);
    expect((await json("/v1/learning/evaluate", body, bearer(await hs256({ sub: "a", role: "admin", project: p.id }, { secret: new TextEncoder().encode("wrong-secret-0123456789abcdefghij") })))).status).toBe(401);
    expect((await json("/v1/learning/evaluate", body, bearer(await p.user("u")))).status).toBe(403);
    const wrong = await json(`/v1/learning/evaluate?project=${p.id}`, body, bearer(other.admin));
    expect(wrong.status).toBe(403);
    expect(await codeOf(wrong)).toBe("wrong_project");
    // Another project's admin sees its own (empty) project, never p's decisions.
    const own = (await (await json("/v1/learning/evaluate", body, bearer(other.admin))).json()) as Evaluation;
    expect(own.rounds).toBe(0);
    const noProject = await json("/v1/learning/evaluate", body, asOperator);
    expect(noProject.status).toBe(400);
    expect(await codeOf(noProject)).toBe("project_required");
    const asOp = (await (await json(`/v1/learning/evaluate?project=${p.id}`, body, asOperator)).json()) as Evaluation;
    expect(asOp.rounds).toBe(4);
    expect((await json("/v1/learning/evaluate", body, { "x-edgeloop-key": p.key })).status).toBeGreaterThanOrEqual(401);
  });
});
