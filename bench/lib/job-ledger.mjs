// A job through the admin API, followed in its ledger (job_runs): read from the D1 file while the Worker writes it,
// and from GET /v1/admin/jobs/runs for the record; the invocations summarised (busy time, queue gaps, rows).
import { cpuCores } from "./cpu.mjs";
import { loadSqlite, retrying } from "./d1-file.mjs";
import { say, seconds, sleep } from "./harness.mjs";

const DatabaseSync = await loadSqlite();

/** The ledger's runs of `job` whose parameters `match`, oldest first, as GET /v1/admin/jobs/runs shows them. */
export async function ledgerRuns(worker, token, job, match) {
  const { runs } = await worker.api("GET", `/v1/admin/jobs/runs?job=${job}&limit=500`, token, undefined, { timeoutMs: 30_000 });
  return runs.filter((r) => match(r.params ?? {})).reverse();
}

/** A read-only view of job_runs in the D1 file: `runs()` answers the matching runs, oldest first, in the API's shape. */
export function ledgerReader(file, job, match) {
  const reader = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
  const stmt = reader.prepare("SELECT * FROM job_runs WHERE job = ?1 ORDER BY started_at");
  return {
    reader,
    runs: () =>
      retrying(() => stmt.all(job))
        .map((r) => ({
          run_id: r.id,
          params: JSON.parse(r.params),
          trigger: r.trigger,
          status: r.status,
          started_at: new Date(r.started_at).toISOString(),
          finished_at: r.finished_at ? new Date(r.finished_at).toISOString() : null,
          duration_ms: r.finished_at ? r.finished_at - r.started_at : null,
          rows_read: r.rows_read,
          rows_written: r.rows_written,
          message: r.message,
          continues: r.continues,
        }))
        .filter((r) => match(r.params ?? {})),
    close: () => reader.close(),
  };
}

/** Finished: nothing running, and the newest run did not hand on (its message says so; the ledger has no flag). */
export const ledgerDone = (runs) => {
  const last = runs.at(-1);
  return !!last && !runs.some((r) => r.status === "running") && last.status === "ok" && !/continuing/.test(last.message ?? "");
};

export function summariseRuns(runs, t0) {
  const invocations = runs.map((r) => ({
    trigger: r.trigger,
    status: r.status,
    started_s: seconds(Date.parse(r.started_at) - t0),
    duration_s: r.duration_ms === null ? null : seconds(r.duration_ms),
    rows_read: r.rows_read,
    rows_written: r.rows_written,
    message: r.message,
  }));
  const busyMs = runs.reduce((s, r) => s + (r.duration_ms ?? 0), 0);
  // Between one invocation's end and the next one's start: the jobs queue's delivery (and ledger writes).
  let gapMs = 0;
  for (let i = 1; i < runs.length; i++) {
    if (runs[i - 1].finished_at) gapMs += Math.max(0, Date.parse(runs[i].started_at) - Date.parse(runs[i - 1].finished_at));
  }
  return {
    invocations: invocations.length,
    failed: runs.filter((r) => r.status === "failed").length,
    busy_s: seconds(busyMs),
    queue_gaps_s: seconds(gapMs),
    rows_read: runs.reduce((s, r) => s + (r.rows_read ?? 0), 0),
    rows_written: runs.reduce((s, r) => s + (r.rows_written ?? 0), 0),
    per_invocation: invocations,
  };
}

/*
 * POST /v1/admin/jobs/<job> {params}, then the ledger until the last page has run. Under `wrangler dev` the answer can
 * arrive a whole jobs-queue page late (workerd is one thread), so the end is the last run's finished_at in the ledger,
 * not the response; the wall time runs from sending the request to it. `match` picks this call's runs (and its
 * pages') by their parameters, e.g. by as_of.
 */
export async function runJobToTheEnd(worker, token, { file, job, params, match, timeoutMs }) {
  const ledger = ledgerReader(file, job, match);
  const cpuBefore = worker.cpu();
  const t0 = Date.now();
  say(`POST /v1/admin/jobs/${job} ${JSON.stringify({ params })}`);
  let first = null;
  let firstMs = null;
  let firstError = null;
  let remoteCalls = null;
  const request = worker.callOk("POST", `/v1/admin/jobs/${job}`, { token, body: { params }, timeoutMs }).then(
    (res) => {
      first = res.json();
      remoteCalls = res.remote_calls;
      firstMs = Date.now() - t0;
    },
    (err) => {
      firstError = err;
    },
  );
  let runs = [];
  let done = false;
  let lastSay = Date.now();
  while (!done && !firstError && Date.now() - t0 <= timeoutMs) {
    runs = ledger.runs();
    done = ledgerDone(runs);
    if (Date.now() - lastSay > 30_000) {
      say(`  ${seconds(Date.now() - t0)} s: ${runs.length} invocations so far`);
      lastSay = Date.now();
    }
    if (!done) await sleep(100);
  }
  const cpu = worker.cpu();
  runs = ledger.runs();
  ledger.close();
  if (firstError) throw firstError;
  await Promise.race([request, sleep(60_000)]);
  let agrees = null;
  try {
    const api = await ledgerRuns(worker, token, job, match);
    agrees = JSON.stringify(api.map((r) => [r.run_id, r.status, r.rows_written])) === JSON.stringify(runs.map((r) => [r.run_id, r.status, r.rows_written]));
  } catch (err) {
    say(`GET /v1/admin/jobs/runs failed (the file's ledger stands): ${err.message}`);
  }
  const finished = runs.filter((r) => r.finished_at).map((r) => Date.parse(r.finished_at));
  const endMs = finished.length ? Math.max(...finished) : Date.now();
  return {
    params,
    finished: done,
    wall_ms: endMs - t0,
    wall_s: seconds(endMs - t0),
    first_response: first,
    first_response_s: firstMs === null ? null : seconds(firstMs),
    remote_calls: remoteCalls,
    ledger: summariseRuns(runs, t0),
    ledger_api_agrees: agrees,
    cpu_cores_used: cpuCores(cpuBefore, cpu),
  };
}
