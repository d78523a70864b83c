// npm run bench:ingest — the ingest path's throughput against its floor, and how fast the consumer drains it into D1.
//
// 1. Snapshots the Worker's sources (working tree, or BENCH_REF=<git ref>) into a temp dir, so an edit made while the
//    benchmark runs cannot make `wrangler dev` reload mid-measurement; applies the D1 migrations to a fresh persist dir.
// 2. Starts `wrangler dev` on 127.0.0.1 with the bench routes on and the rate limits lifted; creates a project and key.
// 3. Drives autocannon for BENCH_DURATION seconds with BENCH_CONNECTIONS connections, every request a fresh batch of
//    50 events with unique event_ids: first POST /__bench/noop (the floor: same routing and logging, no work),
//    then POST /v1/events. Accepted events are counted from each 202's `accepted` and `event_ids`.
// 4. Waits until every accepted event_id is in D1 (bounded by BENCH_DRAIN_TIMEOUT), sampling the row count as it goes.
// 5. Prints the figures and writes them as JSON to bench/results/ingest-<timestamp>.json.
//
// Settings (environment): BENCH_DURATION (s, default 15), BENCH_CONNECTIONS (10), BENCH_BATCH_SIZE (50),
// BENCH_WARMUP (s per route before measuring, default 2; 0 skips), BENCH_DRAIN_TIMEOUT (s, 300),
// BENCH_REF (benchmark a git ref instead of the working tree), BENCH_KEEP_TMP=1 (keep the temp dir and its logs).
import autocannon from "autocannon";
import { execFile, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort, git, snapshotSources, wrangler, wranglerEnv, WORKER_FILES } from "./lib/harness.mjs";

const execFileP = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS_DIR = path.join(ROOT, "bench", "results");
// What `wrangler dev` needs to build and run the Worker (src/ops/routes.ts imports package.json).
const PROJECT_ID = "bench";
const D1_POLL_MS = 250;

function intSetting(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got '${raw}'`);
  return n;
}

const settings = {
  duration_s: intSetting("BENCH_DURATION", 15),
  connections: intSetting("BENCH_CONNECTIONS", 10),
  batch_size: intSetting("BENCH_BATCH_SIZE", 50),
  warmup_s: intSetting("BENCH_WARMUP", 2, 0),
  drain_timeout_s: intSetting("BENCH_DRAIN_TIMEOUT", 300),
  source_ref: process.env.BENCH_REF || null,
};
const keepTmp = process.env.BENCH_KEEP_TMP === "1";

// ---------------------------------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
const say = (msg) => console.log(`[bench] ${msg}`);

// ---------------------------------------------------------------------------------------------------------------------
// The Worker under test

let devChild = null;

function stopDev() {
  if (!devChild || devChild.exitCode !== null || devChild.signalCode !== null) return Promise.resolve();
  const child = devChild;
  return new Promise((resolve) => {
    const done = () => resolve();
    child.once("exit", done);
    try {
      process.kill(-child.pid, "SIGTERM"); // the whole group: npx, wrangler's node, workerd
    } catch {
      return resolve();
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      setTimeout(done, 500);
    }, 5000).unref();
  });
}

// A last resort when the process is going down without the normal cleanup (Ctrl-C, an uncaught error).
function killDevSync() {
  if (devChild && devChild.exitCode === null && devChild.signalCode === null) {
    try {
      process.kill(-devChild.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
let tmpDir = null;
process.on("exit", killDevSync);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    killDevSync();
    if (tmpDir && !keepTmp) fs.rmSync(tmpDir, { recursive: true, force: true });
    process.exit(130);
  });
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

async function startDev(appDir, persistDir, logFile, secrets) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const vars = {
    ENABLE_BENCH_ROUTES: "true",
    ADMIN_TOKEN: secrets.adminToken,
    JWT_SECRET: secrets.jwtSecret,
    USER_ID_SALT: secrets.userIdSalt,
    INGEST_RATE_LIMIT_PER_MINUTE: "100000000",
    IP_RATE_LIMIT_PER_MINUTE: "100000000",
    ADMIN_RATE_LIMIT_PER_MINUTE: "100000",
  };
  const args = [
    "wrangler", "dev",
    "--ip", "127.0.0.1",
    "--port", String(port),
    "--inspector-ip", "127.0.0.1",
    "--inspector-port", String(inspectorPort),
    "--persist-to", persistDir,
    "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const out = fs.openSync(logFile, "a");
  devChild = spawn("npx", args, { cwd: appDir, env: wranglerEnv, detached: true, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (devChild.exitCode !== null || devChild.signalCode !== null) {
      throw new Error(`wrangler dev exited (${devChild.exitCode ?? devChild.signalCode}) before it was ready:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return base;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`GET /healthz did not answer 200 within 90 s:\n${tail(logFile)}`);
}

async function api(base, method, pathname, token, body) {
  const res = await fetch(`${base}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathname} → ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------------------------------
// D1: read the local database file directly (read-only; local D1 is a WAL-mode SQLite file, so a reader never blocks
// the Worker's writes). Fast enough to sample every 250 ms; the final count is confirmed with `wrangler d1 execute`.

async function openD1Reader(persistDir) {
  // node:sqlite prints an ExperimentalWarning on import; it is expected here.
  const emit = process.emitWarning;
  process.emitWarning = (w, ...rest) => (String(w).includes("SQLite") ? undefined : emit.call(process, w, ...rest));
  const { DatabaseSync } = await import("node:sqlite");
  process.emitWarning = emit;
  const dir = path.join(persistDir, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  for (const f of files) {
    const db = new DatabaseSync(path.join(dir, f), { readOnly: true, timeout: 5000 });
    const hasEvents = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
    if (hasEvents) {
      const count = db.prepare("SELECT count(*) AS n FROM events WHERE project_id = ?");
      const ids = db.prepare("SELECT event_id FROM events WHERE project_id = ?");
      const deadLetters = db.prepare("SELECT count(*) AS n FROM dead_letters");
      // A WAL reader can meet SQLITE_BUSY for an instant while the writer resets the log: retry.
      const retrying = (fn) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return fn();
          } catch (err) {
            if (attempt >= 20) throw err;
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
          }
        }
      };
      return {
        file: path.join(dir, f),
        count: () => retrying(() => Number(count.get(PROJECT_ID).n)),
        ids: () => retrying(() => new Set(ids.all(PROJECT_ID).map((r) => r.event_id))),
        deadLetters: () => retrying(() => Number(deadLetters.get().n)),
        close: () => db.close(),
      };
    }
    db.close();
  }
  throw new Error(`No local D1 database with an events table under ${dir}`);
}

async function d1CountViaWrangler(appDir, persistDir) {
  const { stdout } = await wrangler(appDir, [
    "d1", "execute", "DB", "--local", "--persist-to", persistDir, "--json",
    "--command", `SELECT count(*) AS n FROM events WHERE project_id = '${PROJECT_ID}'`,
  ]);
  const parsed = JSON.parse(stdout.slice(stdout.indexOf("[")));
  return Number(parsed[0].results[0].n);
}

// ---------------------------------------------------------------------------------------------------------------------
// CPU: who used the machine during a phase (Linux /proc; null elsewhere). The load generator and the Worker share
// the same CPUs, and anything else running on the machine shows up as "other".

let clkTck = 100;
try {
  clkTck = Number((await execFileP("getconf", ["CLK_TCK"])).stdout.trim()) || 100;
} catch {
  // keep 100
}

/** CPU seconds used so far by the process group, in all and by program (workerd, node: wrangler itself, npm). */
function groupCpuSeconds(pgid) {
  let ticks = 0;
  const byProgram = {};
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
      if (Number(f[2]) !== pgid) continue; // f[2] is pgrp
      const t = Number(f[11]) + Number(f[12]); // utime + stime
      const program = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      ticks += t;
      byProgram[program] = (byProgram[program] ?? 0) + t / clkTck;
    } catch {
      // the process ended while we looked
    }
  }
  return { total: ticks / clkTck, byProgram };
}

function machineBusySeconds() {
  const [, ...v] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const n = v.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal
  return (total - n[3] - n[4]) / clkTck; // minus idle and iowait
}

function cpuSnapshot() {
  if (process.platform !== "linux" || !devChild) return null;
  const u = process.cpuUsage();
  const group = groupCpuSeconds(devChild.pid);
  return { t: Date.now(), worker: group.total, workerByProgram: group.byProgram, bench: (u.user + u.system) / 1e6, machine: machineBusySeconds() };
}

/** CPU cores in use on average between two snapshots. */
function cpuCores(a, b) {
  if (!a || !b) return null;
  const s = (b.t - a.t) / 1000;
  const worker = (b.worker - a.worker) / s;
  const bench = (b.bench - a.bench) / s;
  const machine = (b.machine - a.machine) / s;
  const byProgram = {};
  for (const [k, v] of Object.entries(b.workerByProgram)) {
    const used = (v - (a.workerByProgram[k] ?? 0)) / s;
    if (used >= 0.005) byProgram[k] = round(used, 2);
  }
  return {
    worker_stack: round(worker, 2),
    worker_stack_by_program: byProgram,
    load_generator: round(bench, 2),
    other_processes: round(Math.max(0, machine - worker - bench), 2),
    machine_busy: round(machine, 2),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Load

let seq = 0;
function makeBatch(size) {
  const events = [];
  for (let i = 0; i < size; i++) {
    const n = ++seq;
    events.push({
      event_id: randomUUID(),
      event_name: "page_view",
      user_id: `u-${n % 1000}`,
      client_session_id: randomUUID(),
      src: "bench",
      properties: { page: `/p/${n % 100}`, n },
    });
  }
  return JSON.stringify(events);
}

/** One autocannon run; every request carries a new batch. Tallies what each response said. */
async function drive(base, route, headers, durationS, { collectIds = false } = {}) {
  const cpuBefore = cpuSnapshot();
  const tally = { accepted: 0, rejected_events: 0, acceptedIds: collectIds ? new Set() : null, duplicate_ids: 0, statuses: {}, samples: [], rejectionSamples: [] };
  const result = await autocannon({
    url: base,
    connections: settings.connections,
    duration: durationS,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path: route,
        headers: { "content-type": "application/json", ...headers },
        setupRequest: (req) => ({ ...req, body: makeBatch(settings.batch_size) }),
        onResponse: (status, body) => {
          tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
          if (status !== 202) {
            if (tally.samples.length < 5) tally.samples.push({ status, body: String(body).slice(0, 500) });
            return;
          }
          let parsed;
          try {
            parsed = JSON.parse(body);
          } catch {
            if (tally.samples.length < 5) tally.samples.push({ status, body: `unparseable: ${String(body).slice(0, 300)}` });
            return;
          }
          tally.accepted += Number(parsed.accepted) || 0;
          if (Array.isArray(parsed.rejected) && parsed.rejected.length > 0) {
            tally.rejected_events += parsed.rejected.length;
            if (tally.rejectionSamples.length < 5) tally.rejectionSamples.push(parsed.rejected.slice(0, 3));
          }
          if (tally.acceptedIds && Array.isArray(parsed.event_ids)) {
            for (const id of parsed.event_ids) {
              if (tally.acceptedIds.has(id)) tally.duplicate_ids++;
              else tally.acceptedIds.add(id);
            }
          }
        },
      },
    ],
  });
  return { result, tally, cpu: cpuCores(cpuBefore, cpuSnapshot()) };
}

function phaseFigures(name, route, { result, tally, cpu }) {
  const seconds = result.duration; // autocannon's measured duration, in seconds
  const completed = result.requests.total;
  const ok = result["2xx"];
  return {
    name,
    route,
    duration_s: round(seconds, 2),
    requests_completed: completed,
    requests_per_s: round(completed / seconds),
    responses_2xx: ok,
    non_2xx: result.non2xx,
    status_counts: tally.statuses,
    socket_errors: result.errors,
    timeouts: result.timeouts,
    // The floor accepts nothing; its "events/s" is the batch rate it could carry (2xx × batch size).
    events_offered_per_s: round((ok * settings.batch_size) / seconds),
    events_accepted: tally.accepted,
    events_accepted_per_s: round(tally.accepted / seconds),
    events_rejected: tally.rejected_events,
    latency_ms: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      mean: round(result.latency.average, 2),
      max: result.latency.max,
    },
    throughput_mb_per_s: round(result.throughput.average / 1e6, 2),
    cpu_cores_used: cpu,
    error_samples: tally.samples,
    rejection_samples: tally.rejectionSamples,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Drain

/** Polls D1 until every id in `ids` is there (or the deadline passes). Returns the timeline and when it completed. */
async function waitForDrain(reader, baseline, ids, timeline, deadlineMs) {
  const target = baseline + ids.size;
  let lastIdCheck = 0;
  for (;;) {
    const now = Date.now();
    const n = reader.count();
    timeline.push([now, n]);
    // The count can overshoot: requests in flight when autocannon stopped were accepted but never counted. So a count
    // at or above the target is confirmed by checking the ids themselves.
    if (n >= target && now - lastIdCheck >= 1000) {
      lastIdCheck = now;
      const present = reader.ids();
      let missing = 0;
      for (const id of ids) if (!present.has(id)) missing++;
      if (missing === 0) return { complete: true, at: now, missing: 0 };
    }
    if (now > deadlineMs) {
      const present = reader.ids();
      let missing = 0;
      for (const id of ids) if (!present.has(id)) missing++;
      return { complete: missing === 0, at: missing === 0 ? now : null, missing };
    }
    await sleep(D1_POLL_MS);
  }
}

/** Waits until the row count has not moved for quietMs (the consumer's max_batch_timeout is 2 s). */
async function waitForQuiet(reader, quietMs, maxMs) {
  const end = Date.now() + maxMs;
  let last = reader.count();
  let since = Date.now();
  while (Date.now() < end) {
    await sleep(D1_POLL_MS);
    const n = reader.count();
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
  return last;
}

// ---------------------------------------------------------------------------------------------------------------------
// What the Worker logged

function analyseLog(logFile, fromByte = 0) {
  const counts = {};
  const requestStatuses = {};
  const samples = [];
  let consumerBatches = 0;
  let consumerRows = 0;
  let runtimeErrorLines = 0;
  const queue = { deliveries: 0, messages: 0, acked: 0, partial_deliveries: 0, total_ms: 0 };
  let text = "";
  try {
    text = fs.readFileSync(logFile).subarray(fromByte).toString("utf8");
  } catch {
    return null;
  }
  for (const line of text.split("\n")) {
    // wrangler's own line per consumer invocation: "QUEUE edgeloop-events <acked>/<delivered> (<ms>ms)"
    const q = /QUEUE edgeloop-events (\d+)\/(\d+) \((\d+)ms\)/.exec(line);
    if (q) {
      queue.deliveries++;
      queue.acked += Number(q[1]);
      queue.messages += Number(q[2]);
      queue.total_ms += Number(q[3]);
      if (q[1] !== q[2]) queue.partial_deliveries++;
      continue;
    }
    const start = line.indexOf("{\"level\"");
    if (start >= 0) {
      let entry;
      try {
        entry = JSON.parse(line.slice(start));
      } catch {
        continue;
      }
      if (entry.msg === "request") {
        const key = `${entry.method} ${entry.path} ${entry.status}`;
        requestStatuses[key] = (requestStatuses[key] ?? 0) + 1;
        continue;
      }
      if (entry.msg === "events_written") {
        consumerBatches++;
        consumerRows += Number(entry.count) || 0;
        continue;
      }
      const key = `${entry.level} ${entry.msg}`;
      counts[key] = (counts[key] ?? 0) + 1;
      if ((entry.level === "error" || entry.level === "warn") && samples.length < 10) samples.push(line.slice(start, start + 600));
    } else if (/\b(Error|ERROR|Uncaught|✘)\b/.test(line) && !/workers\.cloudflare\.com|Request\.cf/.test(line)) {
      runtimeErrorLines++;
      if (samples.length < 10) samples.push(line.slice(0, 600));
    }
  }
  return {
    request_log: requestStatuses,
    other_log_lines: counts,
    consumer_batches_written: consumerBatches,
    consumer_rows_written: consumerRows,
    consumer_mean_batch: consumerBatches ? round(consumerRows / consumerBatches, 1) : null,
    queue_deliveries: {
      count: queue.deliveries,
      messages: queue.messages,
      acked: queue.acked,
      not_fully_acked: queue.partial_deliveries,
      mean_ms: queue.deliveries ? round(queue.total_ms / queue.deliveries, 1) : null,
    },
    runtime_error_lines: runtimeErrorLines,
    warn_error_samples: samples,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Report

function printReport(r) {
  const f = r.floor;
  const g = r.ingest;
  const d = r.drain;
  const pad = (s, n) => String(s ?? "—").padStart(n);
  const row = (label, a, b, ratio) => console.log(`  ${label.padEnd(30)}${pad(a, 15)}${pad(b, 15)}${pad(ratio, 15)}`);
  console.log("");
  console.log(`edgeloop ingest benchmark — ${r.started_at}`);
  console.log(
    `  ${settings.duration_s} s per route, ${settings.connections} connections, ${settings.batch_size} events per request, ` +
      `source ${r.source.ref ?? "working tree"} @ ${(r.source.commit ?? "?").slice(0, 12)}${r.source.dirty_files.length ? " (dirty)" : ""}, ` +
      `${r.machine.cpus} CPUs (load generator and Worker share them), load average ${r.machine.loadavg_at_start.join(" ")} at start`,
  );
  console.log("");
  row("", "floor (noop)", "/v1/events", "ingest/floor");
  row("requests/s", f.requests_per_s, g.requests_per_s, round(g.requests_per_s / f.requests_per_s, 3));
  row("events/s (floor: offered)", f.events_offered_per_s, g.events_accepted_per_s, round(g.events_accepted_per_s / f.events_offered_per_s, 3));
  row("latency p50 (ms)", f.latency_ms.p50, g.latency_ms.p50, round(g.latency_ms.p50 / f.latency_ms.p50, 2));
  row("latency p99 (ms)", f.latency_ms.p99, g.latency_ms.p99, round(g.latency_ms.p99 / f.latency_ms.p99, 2));
  row("latency mean (ms)", f.latency_ms.mean, g.latency_ms.mean, round(g.latency_ms.mean / f.latency_ms.mean, 2));
  row("non-2xx / socket errors", `${f.non_2xx} / ${f.socket_errors}`, `${g.non_2xx} / ${g.socket_errors}`, "");
  const cores = (p, k) => p.cpu_cores_used?.[k];
  row("CPU cores: Worker stack", cores(f, "worker_stack"), cores(g, "worker_stack"), "");
  row("CPU cores: load generator", cores(f, "load_generator"), cores(g, "load_generator"), "");
  row("CPU cores: other processes", cores(f, "other_processes"), cores(g, "other_processes"), "");
  const progs = (p) => Object.entries(p.cpu_cores_used?.worker_stack_by_program ?? {}).map(([k, v]) => `${k} ${v}`).join(", ");
  if (f.cpu_cores_used) console.log(`  (Worker stack by program — floor: ${progs(f)}; ingest: ${progs(g)})`);
  console.log("");
  console.log(`  events accepted (202 'accepted')   ${g.events_accepted}   (rejected in 202s: ${g.events_rejected})`);
  console.log(`  accepted events in D1              ${d.accepted_ids_in_d1} of ${d.accepted_unique_ids}${d.complete ? "  ✓ all" : `  ✗ INCOMPLETE after ${settings.drain_timeout_s} s`}`);
  console.log(`  rows in D1 for the run             ${d.rows_in_d1_final} (wrangler d1 execute: ${d.rows_in_d1_wrangler ?? "n/a"}; extra rows from requests in flight at stop: ${d.rows_from_uncounted_requests})`);
  console.log(`  drain, overall                     ${pad(d.drain_rows_per_s, 8)} rows/s   (accepted rows ÷ time from load start until the last one was in D1: ${d.load_start_to_all_in_d1_s} s)`);
  console.log(`  drain, during load                 ${pad(d.rows_per_s_during_load, 8)} rows/s   (rows in D1 at load end ÷ load time)`);
  console.log(`  drain, after load                  ${pad(d.catch_up_rows_per_s, 8)} rows/s   (backlog of ${d.backlog_at_load_end} rows at load end ÷ ${d.load_end_to_all_in_d1_s} s to clear it)`);
  const L = r.worker_log_ingest_phase;
  const q = L?.queue_deliveries;
  console.log(`  consumer (ingest phase on)         ${q?.count ?? "—"} deliveries, mean ${L?.consumer_mean_batch ?? "—"} rows, ${q?.mean_ms ?? "—"} ms each; not fully acked: ${q?.not_fully_acked ?? "—"}; dead letters: ${d.dead_letters}`);
  if (d.cpu_cores_used_after_load) {
    const c = d.cpu_cores_used_after_load;
    console.log(`  CPU cores while draining           Worker stack ${c.worker_stack}, other processes ${c.other_processes}`);
  }
  const other = r.worker_log?.other_log_lines ?? {};
  const problems = Object.entries(other).filter(([k]) => k.startsWith("warn") || k.startsWith("error"));
  console.log(`  Worker warnings/errors (session)   ${problems.map(([k, v]) => `${k} ×${v}`).join(", ") || "none"}; runtime error lines: ${r.worker_log?.runtime_error_lines ?? 0}`);
  const statuses = Object.entries(r.worker_log?.request_log ?? {}).filter(([k]) => !/ 2\d\d$/.test(k));
  if (statuses.length) console.log(`  non-2xx in the Worker's request log ${statuses.map(([k, v]) => `${k} ×${v}`).join(", ")}`);
  for (const p of [f, g]) {
    if (p.error_samples.length) {
      console.log(`\n  ${p.route}: non-202 samples`);
      for (const s of p.error_samples) console.log(`    ${s.status} ${s.body}`);
    }
    if (p.rejection_samples.length) console.log(`  ${p.route}: rejection samples ${JSON.stringify(p.rejection_samples)}`);
  }
  console.log("");
}

// ---------------------------------------------------------------------------------------------------------------------

async function main() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 5)) {
    console.error(`[bench] Node ${process.versions.node}: this needs Node ≥ 22.5 (wrangler 4 and node:sqlite). Run it as \`npm run bench:ingest\`.`);
    process.exit(1);
  }
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((x) => round(x, 2));
  if (loadAtStart[0] > os.cpus().length / 2) {
    say(`warning: the machine is busy (load average ${loadAtStart.join(" ")} on ${os.cpus().length} CPUs); figures will be lower and noisier`);
  }
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "edgeloop-bench-"));
  tmpDir = tmp;
  const appDir = path.join(tmp, "app");
  const persistDir = path.join(tmp, "state");
  const logFile = path.join(tmp, "wrangler-dev.log");
  let reader = null;
  try {
    const [commit, dirty] = await Promise.all([git("rev-parse", settings.source_ref ?? "HEAD"), git("status", "--porcelain", "--", ...WORKER_FILES)]);
    const source = {
      ref: settings.source_ref,
      commit,
      dirty_files: settings.source_ref ? [] : (dirty ?? "").split("\n").filter(Boolean),
      snapshot_sha256_16: await snapshotSources(appDir, settings.source_ref),
    };
    say(`temp dir ${tmp}; source ${source.ref ?? "working tree"} @ ${commit?.slice(0, 12)}${source.dirty_files.length ? ` (${source.dirty_files.length} uncommitted changes)` : ""}`);

    say("applying D1 migrations");
    await wrangler(appDir, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir]);

    const secrets = { adminToken: randomBytes(16).toString("hex"), jwtSecret: randomBytes(16).toString("hex"), userIdSalt: randomBytes(16).toString("hex") };
    say("starting wrangler dev");
    const devStart = Date.now();
    const base = await startDev(appDir, persistDir, logFile, secrets);
    say(`ready on ${base} after ${((Date.now() - devStart) / 1000).toFixed(1)} s`);

    await api(base, "POST", "/v1/admin/projects", secrets.adminToken, { id: PROJECT_ID, name: "Benchmark" });
    const { key } = await api(base, "POST", `/v1/admin/projects/${PROJECT_ID}/keys`, secrets.adminToken, { allowed_origins: ["*"] });
    const headers = { "x-edgeloop-key": key };
    reader = await openD1Reader(persistDir);

    if (settings.warmup_s > 0) {
      say(`warm-up: ${settings.warmup_s} s on each route (not measured)`);
      await drive(base, "/__bench/noop", headers, settings.warmup_s);
      const warm = await drive(base, "/v1/events", headers, settings.warmup_s, { collectIds: true });
      const warmBad = Object.entries(warm.tally.statuses).filter(([s]) => s !== "202");
      if (warmBad.length) say(`warm-up saw non-202 responses: ${JSON.stringify(warm.tally.statuses)}; sample: ${JSON.stringify(warm.tally.samples[0])}`);
      const warmDrain = await waitForDrain(reader, 0, warm.tally.acceptedIds, [], Date.now() + settings.drain_timeout_s * 1000);
      await waitForQuiet(reader, 3000, 30_000);
      say(`warm-up: ${warm.tally.accepted} events accepted, ${warmDrain.complete ? "all in D1" : `${warmDrain.missing} missing from D1`}`);
    }

    say(`floor: POST /__bench/noop for ${settings.duration_s} s`);
    const floor = phaseFigures("floor", "/__bench/noop", await drive(base, "/__bench/noop", headers, settings.duration_s));

    const baseline = reader.count();
    const dlqBefore = reader.deadLetters();
    say(`ingest: POST /v1/events for ${settings.duration_s} s (D1 holds ${baseline} rows before)`);
    const timeline = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        timeline.push([Date.now(), reader.count()]);
        await sleep(D1_POLL_MS);
      }
    })();
    const logOffset = fs.statSync(logFile).size;
    const loadStart = Date.now();
    const run = await drive(base, "/v1/events", headers, settings.duration_s, { collectIds: true });
    const loadEnd = Date.now();
    const rowsAtLoadEnd = reader.count() - baseline;
    sampling = false;
    await sampler;
    const ingest = phaseFigures("ingest", "/v1/events", run);
    const ids = run.tally.acceptedIds;
    say(`ingest: ${ingest.events_accepted} events accepted; ${rowsAtLoadEnd} in D1 at load end; waiting for the rest (≤ ${settings.drain_timeout_s} s)`);

    const cpuAtLoadEnd = cpuSnapshot();
    const drained = await waitForDrain(reader, baseline, ids, timeline, loadEnd + settings.drain_timeout_s * 1000);
    const cpuDrain = cpuCores(cpuAtLoadEnd, cpuSnapshot());
    const finalRows = (await waitForQuiet(reader, 3000, 30_000)) - baseline;
    let wranglerRows = null;
    try {
      wranglerRows = (await d1CountViaWrangler(appDir, persistDir)) - baseline;
    } catch (err) {
      say(`wrangler d1 execute failed (the direct read stands): ${err.message.split("\n")[0]}`);
    }
    const present = reader.ids();
    let inD1 = 0;
    for (const id of ids) if (present.has(id)) inD1++;
    const deadLetters = reader.deadLetters() - dlqBefore;

    const loadS = (loadEnd - loadStart) / 1000;
    const toAll = drained.complete ? (drained.at - loadStart) / 1000 : null;
    const afterLoad = drained.complete ? Math.max(0, (drained.at - loadEnd) / 1000) : null;
    const backlog = ids.size - rowsAtLoadEnd;
    // Per-second rows for the JSON: [seconds since load start, rows in D1 for this run].
    const perSecond = [];
    let nextT = 0;
    for (const [t, n] of timeline) {
      const s = (t - loadStart) / 1000;
      if (s >= nextT) {
        perSecond.push([round(s, 2), n - baseline]);
        nextT = Math.floor(s) + 1;
      }
    }
    const drain = {
      method: `rows counted in the local D1 file every ${D1_POLL_MS} ms (read-only node:sqlite); completion = every accepted event_id present; final count confirmed with wrangler d1 execute`,
      accepted_unique_ids: ids.size,
      duplicate_ids_in_responses: run.tally.duplicate_ids,
      complete: drained.complete,
      accepted_ids_in_d1: inD1,
      missing_from_d1: ids.size - inD1,
      rows_in_d1_at_load_end: rowsAtLoadEnd,
      backlog_at_load_end: backlog,
      rows_in_d1_final: finalRows,
      rows_in_d1_wrangler: wranglerRows,
      rows_from_uncounted_requests: finalRows - inD1,
      dead_letters: deadLetters,
      load_s: round(loadS, 2),
      load_start_to_all_in_d1_s: round(toAll, 2),
      load_end_to_all_in_d1_s: round(afterLoad, 2),
      drain_rows_per_s: toAll ? round(ids.size / toAll) : null,
      rows_per_s_during_load: round(rowsAtLoadEnd / loadS),
      catch_up_rows_per_s: afterLoad ? round(backlog / afterLoad) : null,
      cpu_cores_used_after_load: cpuDrain,
      timeline_rows_by_second: perSecond,
    };

    await stopDev();
    const report = {
      benchmark: "ingest",
      started_at: startedAt.toISOString(),
      finished_at: new Date().toISOString(),
      command: "npm run bench:ingest",
      settings,
      source,
      machine: {
        cpus: os.cpus().length,
        cpu_model: os.cpus()[0]?.model ?? null,
        memory_gb: round(os.totalmem() / 2 ** 30, 1),
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        node: process.version,
        loadavg_at_start: loadAtStart,
        loadavg_at_end: os.loadavg().map((x) => round(x, 2)),
      },
      tools: {
        wrangler: JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/wrangler/package.json"), "utf8")).version,
        autocannon: JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/autocannon/package.json"), "utf8")).version,
      },
      floor,
      ingest,
      ratios: {
        requests_per_s: round(ingest.requests_per_s / floor.requests_per_s, 3),
        events_per_s: round(ingest.events_accepted_per_s / floor.events_offered_per_s, 3),
        latency_p50: round(ingest.latency_ms.p50 / floor.latency_ms.p50, 2),
        latency_p99: round(ingest.latency_ms.p99 / floor.latency_ms.p99, 2),
      },
      drain,
      // From wrangler dev's output: the whole session (warm-up and floor included), and from the ingest phase on.
      worker_log: analyseLog(logFile),
      worker_log_ingest_phase: analyseLog(logFile, logOffset),
    };
    printReport(report);
    await fsp.mkdir(RESULTS_DIR, { recursive: true });
    const out = path.join(RESULTS_DIR, `ingest-${report.started_at.replace(/[:.]/g, "-")}.json`);
    await fsp.writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    say(`wrote ${path.relative(ROOT, out)}`);
    const problems = [];
    if (ingest.non_2xx || ingest.socket_errors || ingest.timeouts) problems.push(`/v1/events: ${ingest.non_2xx} non-2xx, ${ingest.socket_errors} socket errors, ${ingest.timeouts} timeouts`);
    if (!drain.complete) problems.push(`${drain.missing_from_d1} accepted events never reached D1`);
    if (problems.length) {
      say(`PROBLEMS: ${problems.join("; ")}`);
      process.exitCode = 2;
    }
  } catch (err) {
    console.error(`[bench] failed: ${err.stack ?? err}`);
    if (fs.existsSync(logFile)) console.error(`[bench] last lines of wrangler dev:\n${tail(logFile, 30)}`);
    process.exitCode = 1;
  } finally {
    reader?.close();
    await stopDev();
    if (keepTmp || process.exitCode) say(`kept ${tmp} (wrangler-dev.log, D1 state)`);
    else await fsp.rm(tmp, { recursive: true, force: true });
  }
}

await main();
