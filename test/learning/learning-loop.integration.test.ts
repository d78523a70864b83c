// The learning loop end to end inside workerd: decision → UI events → build_bandit_dataset → rebuild_bandit_stats → the DO serves it.
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import worker from "../../src/index";
import { runJob as runJobInProcess } from "../../src/jobs/runner";
import { BASE, bearer, call, newProject } from "../helpers/api";
import { askDecision, bucketStub, type Decision } from "../decisions/helpers";
import { flushDecisions } from "../helpers/decisions";
import { armStatsOf, HOUR, outcomesOf, postDecisionEvents, runJob } from "./helpers";

const CONTEXT = { post_type: "carousel", objective: "sales" };
const BUCKET = "post_type=carousel|objective=sales";

async function decideAs(token: string, body: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  const res = await worker.fetch(
    new Request(`${BASE}/v1/decisions`, { method: "POST", headers: { "content-type": "application/json", ...bearer(token) }, body: JSON.stringify({ decision_type: "image_pregen", ...body }) }),
    { ...env, ...overrides } as never,
    createExecutionContext(),
  );
  return (await res.json()) as Decision;
}

describe("seed 000's 'Como validar', as a test", () => {
  it("decision → generate and download events → build → rebuild: the bucket's arm stats change and the DO serves the new version", async () => {
    const p = await newProject();
    // 1–3. A PostIdea created with "include image": the backend asks, and the decision is recorded.
    const decisions: Decision[] = [];
    for (let i = 0; i < 6; i++) {
      const { body } = await askDecision(p.admin, { unit_id: `idea-${i}`, context: CONTEXT, resource_type: "PostIdea", resource_id: String(i) });
      decisions.push(body);
    }
    expect(decisions.every((d) => d.policy_id === "image_pregen_bandit_v0")).toBe(true);
    // 4. The UI reports what people did: ideas 0–3 get their image downloaded, 4–5 are ignored.
    for (const [i, d] of decisions.entries()) {
      const generated = d.action === "on_demand" ? ["image_generate_clicked"] : [];
      await postDecisionEvents(p, d.decision_id, i < 4 ? [...generated, "image_download_clicked", "image_download_succeeded"] : ["idea_view_opened"]);
    }
    // 5. The jobs, as seed 000's management commands (a day later, so both windows are closed).
    const asOf = Date.now() + 25 * HOUR;
    const build = await runJob("build_bandit_dataset", { project: p.id, decision_type: "image_pregen", as_of: asOf });
    expect(build).toMatchObject({ status: "ok", rows_written: 12 });
    const [pass1, pass2] = await outcomesOf(decisions[0]!.decision_id);
    expect(pass1).toMatchObject({ pass: 1, success: 1 });
    expect(pass2).toMatchObject({ pass: 2, success: 1, bucket: BUCKET, action: decisions[0]!.action });
    expect((pass2!.metrics.counts as Record<string, number>).image_download_succeeded).toBe(1);
    expect((await outcomesOf(decisions[5]!.decision_id))[1]).toMatchObject({ success: 0 });

    expect(await armStatsOf(p.id, "image_pregen_bandit_v1")).toEqual([]);
    const rebuild = await runJob("rebuild_bandit_stats", { policy_id: "image_pregen_bandit_v1", as_of: asOf });
    expect(rebuild).toMatchObject({ status: "ok", message: "image_pregen/image_pregen_bandit_v1 v1" });
    // 6. BanditArmStat changed for the observed bucket.
    const stats = await armStatsOf(p.id, "image_pregen_bandit_v1");
    expect(stats.map((s) => s.bucket)).toEqual(stats.map(() => BUCKET));
    expect(stats.reduce((n, s) => n + Number(s.n), 0)).toBe(6);
    expect(stats.every((s) => s.version === 1)).toBe(true);

    // Re-running both changes nothing.
    expect(await runJob("build_bandit_dataset", { project: p.id, decision_type: "image_pregen", as_of: asOf })).toMatchObject({ rows_written: 0 });
    expect(await runJob("rebuild_bandit_stats", { policy_id: "image_pregen_bandit_v1", as_of: asOf })).toMatchObject({ status: "skipped" });
    expect((await armStatsOf(p.id, "image_pregen_bandit_v1")).every((s) => s.version === 1)).toBe(true);

    // The bucket's Durable Object holds version 1, and Thompson decides from it.
    const snapshot = await bucketStub({ projectId: p.id, decisionType: "image_pregen", policyId: "image_pregen_bandit_v1", bucket: BUCKET }).snapshot();
    expect(snapshot.stats.version).toBe(1);
    const next = await decideAs(p.admin, { unit_id: "idea-new", context: CONTEXT }, { IMAGE_PREGEN_POLICY_ID: "image_pregen_bandit_v1" });
    expect(next).toMatchObject({ policy_id: "image_pregen_bandit_v1", policy_version: 1, bucket: BUCKET });

    // The learning status shows the version and the jobs' ages.
    const status = (await (await call("/v1/learning/status?decision_type=image_pregen", { headers: bearer(p.admin) })).json()) as {
      jobs: Record<string, { status: string; age_seconds: number } | null>;
      decision_types: Array<{ policies: Array<{ policy_id: string; stats_version: number }> }>;
    };
    expect(status.jobs.rebuild_bandit_stats!.status).toBe("skipped");
    expect(status.jobs.build_bandit_dataset!.status).toBe("ok");
    expect(status.decision_types[0]!.policies.find((x) => x.policy_id === "image_pregen_bandit_v1")!.stats_version).toBe(1);
  });
});

describe("build_bandit_dataset", () => {
  it("computes pass 1 at T+1h and picks up a late event in the final pass at T+24h", async () => {
    const p = await newProject();
    const { body: d } = await askDecision(p.admin, { unit_id: "idea-late", context: CONTEXT });
    await flushDecisions();
    const decidedAt = (await env.DB.prepare("SELECT created_at FROM decisions WHERE id = ?1").bind(d.decision_id).first<{ created_at: number }>())!.created_at;
    await postDecisionEvents(p, d.decision_id, ["idea_view_opened"], decidedAt + 10 * 60_000);

    const early = await runJob("build_bandit_dataset", { project: p.id, as_of: decidedAt + 2 * HOUR });
    expect(early.rows_written).toBe(1); // pass 1 only: the final window is still open
    // A download that happened 3 hours later, reported late.
    await postDecisionEvents(p, d.decision_id, ["image_download_succeeded"], decidedAt + 3 * HOUR);
    const final = await runJob("build_bandit_dataset", { project: p.id, as_of: decidedAt + 25 * HOUR });
    expect(final.rows_written).toBe(1);
    const [pass1, pass2] = await outcomesOf(d.decision_id);
    expect(pass1).toMatchObject({ pass: 1, success: 0 });
    expect(pass2).toMatchObject({ pass: 2, success: 1 });
  });

  it("gives a decision with no events the spec's default reward", async () => {
    const p = await newProject();
    const { body: d } = await askDecision(p.admin, { unit_id: "idea-quiet", context: CONTEXT });
    await runJob("build_bandit_dataset", { project: p.id, as_of: Date.now() + 25 * HOUR });
    const [, pass2] = await outcomesOf(d.decision_id);
    expect(pass2).toMatchObject({ pass: 2, success: 0 });
    expect(pass2!.metrics.default_applied).toBe(true);
  });

  it("continues through the jobs queue when the input is larger than one invocation", async () => {
    const p = await newProject();
    for (let i = 0; i < 5; i++) await askDecision(p.admin, { unit_id: `idea-${i}`, context: CONTEXT });
    const first = await runJob("build_bandit_dataset", { project: p.id, as_of: Date.now() + 25 * HOUR, page_size: 1, max_pages: 1 });
    expect(first).toMatchObject({ continued: true, rows_written: 2 });
    // The rest runs as queue messages, each a run of its own in the ledger.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const n = (await env.DB.prepare("SELECT count(*) AS n FROM decision_outcomes WHERE project_id = ?1").bind(p.id).first<{ n: number }>())!.n;
      if (n === 10) break;
      if (Date.now() > deadline) throw new Error(`only ${n} of 10 outcomes after the continuation`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const { results } = await env.DB.prepare("SELECT trigger, continues FROM job_runs WHERE job = 'build_bandit_dataset' AND json_extract(params, '$.project') = ?1").bind(p.id).all<{ trigger: string; continues: string | null }>();
    expect(results.filter((r) => r.trigger === "queue").length).toBeGreaterThanOrEqual(4);
    expect(results.find((r) => r.trigger === "queue")!.continues).toBe(first.run_id);
  });
});

describe("build_bandit_dataset, overlapping runs", () => {
  /** A real D1 whose batches (the outcome writes) wait until `parties` of them arrived, round after round. */
  function batchesMeet(parties: number): D1Database {
    let round: Array<() => void> = [];
    return new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            await new Promise<void>((resolve, reject) => {
              round.push(resolve);
              if (round.length === parties) {
                const all = round;
                round = [];
                all.forEach((r) => r());
              } else setTimeout(() => reject(new Error("the other run never reached its write")), 5_000);
            });
            return target.batch(statements);
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  }

  it("two runs that read the same decisions (a cron and an API call) both succeed, and each outcome is stored once", async () => {
    const p = await newProject();
    for (let i = 0; i < 3; i++) await askDecision(p.admin, { unit_id: `idea-${i}`, context: CONTEXT });
    const asOf = Date.now() + 25 * HOUR;
    await flushDecisions();
    // Both runs select every page before either writes it, so the second write meets the first one's (decision_id, pass).
    const overlapping = { ...env, DB: batchesMeet(2) } as unknown as Env;
    const [a, b] = await Promise.all([
      runJobInProcess(overlapping, "build_bandit_dataset", { project: p.id, as_of: asOf }, "cron"),
      runJobInProcess(overlapping, "build_bandit_dataset", { project: p.id, as_of: asOf }, "api"),
    ]);
    expect(a).toMatchObject({ status: "ok", rows_written: 6 });
    expect(b).toMatchObject({ status: "ok", rows_written: 6 });
    const { results } = await env.DB.prepare("SELECT pass, count(*) AS n FROM decision_outcomes WHERE project_id = ?1 GROUP BY pass ORDER BY pass").bind(p.id).all<{ pass: number; n: number }>();
    expect(results).toEqual([
      { pass: 1, n: 3 },
      { pass: 2, n: 3 },
    ]);
  });
});

describe("rebuild_bandit_stats", () => {
  async function decisionsWithOutcomes(p: Awaited<ReturnType<typeof newProject>>, n: number, asOf: number) {
    for (let i = 0; i < n; i++) {
      const { body } = await askDecision(p.admin, { unit_id: `u-${i}-${Math.random()}`, context: CONTEXT });
      await postDecisionEvents(p, body.decision_id, ["image_download_succeeded"]);
    }
    await runJob("build_bandit_dataset", { project: p.id, as_of: asOf });
  }

  it("skips until MIN_FRESH_OUTCOMES (5) new final outcomes, then writes v1; simulated decisions never count", async () => {
    const p = await newProject();
    const asOf = Date.now() + 25 * HOUR;
    await decisionsWithOutcomes(p, 4, asOf);
    await askDecision(p.admin, { unit_id: "sim", context: CONTEXT, simulated: true });
    await runJob("build_bandit_dataset", { project: p.id, as_of: asOf });
    expect(await runJob("rebuild_bandit_stats", { project: p.id, as_of: asOf })).toMatchObject({ status: "skipped" });
    await decisionsWithOutcomes(p, 1, asOf + 1);
    const built = await runJob("rebuild_bandit_stats", { project: p.id, as_of: asOf + 1 });
    expect(built.status).toBe("ok");
    const stats = await armStatsOf(p.id, "image_pregen_bandit_v1");
    expect(stats.reduce((n, s) => n + Number(s.n), 0)).toBe(5);
  });

  it("leaves the previous version whole when the batch's last statement fails, records the failure, and succeeds on re-run", async () => {
    const p = await newProject();
    const asOf = Date.now() + 25 * HOUR;
    await decisionsWithOutcomes(p, 5, asOf);
    expect(await runJob("rebuild_bandit_stats", { project: p.id, as_of: asOf })).toMatchObject({ status: "ok" });
    const v1 = await armStatsOf(p.id, "image_pregen_bandit_v1");
    expect(v1.length).toBeGreaterThan(0);
    expect(v1.every((s) => s.version === 1)).toBe(true);
    const bucket = String(v1[0]!.bucket);
    const key = { projectId: p.id, decisionType: "image_pregen", policyId: "image_pregen_bandit_v1", bucket };
    expect((await bucketStub(key).snapshot()).stats.version).toBe(1);

    // Five fresh outcomes, so the next rebuild writes version 2: DELETE v1's rows, INSERT v2's, INSERT the version row.
    await decisionsWithOutcomes(p, 5, asOf + 1);
    // A real D1 failure in the batch's last statement only: a trigger refuses this project's version row, so every
    // read before the batch and the batch's DELETE and arm-stat INSERTs run first. Only one transaction undoes them.
    const trigger = `refuse_version_${p.id.replace(/[^a-z0-9]/gi, "_")}`;
    await env.DB.prepare(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON bandit_stats_versions WHEN NEW.project_id = '${p.id}' BEGIN SELECT RAISE(ABORT, 'version row refused by the test'); END`,
    ).run();
    let failed: Response;
    try {
      failed = await call("/v1/admin/jobs/rebuild_bandit_stats", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer test-admin-token-0123456789abcdef" },
        body: JSON.stringify({ params: { project: p.id, as_of: asOf + 1 } }),
      });
    } finally {
      await env.DB.prepare(`DROP TRIGGER ${trigger}`).run();
    }
    expect(failed.status).toBe(500);
    const ledger = await env.DB.prepare("SELECT status, message FROM job_runs WHERE job = 'rebuild_bandit_stats' AND json_extract(params, '$.project') = ?1 ORDER BY started_at DESC LIMIT 1")
      .bind(p.id)
      .first<{ status: string; message: string }>();
    expect(ledger).toMatchObject({ status: "failed", message: expect.stringContaining("version row refused by the test") });
    // Version 1 exactly as it was: the DELETE and the INSERTs rolled back with the version row.
    expect(await armStatsOf(p.id, "image_pregen_bandit_v1")).toEqual(v1);
    const versions = await env.DB.prepare("SELECT version FROM bandit_stats_versions WHERE project_id = ?1").bind(p.id).all<{ version: number }>();
    expect(versions.results).toEqual([{ version: 1 }]);
    expect((await bucketStub(key).snapshot()).stats.version).toBe(1);

    expect(await runJob("rebuild_bandit_stats", { project: p.id, as_of: asOf + 1 })).toMatchObject({ status: "ok", message: "image_pregen/image_pregen_bandit_v1 v2" });
    const v2 = await armStatsOf(p.id, "image_pregen_bandit_v1");
    expect(v2.every((s) => s.version === 2)).toBe(true);
    expect(v2.reduce((n, s) => n + Number(s.n), 0)).toBe(10);
  });
});
