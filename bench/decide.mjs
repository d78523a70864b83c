// npm run bench:decide — POST /v1/decisions for v0 (deterministic hash) and Thompson against the no-op floor, at zero
// added latency and under the latency model (remote calls per request, p50/p99, decisions/s), Thompson also with a
// request_id (its claim goes out beside the bucket call); every returned decision_id waited for in D1, where the
// buckets flush it about a second later, and that lag measured; and, in process first, µs per decide() for each
// policy at K = 2 and K = 24.
//
// Thompson runs as decision type `pregen_ts`: image_pregen's configuration with its Thompson policy active, and
// version-1 arm statistics written for all 12 buckets before the Worker starts, so it never falls back to v0.
// Every request has a new unit_id and one of the 4 × 3 contexts, with an admin JWT.
//
// Settings (environment): BENCH_DURATION (s, 15), BENCH_CONNECTIONS (10), BENCH_WARMUP (s per route, 2; 0 skips),
// BENCH_MICRO_MS (ms per in-process sample, 300), BENCH_MICRO_ONLY=1 (no Worker), and the harness's BENCH_LATENCY,
// BENCH_REF, BENCH_KEEP_TMP.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { openD1Reader } from "./lib/d1-file.mjs";
import { intSetting, median, mulberry32, round, sleep } from "./lib/harness.mjs";
import { hotPathProblems, hotPathSettings, LIFTED_RATE_LIMITS, measureRoutes } from "./lib/load.mjs";
import { printCpu, printErrorSamples, printHeader, printRouteTable, routeSummary } from "./lib/report.mjs";
import { runBenchmark } from "./lib/run.mjs";
import { problemLines } from "./lib/worker.mjs";

const PROJECT_ID = "bench";
const TS_TYPE = "pregen_ts";
const POST_TYPES = ["carousel", "reel", "single", "story"];
const OBJECTIVES = ["sales", "reach", "engagement"];

const settings = {
  ...hotPathSettings(),
  micro_sample_ms: intSetting("BENCH_MICRO_MS", 300),
  micro_only: process.env.BENCH_MICRO_ONLY === "1",
};

// ---------------------------------------------------------------------------------------------------------------------
// In process: µs per decide()

/** Realistic per-bucket statistics: 20–5,000 outcomes per arm, rates 2–60 %, pooled totals a few times larger. */
function statsVariants(actions, count, seed) {
  const r = mulberry32(seed);
  const out = [];
  for (let v = 0; v < count; v++) {
    const stats = {};
    const pooled = {};
    for (const action of actions) {
      const n = Math.round(20 + r() * r() * 4980);
      const successes = Math.round(n * (0.02 + r() * 0.58));
      stats[action] = { action, n, successes, failures: n - successes, rewardSum: successes };
      const pn = n * (2 + Math.floor(r() * 10));
      pooled[action] = { n: pn, successes: Math.round(pn * (0.02 + r() * 0.58)) };
    }
    out.push({ stats, pooled });
  }
  return out;
}

/** Enough calls for one sample to last about BENCH_MICRO_MS, then 5 samples: µs per call, median and min. */
function timeCalls(call) {
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
  return { calls_per_sample: n, us_per_call_median: round(samples[2], 3), us_per_call_min: round(samples[0], 3), us_per_call_samples: samples.map((x) => round(x, 3)) };
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
        const timed = timeCalls(() => {
          const v = mode === "varying" ? variants[i & 4095] : variants[0];
          sink += policy.decide({ actions, stats: v.stats, pooled: v.pooled, params: c.params, unitId: `u-${i}`, bucket: "post_type=reel|objective=sales", now, policyStartedAt: startedAt, rng: cryptoRng() }).propensity;
          i++;
        });
        if (!Number.isFinite(sink)) throw new Error("a propensity was not finite");
        results.push({ k: K, policy: c.id, kind: c.kind, stats: mode, ...timed });
      }
    }
  }
  return {
    method: "policyFor(kind).decide in this Node process (tsx), cryptoRng() per call as the BanditBucket does; 'varying' cycles 4,096 different statistics (20–5,000 outcomes per arm), more than best-arm-memo's 256 entries, so Thompson's P(best) integral runs on every call; 'repeated' passes the same statistics every call, so the memo answers (the BanditBucket's case between statistics loads); 5 samples of BENCH_MICRO_MS each after calibration, median and min µs/call",
    thompson_params: thompsonParams,
    results,
  };
}

function printMicro(micro) {
  console.log("");
  console.log("  in process: µs per decide() (median of 5 samples; min in brackets). varying: new statistics every call (Thompson's");
  console.log("  P(best) memo misses: the integral runs); repeated: the same statistics (the memo answers, as in a BanditBucket between loads)");
  console.log(`  ${"policy".padEnd(18)}${"K=2 varying".padStart(20)}${"K=2 repeated".padStart(20)}${"K=24 varying".padStart(22)}${"K=24 repeated".padStart(20)}`);
  for (const p of [...new Set(micro.results.map((r) => r.policy))]) {
    const cell = (k, mode) => {
      const r = micro.results.find((x) => x.policy === p && x.k === k && x.stats === mode);
      return r ? `${r.us_per_call_median} (${r.us_per_call_min})` : "—";
    };
    console.log(`  ${p.padEnd(18)}${cell(2, "varying").padStart(20)}${cell(2, "repeated").padStart(20)}${cell(24, "varying").padStart(22)}${cell(24, "repeated").padStart(20)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Through the Worker

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
      for (const action of actions) {
        const n = 100 + Math.floor(r() * 900);
        const successes = Math.round(n * (0.1 + r() * 0.5));
        rows.push(`('${PROJECT_ID}', '${TS_TYPE}', '${TS_TYPE}_v1', 'post_type=${pt}|objective=${ob}', '${action}', 1, ${n}, ${successes}, ${n - successes}, ${successes}, ${now})`);
      }
    }
  }
  return {
    rows: rows.length,
    sql: `INSERT INTO bandit_arm_stats (project_id, decision_type, policy_id, bucket, action, version, n, successes, failures, reward_sum, updated_at) VALUES ${rows.join(", ")}`,
  };
}

let seq = 0;
function decisionBody(decisionType, withRequestId = false) {
  const n = ++seq;
  return JSON.stringify({
    decision_type: decisionType,
    unit_id: `bench-${process.pid}-${n}`,
    context: { post_type: POST_TYPES[n % POST_TYPES.length], objective: OBJECTIVES[Math.floor(n / POST_TYPES.length) % OBJECTIVES.length] },
    ...(withRequestId ? { request_id: `bench-req-${process.pid}-${n}` } : {}),
  });
}

/** Polls the D1 file until every id is a row (or the timeout): how long the buckets' flushes took to deliver them. */
async function waitForRows(reader, ids, timeoutMs) {
  const t0 = Date.now();
  const has = reader.prepare("SELECT 1 AS one FROM decisions WHERE id = ?");
  let missing = [...ids];
  while (missing.length > 0 && Date.now() - t0 < timeoutMs) {
    missing = missing.filter((id) => !has.get(id));
    if (missing.length > 0) await sleep(50);
  }
  return { waited_ms: Date.now() - t0, missing: missing.length };
}

/**
 * The lag from asking for a decision to its row in D1, one decision at a time on a quiet Worker: the flush delay
 * (DECISION_FLUSH_DELAY_MS) plus the alarm's D1 batch. Polls the file every 10 ms, so figures are ±10 ms.
 */
async function flushLag(worker, jwt, reader, samples) {
  const has = reader.prepare("SELECT 1 AS one FROM decisions WHERE id = ?");
  const lags = [];
  for (let i = 0; i < samples; i++) {
    const t0 = Date.now();
    const r = await worker.callOk("POST", "/v1/decisions", { token: jwt, body: JSON.parse(decisionBody(TS_TYPE)) });
    const id = r.json().decision_id;
    while (!has.get(id)) {
      if (Date.now() - t0 > 60_000) throw new Error(`decision ${id} not in D1 after 60 s`);
      await sleep(10);
    }
    lags.push(Date.now() - t0);
  }
  lags.sort((a, b) => a - b);
  return { samples, median_ms: median(lags), max_ms: lags.at(-1), min_ms: lags[0], lags_ms: lags };
}

/** What the 2xx answers of one phase said: which policy answered, fallbacks, exploration, and every decision_id. */
function newTally() {
  return { ids: new Set(), duplicate_ids: 0, by_policy: {}, fallback_reasons: {}, explored: 0, actions: {} };
}

function tallyDecision(t, d) {
  if (t.ids.has(d.decision_id)) t.duplicate_ids++;
  else t.ids.add(d.decision_id);
  const key = `${d.policy_id}@v${d.policy_version}`;
  t.by_policy[key] = (t.by_policy[key] ?? 0) + 1;
  if (d.fallback_reason) t.fallback_reasons[d.fallback_reason] = (t.fallback_reasons[d.fallback_reason] ?? 0) + 1;
  if (d.explored) t.explored++;
  t.actions[d.action] = (t.actions[d.action] ?? 0) + 1;
}

async function throughTheWorker(bench) {
  const src = (rel) => pathToFileURL(path.join(bench.appDir, "src", rel)).href;
  const { IMAGE_PREGEN } = await tsImport(src("decisions/builtin-decision-types.ts"), import.meta.url);
  await bench.migrate();
  const seeded = armStatsSql(IMAGE_PREGEN.actions);
  bench.say(`writing version-1 arm statistics for ${TS_TYPE} (${seeded.rows} rows)`);
  await bench.d1Execute(seeded.sql);
  const worker = await bench.startWorker({ ENABLE_BENCH_ROUTES: "true", ...LIFTED_RATE_LIMITS });
  await worker.api("POST", "/v1/admin/projects", bench.secrets.adminToken, { id: PROJECT_ID, name: "Benchmark" });
  const jwt = await bench.adminJwt(PROJECT_ID, "bench-decide");
  const typeConfig = thompsonTypeConfig(IMAGE_PREGEN);
  const put = await worker.api("PUT", `/v1/admin/projects/${PROJECT_ID}/decision-types/${TS_TYPE}`, jwt, { config: typeConfig });
  bench.say(`PUT decision type ${TS_TYPE} → version ${put.version}, active policy ${put.config.active_policy}`);

  // One decision of each type by hand (cold: nothing cached, the bucket's object not yet loaded), with the remote
  // calls it made. The Thompson one must come from the Thompson policy with statistics.
  const sample = async (type) => {
    const r = await worker.callOk("POST", "/v1/decisions", { token: jwt, body: JSON.parse(decisionBody(type)) });
    return { decision: r.json(), remote_calls_cold: r.remote_calls };
  };
  const samples = { v0: await sample("image_pregen"), thompson: await sample(TS_TYPE) };
  bench.say(`sample v0 decision: ${JSON.stringify(samples.v0)}`);
  bench.say(`sample Thompson decision: ${JSON.stringify(samples.thompson)}`);
  const ts = samples.thompson.decision;
  const tsOk = ts.policy_id === typeConfig.active_policy && ts.policy_version >= 1 && !ts.fallback_reason;
  if (!tsOk) bench.say(`WARNING: the ${TS_TYPE} decision did not come from ${typeConfig.active_policy} with statistics (see the sample above)`);

  const headers = { authorization: `Bearer ${jwt}` };
  let tally = newTally();
  const onOk = (json) => tallyDecision(tally, json);
  const routes = [
    { name: "floor", route: "/__bench/noop", headers, body: () => decisionBody("image_pregen") },
    // The floor plus the one hop a decision must make (a Durable Object writing a row): the bench build only.
    ...(settings.latency.plain ? [] : [{ name: "floor+hop", route: "/__bench/hop", headers, body: () => decisionBody("image_pregen") }]),
    { name: "v0", type: "image_pregen", route: "/v1/decisions", headers, body: () => decisionBody("image_pregen"), onOk },
    { name: "Thompson", type: TS_TYPE, route: "/v1/decisions", headers, body: () => decisionBody(TS_TYPE), onOk },
    { name: "Thompson+request_id", type: TS_TYPE, route: "/v1/decisions", headers, body: () => decisionBody(TS_TYPE, true), onOk },
  ];
  const logOffset = worker.logSize();
  const phases = await measureRoutes(bench, worker, {
    routes,
    around: async (route, _mode, run) => {
      tally = newTally();
      const p = await run();
      if (!route.type) return p;
      const { ids, ...t } = tally;
      return { ...p, decision_type: route.type, decisions_per_s: round(p.responses_2xx / p.duration_s), ...t, decision_ids: ids };
    },
  });
  // Every decision_id a 2xx returned must become a row in D1: recorded by its bucket before the response, flushed by
  // the bucket's alarm after. Wait for all of them (at most a minute), then check each.
  const reader = await openD1Reader(bench.persistDir, "decisions");
  const decisionRoutes = routes.filter((r) => r.type);
  const returned = decisionRoutes.flatMap((r) => Object.values(phases[r.name]).flatMap((p) => [...p.decision_ids]));
  const drained = await waitForRows(reader, returned, 60_000);
  bench.say(`all ${returned.length} returned decision_ids in D1 ${drained.waited_ms} ms after the load ended (${drained.missing} missing)`);
  const idsOf = reader.prepare("SELECT id FROM decisions WHERE project_id = ? AND decision_type = ?");
  const d1 = {
    method: "every decision_id from a 2xx looked up in the local D1 file (read-only node:sqlite) once the flushes drained; totals confirmed with wrangler d1 execute",
    drained_after_load: drained,
  };
  for (const r of decisionRoutes) {
    const present = new Set(idsOf.all(PROJECT_ID, r.type).map((x) => x.id));
    for (const [mode, p] of Object.entries(phases[r.name])) {
      let found = 0;
      for (const id of p.decision_ids) if (present.has(id)) found++;
      d1[`${r.name} (${mode})`] = { returned_ids: p.decision_ids.size, ids_in_d1: found, missing_from_d1: p.decision_ids.size - found };
      delete p.decision_ids;
    }
  }
  d1.rows_by_policy_and_version = reader
    .prepare("SELECT decision_type, policy_id, policy_version, count(*) AS n FROM decisions WHERE project_id = ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
    .all(PROJECT_ID)
    .map((x) => ({ ...x, n: Number(x.n) }));
  bench.say("flush lag: 20 decisions one at a time, each followed into D1");
  d1.flush_lag = await flushLag(worker, jwt, reader, 20);
  reader.close();
  try {
    const rows = await bench.d1Execute(`SELECT decision_type, count(*) AS n FROM decisions WHERE project_id = '${PROJECT_ID}' GROUP BY decision_type`);
    d1.wrangler_counts = Object.fromEntries(rows.map((x) => [x.decision_type, Number(x.n)]));
  } catch (err) {
    bench.say(`wrangler d1 execute failed (the direct read stands): ${err.message.split("\n")[0]}`);
  }
  const fallbacks = Object.values(phases.Thompson).reduce((s, p) => s + Object.values(p.fallback_reasons).reduce((a, b) => a + b, 0), 0);
  return {
    seeded_arm_stats_rows: seeded.rows,
    decision_type_config: typeConfig,
    samples,
    thompson_sample_ok: tsOk,
    thompson_fallbacks: fallbacks,
    routes: routeSummary(phases),
    phases,
    d1,
    worker_log: worker.log(),
    worker_log_measured_phases: worker.log(logOffset),
  };
}

await runBenchmark({
  name: "decide",
  settings,
  latencyDefault: "both",
  async run(bench) {
    bench.say("in process: timing decide() per policy for K = 2 and K = 24");
    const micro = await microBenchmark(bench.appDir);
    printMicro(micro);
    const http = settings.micro_only ? null : await throughTheWorker(bench);
    const problems = http ? hotPathProblems(http.phases) : [];
    if (http) {
      for (const [k, v] of Object.entries(http.d1)) if (v?.missing_from_d1) problems.push(`${k}: ${v.missing_from_d1} decisions missing from D1`);
      if (!http.thompson_sample_ok || http.thompson_fallbacks > 0) problems.push(`Thompson fell back to v0 (${http.thompson_fallbacks} fallbacks; sample ok: ${http.thompson_sample_ok})`);
    }
    return { report: { http, in_process: micro }, problems };
  },
  print(r) {
    printHeader(r, r.http ? `through the Worker: ${r.settings.duration_s} s per route and mode, ${r.settings.connections} connections` : "in process only (BENCH_MICRO_ONLY=1)");
    if (r.http) {
      printRouteTable(r.http.routes);
      console.log("");
      for (const name of ["v0", "Thompson", "Thompson+request_id"]) {
        for (const [mode, p] of Object.entries(r.http.phases[name] ?? {})) {
          const d = r.http.d1[`${name} (${mode})`];
          console.log(`  ${`${name} (${mode === "0" ? "zero" : "model"})`.padEnd(18)} ${p.decisions_per_s} decisions/s; policies ${JSON.stringify(p.by_policy)}; fallbacks ${JSON.stringify(p.fallback_reasons)}; explored ${p.explored}`);
          console.log(`  ${"".padEnd(18)} decision_ids in D1: ${d.ids_in_d1} of ${d.returned_ids}${d.missing_from_d1 ? `  ✗ ${d.missing_from_d1} MISSING` : "  ✓ all"}`);
        }
      }
      console.log(`  D1 rows by decision type (wrangler d1 execute): ${JSON.stringify(r.http.d1.wrangler_counts)}`);
      const lag = r.http.d1.flush_lag;
      console.log(`  decision → row in D1 (flush lag, ${lag.samples} one at a time): median ${lag.median_ms} ms, max ${lag.max_ms} ms; after the load every row was in D1 within ${r.http.d1.drained_after_load.waited_ms} ms`);
      for (const [k, v] of Object.entries(r.http.samples)) console.log(`  first ${k} decision (cold): ${v.remote_calls_cold?.sequential} sequential remote calls (${v.remote_calls_cold?.breakdown}), the model adds ${v.remote_calls_cold?.model_ms} ms`);
      printCpu(r.http.phases);
      console.log(`  Worker warnings/errors (session): ${problemLines(r.http.worker_log) || "none"}; runtime error lines: ${r.http.worker_log?.runtime_error_lines ?? 0}`);
      printErrorSamples(r.http.phases);
    }
    printMicro(r.in_process);
    console.log("");
  },
});
