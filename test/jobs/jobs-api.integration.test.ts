// The job runner's surface: admin API with auth and project pinning, the ledger, the schedule table and wrangler's crons.
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";
import worker from "../../src/index";
import { SCHEDULE } from "../../src/jobs/schedule";
import { asOperator, bearer, call, json, newProject } from "../helpers/api";
import { askDecision } from "../decisions/helpers";
import { flushDecisions } from "../helpers/decisions";

describe("POST /v1/admin/jobs/:name", () => {
  it("runs a job for an admin, pinned to the admin's project, and records it in the ledger", async () => {
    const p = await newProject();
    const res = await json("/v1/admin/jobs/purge-analytics-events", { params: { days: 90, dry_run: true } }, bearer(p.admin));
    expect(res.status).toBe(200);
    const run = (await res.json()) as { run_id: string; status: string; message: string; details: { dry_run: boolean } };
    expect(run).toMatchObject({ status: "ok", details: { dry_run: true } });
    expect(run.message).toMatch(/^dry run: 0 events older than/);
    const ledger = (await (await call("/v1/admin/jobs/runs?job=purge_analytics_events", { headers: bearer(p.admin) })).json()) as { runs: Array<{ run_id: string; params: { project: string }; trigger: string; status: string }> };
    expect(ledger.runs[0]).toMatchObject({ run_id: run.run_id, params: { project: p.id }, trigger: "api", status: "ok" });
  });

  it("refuses users, other projects, unknown jobs and bad parameters", async () => {
    const p = await newProject();
    const other = await newProject();
    expect((await json("/v1/admin/jobs/build_bandit_dataset", { params: {} }, bearer(await p.user("u")))).status).toBe(403);
    expect((await json("/v1/admin/jobs/build_bandit_dataset", { params: { project: other.id } }, bearer(p.admin))).status).toBe(403);
    expect((await json("/v1/admin/jobs/nope", { params: {} }, asOperator)).status).toBe(404);
    const bad = await json("/v1/admin/jobs/purge_analytics_events", { params: { days: "ninety" } }, asOperator);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_job_params" } });
    expect((await json("/v1/admin/jobs/purge_analytics_events", { params: {} })).status).toBe(401);
  });

  it("answers 404 for job names that are Object.prototype's (hasOwnProperty, constructor, __proto__)", async () => {
    // Found by the fuzz property (test/fuzz/admin.fuzz.test.ts): the registry lookup found Object.prototype's
    // hasOwnProperty, ran it as a job and failed with a 500.
    for (const name of ["hasOwnProperty", "constructor", "__proto__", "toString", "valueOf"]) {
      const res = await json(`/v1/admin/jobs/${name}`, { params: {} }, asOperator);
      expect(res.status, name).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "job_not_found" } });
    }
  });

  it("purges for real without dry_run, keeping newer events and every aggregate", async () => {
    const p = await newProject();
    const now = Date.now();
    for (const [i, age] of [1, 100].entries()) {
      await env.DB.prepare("INSERT INTO events (event_id, project_id, event_name, occurred_at, received_at) VALUES (?1, ?2, 'page_view', ?3, ?3)").bind(`e${i}`, p.id, now - age * 86_400_000).run();
    }
    const dry = (await (await json("/v1/admin/jobs/purge_analytics_events", { params: { days: 90, dry_run: true } }, bearer(p.admin))).json()) as { rows_read: number; rows_written: number };
    expect(dry).toMatchObject({ rows_read: 1, rows_written: 0 });
    const real = (await (await json("/v1/admin/jobs/purge_analytics_events", { params: { days: 90 } }, bearer(p.admin))).json()) as { rows_written: number };
    expect(real.rows_written).toBe(1);
    const left = await env.DB.prepare("SELECT event_id FROM events WHERE project_id = ?1").bind(p.id).all<{ event_id: string }>();
    expect(left.results.map((r) => r.event_id)).toEqual(["e0"]);
  });
});

/** The rowid of the newest cron run so far: runs after it are the ones a test's own cron invocation made. */
async function lastCronRun(): Promise<number> {
  return (await env.DB.prepare("SELECT coalesce(max(rowid), 0) AS id FROM job_runs").first<{ id: number }>())!.id;
}

async function cronRunsAfter(rowid: number) {
  const { results } = await env.DB.prepare("SELECT job, status, message FROM job_runs WHERE trigger = 'cron' AND rowid > ?1 ORDER BY rowid").bind(rowid).all<{ job: string; status: string; message: string }>();
  return results;
}

describe("the schedule table", () => {
  it("names exactly the crons wrangler.toml triggers, and only jobs that exist", async () => {
    const crons = JSON.parse(/crons\s*=\s*(\[[^\]]*\])/.exec(wranglerToml)![1]!) as string[];
    expect(Object.keys(SCHEDULE).sort()).toEqual([...crons].sort());
    const { JOBS } = await import("../../src/jobs/registry");
    for (const runs of Object.values(SCHEDULE)) for (const run of runs) expect(JOBS[run.job]).toBeDefined();
  });

  it("runs the hourly learning and experiment jobs from the cron, in order, recorded with trigger 'cron', and each succeeds", async () => {
    const since = await lastCronRun();
    await worker.scheduled(createScheduledController({ cron: "7 * * * *", scheduledTime: Date.now() }), env, createExecutionContext());
    // Nothing has outcomes here, so the rebuild skips; the point is that neither run failed.
    expect(await cronRunsAfter(since)).toEqual([
      { job: "build_bandit_dataset", status: "ok", message: expect.any(String) },
      { job: "rebuild_bandit_stats", status: "skipped", message: "no policy had enough fresh outcomes" },
      { job: "compute_experiment_results", status: "ok", message: expect.stringContaining("experiments:") },
    ]);
  });

  it("a failed job fails the cron invocation (so the platform reports it) after the rest of the table has run", async () => {
    const p = await newProject();
    await askDecision(p.admin, { unit_id: "idea-1", context: { post_type: "carousel", objective: "sales" } });
    await flushDecisions(); // the job reads decisions from D1, where the bucket's alarm puts them
    // A real D1 failure inside build_bandit_dataset: this project's outcome rows are refused.
    const trigger = `refuse_outcomes_${p.id.replace(/[^a-z0-9]/gi, "_")}`;
    await env.DB.prepare(`CREATE TRIGGER ${trigger} BEFORE INSERT ON decision_outcomes WHEN NEW.project_id = '${p.id}' BEGIN SELECT RAISE(ABORT, 'outcome refused by the test'); END`).run();
    const since = await lastCronRun();
    let thrown: unknown;
    try {
      await worker.scheduled(createScheduledController({ cron: "7 * * * *", scheduledTime: Date.now() + 25 * 3_600_000 }), env, createExecutionContext());
    } catch (err) {
      thrown = err;
    } finally {
      await env.DB.prepare(`DROP TRIGGER ${trigger}`).run();
    }
    expect(String(thrown)).toContain("outcome refused by the test");
    expect(await cronRunsAfter(since)).toEqual([
      { job: "build_bandit_dataset", status: "failed", message: expect.stringContaining("outcome refused by the test") },
      { job: "rebuild_bandit_stats", status: "skipped", message: "no policy had enough fresh outcomes" },
      { job: "compute_experiment_results", status: "ok", message: expect.stringContaining("experiments:") },
    ]);
  });
});

describe("job parameters", () => {
  it("refuses a misspelt parameter instead of ignoring it (a typo must not turn a dry run into a purge)", async () => {
    const res = await json("/v1/admin/jobs/purge_analytics_events", { params: { dryrun: true } }, asOperator);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_job_params" } });
  });

  it("refuses an as_of outside 1970–9998 with a 400, for every job, instead of failing on the calendar (500)", async () => {
    // Found by the fuzz property (test/fuzz/admin.fuzz.test.ts): as_of 8639999999999971 (year 275760) made
    // rollup_daily_metrics compute "yesterday" from a date with a six-digit year, and the job (and request) failed.
    const p = await newProject();
    for (const asOf of [8_639_999_999_999_971, Date.UTC(9999, 0, 2), "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z"]) {
      for (const job of ["rollup_daily_metrics", "purge_analytics_events", "build_bandit_dataset", "purge_expired_exports"]) {
        const res = await json(`/v1/admin/jobs/${job}`, { params: { project: p.id, as_of: asOf } }, asOperator);
        expect(res.status, `${job} as_of ${asOf}`).toBe(400);
        expect(await res.json()).toMatchObject({ error: { code: "invalid_job_params", details: [{ path: ["as_of"] }] } });
      }
    }
    const edge = await json("/v1/admin/jobs/rollup_daily_metrics", { params: { project: p.id, as_of: Date.UTC(9999, 0, 1) - 1 } }, asOperator);
    expect(edge.status).toBe(200);
  });
});
