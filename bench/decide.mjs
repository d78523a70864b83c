// npm run bench:decide — decisions/s and latency through the local Worker for v0 and Thompson against the no-op floor,
// and the in-process cost of one decide() per policy for K = 2 and K = 24.
//
// 1. Snapshots the Worker's sources (working tree, or BENCH_REF=<git ref>) into a temp dir, like bench:ingest.
// 2. In process, before anything else runs: imports the snapshot's policies through tsx and times policyFor(kind).decide
//    for deterministic, Thompson (the product's params, ε and floor on) and UCB1 at K = 2 and K = 24, with statistics
//    that change on every call (and, separately, the same statistics every call).
// 3. Applies the D1 migrations to a fresh persist dir and writes version-1 bandit_arm_stats rows for decision type
//    `pregen_ts` (12 buckets × 2 actions) so Thompson has statistics and does not fall back to v0.
// 4. Starts `wrangler dev` on 127.0.0.1 with the bench routes on and the rate limits lifted; creates project `bench`,
//    mints an HS256 admin JWT, and PUTs `pregen_ts`: image_pregen's configuration with its Thompson policy active.
// 5. autocannon, same connections and duration for each: POST /__bench/noop (the floor), POST /v1/decisions for
//    image_pregen (v0) and for pregen_ts (Thompson). Every request has a new unit_id and one of 4 × 3 contexts.
// 6. Checks every returned decision_id is in D1's decisions table, prints the figures and writes them as JSON to
//    bench/results/decide-<timestamp>.json.
//
// Settings (environment): BENCH_DURATION (s, default 15), BENCH_CONNECTIONS (10), BENCH_WARMUP (s per route, 2; 0
// skips), BENCH_MICRO_MS (ms per in-process sample, 300), BENCH_MICRO_ONLY=1 (skip the Worker), BENCH_REF,
// BENCH_KEEP_TMP=1.
import autocannon from "autocannon";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { freePort, git, snapshotSources, wrangler, wranglerEnv, WORKER_FILES } from "./lib/harness.mjs";
import { SignJWT } from "jose";
import { tsImport } from "tsx/esm/api";

const execFileP = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS_DIR = path.join(ROOT, "bench", "results");
const PROJECT_ID = "bench";
const TS_TYPE = "pregen_ts";
const POST_TYPES = ["carousel", "reel", "single", "story"];
const OBJECTIVES = ["sales", "reach", "engagement"];

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
  warmup_s: intSetting("BENCH_WARMUP", 2, 0),
  micro_sample_ms: intSetting("BENCH_MICRO_MS", 300),
  micro_only: process.env.BENCH_MICRO_ONLY === "1",
  source_ref: process.env.BENCH_REF || null,
};
const keepTmp = process.env.BENCH_KEEP_TMP === "1";

// ---------------------------------------------------------------------------------------------------------------------
// Small helpers (as in bench/ingest.mjs)

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
const say = (msg) => console.log(`[bench] ${msg}`);


// ---------------------------------------------------------------------------------------------------------------------
// In process: µs per decide()

/** A small seeded generator for the benchmark's own inputs (the policies get the production cryptoRng). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Realistic per-bucket statistics: 20–5,000 outcomes per arm, rates 2–60 %, pooled totals a few times larger. */
function statsVariants(actions, count, seed) {
  const r = mulberry32(seed);
  const out = [];
  for (let v = 0; v < count; v++) {
    const stats = {};
    const pooled = {};
    for (const action of actions) {
      const n = Math.round(20 + r() * r() * 4980);
      const rate = 0.02 + r() * 0.58;
      const successes = Math.round(n * rate);
      stats[action] = { action, n, successes, failures: n - successes, rewardSum: successes };
      const pn = n * (2 + Math.floor(r() * 10));
      pooled[action] = { n: pn, successes: Math.round(pn * (0.02 + r() * 0.58)) };
    }
    out.push({ stats, pooled });
  }
  return out;
}

async function microBenchmark(appDir) {
  const src = (rel) => pathToFileURL(path.join(appDir, "src", rel)).href;
  const { policyFor } = await tsImport(src("decisions/policies/index.ts"), import.meta.url);
  const { cryptoRng } = await tsImport(src("stats/random.ts"), import.meta.url);
  const { IMAGE_PREGEN } = await tsImport(src("decisions/builtin-decision-types.ts"), import.meta.url);
  const thompsonParams = IMAGE_PREGEN.policies.image_pregen_bandit_v1.params;
  const contenders = [
    { id: "deterministic", kind: "deterministic", params: {} },
    { id: "thompson", kind: "thompson", params: thompsonParams },
    { id: "thompson_no_eps", kind: "thompson", params: { ...thompsonParams, epsilon: { ...thompsonParams.epsilon, enabled: false }, propensityFloor: 0 } },
    { id: "ucb1", kind: "ucb1", params: {} },
  ];
  const now = Date.now();
  const startedAt = now - 3 * 86_400_000; // three days into ε's decay
  const results = [];
  for (const K of [2, 24]) {
    const actions = Array.from({ length: K }, (_, i) => `action_${i}`);
    const variants = statsVariants(actions, 4096, K);
    for (const c of contenders) {
      const policy = policyFor(c.kind);
      for (const mode of ["varying", "repeated"]) {
        let i = 0;
        let sink = 0;
        // As the BanditBucket does it: a fresh cryptoRng per decision, a new unit id per decision.
        const call = () => {
          const v = mode === "varying" ? variants[i & 4095] : variants[0];
          const d = policy.decide({ actions, stats: v.stats, pooled: v.pooled, params: c.params, unitId: `u-${i}`, bucket: "post_type=reel|objective=sales", now, policyStartedAt: startedAt, rng: cryptoRng() });
          sink += d.propensity;
          i++;
        };
        // Calibrate: enough calls for one sample to last about BENCH_MICRO_MS; then 5 samples, report median and min.
        let n = 16;
        for (;;) {
          const t0 = performance.now();
          for (let j = 0; j < n; j++) call();
          const ms = performance.now() - t0;
          if (ms >= settings.micro_sample_ms / 4 || n >= 1 << 24) {
            n = Math.max(16, Math.round((n * settings.micro_sample_ms) / Math.max(ms, 0.001)));
            break;
          }
          n *= 4;
        }
        const samples = [];
        for (let s = 0; s < 5; s++) {
          const t0 = performance.now();
          for (let j = 0; j < n; j++) call();
          samples.push(((performance.now() - t0) * 1000) / n);
        }
        samples.sort((a, b) => a - b);
        if (!Number.isFinite(sink)) throw new Error("a propensity was not finite");
        results.push({ k: K, policy: c.id, kind: c.kind, stats: mode, calls_per_sample: n, us_per_call_median: round(samples[2], 3), us_per_call_min: round(samples[0], 3), us_per_call_samples: samples.map((x) => round(x, 3)) });
      }
    }
  }
  return {
    method: "policyFor(kind).decide in this Node process (tsx), cryptoRng() per call as the BanditBucket does; 'varying' cycles 4,096 different statistics (20–5,000 outcomes per arm), more than best-arm-memo's 256 entries, so Thompson's P(best) integral runs on every call; 'repeated' passes the same statistics every call, so the memo answers (the BanditBucket's case between statistics loads); 5 samples of BENCH_MICRO_MS each after calibration, median and min µs/call",
    thompson_params: thompsonParams,
    node: process.version,
    results,
  };
}

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
    DECIDE_RATE_LIMIT_PER_MINUTE: "100000000",
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

/** pregen_ts: image_pregen's configuration under its own policy ids, with the Thompson policy active. */
function thompsonTypeConfig(imagePregen) {
  const v0 = Object.values(imagePregen.policies).find((p) => p.kind === "deterministic");
  const ts = Object.values(imagePregen.policies).find((p) => p.kind === "thompson");
  return {
    actions: imagePregen.actions,
    bucket_fields: imagePregen.bucket_fields,
    max_values_per_field: imagePregen.max_values_per_field,
    active_policy: `${TS_TYPE}_v1`,
    policies: { [`${TS_TYPE}_v0`]: v0, [`${TS_TYPE}_v1`]: ts },
  };
}

/** Version-1 statistics for every bucket the load will hit: what the rebuild job would have written. */
function armStatsSql(actions) {
  const r = mulberry32(2026);
  const now = Date.now();
  const rows = [];
  for (const pt of POST_TYPES) {
    for (const ob of OBJECTIVES) {
      const bucket = `post_type=${pt}|objective=${ob}`;
      for (const action of actions) {
        const n = 100 + Math.floor(r() * 900);
        const successes = Math.round(n * (0.1 + r() * 0.5));
        rows.push(`('${PROJECT_ID}', '${TS_TYPE}', '${TS_TYPE}_v1', '${bucket}', '${action}', 1, ${n}, ${successes}, ${n - successes}, ${successes}, ${now})`);
      }
    }
  }
  return {
    rows: rows.length,
    sql: `INSERT INTO bandit_arm_stats (project_id, decision_type, policy_id, bucket, action, version, n, successes, failures, reward_sum, updated_at) VALUES ${rows.join(", ")}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// D1: the local database file, read-only (WAL mode, so the reader never blocks the Worker).

async function openD1Reader(persistDir) {
  const emit = process.emitWarning;
  process.emitWarning = (w, ...rest) => (String(w).includes("SQLite") ? undefined : emit.call(process, w, ...rest));
  const { DatabaseSync } = await import("node:sqlite");
  process.emitWarning = emit;
  const dir = path.join(persistDir, "v3", "d1", "miniflare-D1DatabaseObject");
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".sqlite") && x !== "metadata.sqlite")) {
    const db = new DatabaseSync(path.join(dir, f), { readOnly: true, timeout: 5000 });
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'decisions'").get()) {
      const ids = db.prepare("SELECT id FROM decisions WHERE project_id = ? AND decision_type = ?");
      const byPolicy = db.prepare("SELECT decision_type, policy_id, policy_version, count(*) AS n FROM decisions WHERE project_id = ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
      return {
        ids: (type) => new Set(ids.all(PROJECT_ID, type).map((r) => r.id)),
        byPolicy: () => byPolicy.all(PROJECT_ID).map((r) => ({ ...r, n: Number(r.n) })),
        close: () => db.close(),
      };
    }
    db.close();
  }
  throw new Error(`No local D1 database with a decisions table under ${dir}`);
}

async function d1CountViaWrangler(appDir, persistDir) {
  const { stdout } = await wrangler(appDir, [
    "d1", "execute", "DB", "--local", "--persist-to", persistDir, "--json",
    "--command", `SELECT decision_type, count(*) AS n FROM decisions WHERE project_id = '${PROJECT_ID}' GROUP BY decision_type`,
  ]);
  const parsed = JSON.parse(stdout.slice(stdout.indexOf("[")));
  return Object.fromEntries(parsed[0].results.map((r) => [r.decision_type, Number(r.n)]));
}

// ---------------------------------------------------------------------------------------------------------------------
// CPU (Linux /proc), as in bench/ingest.mjs

let clkTck = 100;
try {
  clkTck = Number((await execFileP("getconf", ["CLK_TCK"])).stdout.trim()) || 100;
} catch {
  // keep 100
}

function groupCpuSeconds(pgid) {
  let ticks = 0;
  const byProgram = {};
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[2]) !== pgid) continue;
      const t = Number(f[11]) + Number(f[12]);
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
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - n[3] - n[4]) / clkTck;
}

function cpuSnapshot() {
  if (process.platform !== "linux" || !devChild) return null;
  const u = process.cpuUsage();
  const group = groupCpuSeconds(devChild.pid);
  return { t: Date.now(), worker: group.total, workerByProgram: group.byProgram, bench: (u.user + u.system) / 1e6, machine: machineBusySeconds() };
}

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
function decisionBody(decisionType) {
  const n = ++seq;
  return JSON.stringify({
    decision_type: decisionType,
    unit_id: `bench-${process.pid}-${n}`,
    context: { post_type: POST_TYPES[n % POST_TYPES.length], objective: OBJECTIVES[Math.floor(n / POST_TYPES.length) % OBJECTIVES.length] },
  });
}

/** One autocannon run. For /v1/decisions, tallies what each 200 said (policy, version, fallback) and keeps its id. */
async function drive(base, route, headers, durationS, decisionType) {
  const cpuBefore = cpuSnapshot();
  const tally = { statuses: {}, samples: [], ids: new Set(), duplicate_ids: 0, by_policy: {}, fallback_reasons: {}, explored: 0, actions: {} };
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
        setupRequest: (req) => ({ ...req, body: decisionBody(decisionType) }),
        onResponse: (status, body) => {
          tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
          if (status < 200 || status > 299) {
            if (tally.samples.length < 5) tally.samples.push({ status, body: String(body).slice(0, 500) });
            return;
          }
          if (route === "/__bench/noop") return;
          let d;
          try {
            d = JSON.parse(body);
          } catch {
            if (tally.samples.length < 5) tally.samples.push({ status, body: `unparseable: ${String(body).slice(0, 300)}` });
            return;
          }
          if (tally.ids.has(d.decision_id)) tally.duplicate_ids++;
          else tally.ids.add(d.decision_id);
          const key = `${d.policy_id}@v${d.policy_version}`;
          tally.by_policy[key] = (tally.by_policy[key] ?? 0) + 1;
          if (d.fallback_reason) tally.fallback_reasons[d.fallback_reason] = (tally.fallback_reasons[d.fallback_reason] ?? 0) + 1;
          if (d.explored) tally.explored++;
          tally.actions[d.action] = (tally.actions[d.action] ?? 0) + 1;
        },
      },
    ],
  });
  return { result, tally, cpu: cpuCores(cpuBefore, cpuSnapshot()) };
}

function phaseFigures(name, route, decisionType, { result, tally, cpu }) {
  const seconds = result.duration;
  const completed = result.requests.total;
  const ok = result["2xx"];
  return {
    name,
    route,
    decision_type: decisionType,
    duration_s: round(seconds, 2),
    requests_completed: completed,
    requests_per_s: round(completed / seconds),
    responses_2xx: ok,
    decisions_per_s: route === "/__bench/noop" ? null : round(ok / seconds),
    non_2xx: result.non2xx,
    status_counts: tally.statuses,
    socket_errors: result.errors,
    timeouts: result.timeouts,
    latency_ms: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      mean: round(result.latency.average, 2),
      max: result.latency.max,
    },
    decisions_by_policy: tally.by_policy,
    fallback_reasons: tally.fallback_reasons,
    explored: tally.explored,
    actions: tally.actions,
    duplicate_decision_ids: tally.duplicate_ids,
    cpu_cores_used: cpu,
    error_samples: tally.samples,
  };
}

/** Every decision_id a 200 returned must be a row in D1 (written before the response). */
function checkInD1(reader, decisionType, ids) {
  const present = reader.ids(decisionType);
  let found = 0;
  for (const id of ids) if (present.has(id)) found++;
  return { returned_ids: ids.size, ids_in_d1: found, missing_from_d1: ids.size - found, rows_in_d1_for_type: present.size };
}

function analyseLog(logFile, fromByte = 0) {
  const counts = {};
  const statuses = {};
  const samples = [];
  let runtimeErrorLines = 0;
  let text = "";
  try {
    text = fs.readFileSync(logFile).subarray(fromByte).toString("utf8");
  } catch {
    return null;
  }
  for (const line of text.split("\n")) {
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
        statuses[key] = (statuses[key] ?? 0) + 1;
        continue;
      }
      // [BANDIT] lines carry their own text; count them by their first words.
      const msg = String(entry.msg).startsWith("[BANDIT]") ? String(entry.msg).split(" ").slice(0, 2).join(" ") : entry.msg;
      const key = `${entry.level} ${msg}`;
      counts[key] = (counts[key] ?? 0) + 1;
      if ((entry.level === "error" || entry.level === "warn") && samples.length < 10) samples.push(line.slice(start, start + 600));
    } else if (/\b(Error|ERROR|Uncaught|✘)\b/.test(line) && !/workers\.cloudflare\.com|Request\.cf/.test(line)) {
      runtimeErrorLines++;
      if (samples.length < 10) samples.push(line.slice(0, 600));
    }
  }
  return { request_log: statuses, other_log_lines: counts, runtime_error_lines: runtimeErrorLines, warn_error_samples: samples };
}

// ---------------------------------------------------------------------------------------------------------------------
// Report

function printMicro(micro) {
  console.log("");
  console.log("  in process: µs per decide() (median of 5 samples; min in brackets). varying: new statistics every call (Thompson's");
  console.log("  P(best) memo misses: the integral runs); repeated: the same statistics (the memo answers, as in a BanditBucket between loads)");
  const policies = [...new Set(micro.results.map((r) => r.policy))];
  console.log(`  ${"policy".padEnd(18)}${"K=2 varying".padStart(20)}${"K=2 repeated".padStart(20)}${"K=24 varying".padStart(22)}${"K=24 repeated".padStart(20)}`);
  for (const p of policies) {
    const cell = (k, mode) => {
      const r = micro.results.find((x) => x.policy === p && x.k === k && x.stats === mode);
      return r ? `${r.us_per_call_median} (${r.us_per_call_min})` : "—";
    };
    console.log(`  ${p.padEnd(18)}${cell(2, "varying").padStart(20)}${cell(2, "repeated").padStart(20)}${cell(24, "varying").padStart(22)}${cell(24, "repeated").padStart(20)}`);
  }
}

function printReport(r) {
  const pad = (s, n) => String(s ?? "—").padStart(n);
  console.log("");
  console.log(`edgeloop decide benchmark — ${r.started_at}`);
  console.log(
    `  source ${r.source.ref ?? "working tree"} @ ${(r.source.commit ?? "?").slice(0, 12)}${r.source.dirty_files.length ? " (dirty)" : ""}, ` +
      `${r.machine.cpus} CPUs, load average ${r.machine.loadavg_at_start.join(" ")} at start`,
  );
  if (r.http) {
    const { floor, v0, thompson } = r.http.phases;
    console.log(`  through the Worker: ${settings.duration_s} s per route, ${settings.connections} connections (load generator and Worker share the CPUs)`);
    console.log("");
    const row = (label, f, a, b, ra, rb) => console.log(`  ${label.padEnd(28)}${pad(f, 14)}${pad(a, 14)}${pad(b, 14)}${pad(ra, 16)}${pad(rb, 17)}`);
    row("", "floor (noop)", "v0", "Thompson", "v0/floor", "Thompson/floor");
    const ratio = (x, y, d = 3) => round(x / y, d);
    row("requests/s", floor.requests_per_s, v0.requests_per_s, thompson.requests_per_s, ratio(v0.requests_per_s, floor.requests_per_s), ratio(thompson.requests_per_s, floor.requests_per_s));
    row("decisions/s (2xx)", "", v0.decisions_per_s, thompson.decisions_per_s, "", "");
    row("latency p50 (ms)", floor.latency_ms.p50, v0.latency_ms.p50, thompson.latency_ms.p50, ratio(v0.latency_ms.p50, floor.latency_ms.p50, 2), ratio(thompson.latency_ms.p50, floor.latency_ms.p50, 2));
    row("latency p99 (ms)", floor.latency_ms.p99, v0.latency_ms.p99, thompson.latency_ms.p99, ratio(v0.latency_ms.p99, floor.latency_ms.p99, 2), ratio(thompson.latency_ms.p99, floor.latency_ms.p99, 2));
    row("latency mean (ms)", floor.latency_ms.mean, v0.latency_ms.mean, thompson.latency_ms.mean, ratio(v0.latency_ms.mean, floor.latency_ms.mean, 2), ratio(thompson.latency_ms.mean, floor.latency_ms.mean, 2));
    row("non-2xx / socket errors", `${floor.non_2xx} / ${floor.socket_errors}`, `${v0.non_2xx} / ${v0.socket_errors}`, `${thompson.non_2xx} / ${thompson.socket_errors}`, "", "");
    const cores = (p, k) => p.cpu_cores_used?.[k];
    row("CPU cores: Worker stack", cores(floor, "worker_stack"), cores(v0, "worker_stack"), cores(thompson, "worker_stack"), "", "");
    row("CPU cores: load generator", cores(floor, "load_generator"), cores(v0, "load_generator"), cores(thompson, "load_generator"), "", "");
    row("CPU cores: other processes", cores(floor, "other_processes"), cores(v0, "other_processes"), cores(thompson, "other_processes"), "", "");
    console.log("");
    for (const [name, p] of [["v0", v0], ["Thompson", thompson]]) {
      const d = r.http.d1[name === "v0" ? "v0" : "thompson"];
      console.log(`  ${name.padEnd(9)} policies answered: ${JSON.stringify(p.decisions_by_policy)}; fallbacks: ${JSON.stringify(p.fallback_reasons)}; explored: ${p.explored}; actions: ${JSON.stringify(p.actions)}`);
      console.log(`  ${"".padEnd(9)} decision_ids in D1: ${d.ids_in_d1} of ${d.returned_ids}${d.missing_from_d1 ? `  ✗ ${d.missing_from_d1} MISSING` : "  ✓ all"} (rows for the type, warm-up and requests in flight at stop included: ${d.rows_in_d1_for_type})`);
    }
    console.log(`  D1 rows by decision type (wrangler d1 execute): ${JSON.stringify(r.http.d1.wrangler_counts)}`);
    console.log(`  sample Thompson decision: ${JSON.stringify(r.http.samples.thompson)}`);
    const other = r.http.worker_log?.other_log_lines ?? {};
    const problems = Object.entries(other).filter(([k]) => k.startsWith("warn") || k.startsWith("error"));
    console.log(`  Worker warnings/errors (session): ${problems.map(([k, v]) => `${k} ×${v}`).join(", ") || "none"}; runtime error lines: ${r.http.worker_log?.runtime_error_lines ?? 0}`);
    for (const p of [floor, v0, thompson]) {
      if (p.error_samples.length) {
        console.log(`\n  ${p.name}: non-2xx samples`);
        for (const s of p.error_samples) console.log(`    ${s.status} ${s.body}`);
      }
    }
  }
  printMicro(r.in_process);
  console.log("");
}

// ---------------------------------------------------------------------------------------------------------------------

async function main() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 5)) {
    console.error(`[bench] Node ${process.versions.node}: this needs Node ≥ 22.5 (wrangler 4 and node:sqlite). Run it as \`npm run bench:decide\`.`);
    process.exit(1);
  }
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((x) => round(x, 2));
  if (loadAtStart[0] > os.cpus().length / 2) {
    say(`warning: the machine is busy (load average ${loadAtStart.join(" ")} on ${os.cpus().length} CPUs); figures will be lower and noisier`);
  }
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "edgeloop-bench-decide-"));
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

    say("in process: timing decide() per policy for K = 2 and K = 24");
    const micro = await microBenchmark(appDir);
    printMicro(micro);

    let http = null;
    if (!settings.micro_only) {
      const { IMAGE_PREGEN } = await tsImport(pathToFileURL(path.join(appDir, "src/decisions/builtin-decision-types.ts")).href, import.meta.url);
      say("applying D1 migrations; writing version-1 arm statistics for pregen_ts");
      await wrangler(appDir, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir]);
      const seeded = armStatsSql(IMAGE_PREGEN.actions);
      await wrangler(appDir, ["d1", "execute", "DB", "--local", "--persist-to", persistDir, "--command", seeded.sql]);

      const secrets = { adminToken: randomBytes(16).toString("hex"), jwtSecret: randomBytes(16).toString("hex"), userIdSalt: randomBytes(16).toString("hex") };
      say("starting wrangler dev");
      const devStart = Date.now();
      const base = await startDev(appDir, persistDir, logFile, secrets);
      say(`ready on ${base} after ${((Date.now() - devStart) / 1000).toFixed(1)} s`);

      await api(base, "POST", "/v1/admin/projects", secrets.adminToken, { id: PROJECT_ID, name: "Benchmark" });
      const jwt = await new SignJWT({ role: "admin", project: PROJECT_ID })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("bench-decide")
        .setIssuedAt()
        .setExpirationTime("2h")
        .sign(new TextEncoder().encode(secrets.jwtSecret));
      const typeConfig = thompsonTypeConfig(IMAGE_PREGEN);
      const put = await api(base, "PUT", `/v1/admin/projects/${PROJECT_ID}/decision-types/${TS_TYPE}`, jwt, { config: typeConfig });
      say(`PUT decision type ${TS_TYPE} → version ${put.version}, active policy ${put.config.active_policy}`);
      const headers = { authorization: `Bearer ${jwt}` };

      // One decision of each type by hand: the Thompson one must come from the Thompson policy with statistics.
      const sampleOf = async (type) => api(base, "POST", "/v1/decisions", jwt, JSON.parse(decisionBody(type)));
      const samples = { v0: await sampleOf("image_pregen"), thompson: await sampleOf(TS_TYPE) };
      say(`sample v0 decision: ${JSON.stringify(samples.v0)}`);
      say(`sample Thompson decision: ${JSON.stringify(samples.thompson)}`);
      const tsOk = samples.thompson.policy_id === typeConfig.active_policy && samples.thompson.policy_version >= 1 && !samples.thompson.fallback_reason;
      if (!tsOk) say(`WARNING: the ${TS_TYPE} decision did not come from ${typeConfig.active_policy} with statistics (see the sample above)`);
      reader = await openD1Reader(persistDir);

      if (settings.warmup_s > 0) {
        say(`warm-up: ${settings.warmup_s} s on each route (not measured)`);
        await drive(base, "/__bench/noop", headers, settings.warmup_s, "image_pregen");
        await drive(base, "/v1/decisions", headers, settings.warmup_s, "image_pregen");
        await drive(base, "/v1/decisions", headers, settings.warmup_s, TS_TYPE);
      }
      const logOffset = fs.statSync(logFile).size;
      say(`floor: POST /__bench/noop for ${settings.duration_s} s`);
      const floor = phaseFigures("floor", "/__bench/noop", null, await drive(base, "/__bench/noop", headers, settings.duration_s, "image_pregen"));
      say(`v0: POST /v1/decisions (image_pregen) for ${settings.duration_s} s`);
      const v0Run = await drive(base, "/v1/decisions", headers, settings.duration_s, "image_pregen");
      const v0 = phaseFigures("v0", "/v1/decisions", "image_pregen", v0Run);
      say(`Thompson: POST /v1/decisions (${TS_TYPE}) for ${settings.duration_s} s`);
      const tsRun = await drive(base, "/v1/decisions", headers, settings.duration_s, TS_TYPE);
      const thompson = phaseFigures("thompson", "/v1/decisions", TS_TYPE, tsRun);
      await sleep(1000); // requests in flight at stop finish writing

      const d1 = {
        method: "every decision_id from a 2xx looked up in the local D1 file (read-only node:sqlite); totals confirmed with wrangler d1 execute",
        v0: checkInD1(reader, "image_pregen", v0Run.tally.ids),
        thompson: checkInD1(reader, TS_TYPE, tsRun.tally.ids),
        rows_by_policy_and_version: reader.byPolicy(),
        wrangler_counts: null,
      };
      await stopDev();
      try {
        d1.wrangler_counts = await d1CountViaWrangler(appDir, persistDir);
      } catch (err) {
        say(`wrangler d1 execute failed (the direct read stands): ${err.message.split("\n")[0]}`);
      }
      const thompsonFromPolicy = thompson.decisions_by_policy;
      const fellBack = Object.values(thompson.fallback_reasons).reduce((a, b) => a + b, 0);
      http = {
        seeded_arm_stats_rows: seeded.rows,
        decision_type_config: typeConfig,
        samples,
        thompson_sample_ok: tsOk,
        thompson_fallbacks: fellBack,
        thompson_decisions_by_policy: thompsonFromPolicy,
        phases: { floor, v0, thompson },
        ratios: {
          v0_requests_per_s: round(v0.requests_per_s / floor.requests_per_s, 3),
          thompson_requests_per_s: round(thompson.requests_per_s / floor.requests_per_s, 3),
          v0_latency_p50: round(v0.latency_ms.p50 / floor.latency_ms.p50, 2),
          v0_latency_p99: round(v0.latency_ms.p99 / floor.latency_ms.p99, 2),
          thompson_latency_p50: round(thompson.latency_ms.p50 / floor.latency_ms.p50, 2),
          thompson_latency_p99: round(thompson.latency_ms.p99 / floor.latency_ms.p99, 2),
        },
        d1,
        worker_log: analyseLog(logFile),
        worker_log_measured_phases: analyseLog(logFile, logOffset),
      };
    }

    const report = {
      benchmark: "decide",
      started_at: startedAt.toISOString(),
      finished_at: new Date().toISOString(),
      command: "npm run bench:decide",
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
        tsx: JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/tsx/package.json"), "utf8")).version,
      },
      http,
      in_process: micro,
    };
    printReport(report);
    await fsp.mkdir(RESULTS_DIR, { recursive: true });
    const out = path.join(RESULTS_DIR, `decide-${report.started_at.replace(/[:.]/g, "-")}.json`);
    await fsp.writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    say(`wrote ${path.relative(ROOT, out)}`);
    const problems = [];
    if (http) {
      for (const p of [http.phases.v0, http.phases.thompson]) {
        if (p.non_2xx || p.socket_errors || p.timeouts) problems.push(`${p.name}: ${p.non_2xx} non-2xx, ${p.socket_errors} socket errors, ${p.timeouts} timeouts`);
      }
      if (http.d1.v0.missing_from_d1 || http.d1.thompson.missing_from_d1) problems.push(`decisions missing from D1: v0 ${http.d1.v0.missing_from_d1}, Thompson ${http.d1.thompson.missing_from_d1}`);
      if (!http.thompson_sample_ok || http.thompson_fallbacks > 0) problems.push(`Thompson fell back to v0 (${http.thompson_fallbacks} fallbacks in the run; sample ok: ${http.thompson_sample_ok})`);
    }
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
