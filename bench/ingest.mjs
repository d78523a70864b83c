// npm run bench:ingest — POST /v1/events against the no-op floor, at zero added latency and under the latency model:
// remote calls per request, p50/p99, requests/s and events/s; then how fast the queue consumer drains each phase into
// D1, and that every accepted event got there.
//
// Every request is a fresh JSON array of BENCH_BATCH_SIZE page_view events with unique event_ids; accepted events
// are counted from each 202's `accepted` and `event_ids`. After each /v1/events phase the local D1 file is sampled
// (read-only node:sqlite) until every accepted event_id is there, or BENCH_DRAIN_TIMEOUT s after the load stopped.
//
// Settings (environment): BENCH_DURATION (s, 15), BENCH_CONNECTIONS (10), BENCH_BATCH_SIZE (50), BENCH_WARMUP (s per
// route, 2; 0 skips), BENCH_DRAIN_TIMEOUT (s, 300), and the harness's BENCH_LATENCY, BENCH_REF, BENCH_KEEP_TMP.
import { randomUUID } from "node:crypto";
import { openD1Reader, retrying } from "./lib/d1-file.mjs";
import { intSetting, round, sleep } from "./lib/harness.mjs";
import { cpuCores } from "./lib/cpu.mjs";
import { drive, hotPathProblems, hotPathSettings, LIFTED_RATE_LIMITS, measureRoutes } from "./lib/load.mjs";
import { pad, printCpu, printErrorSamples, printHeader, printRouteTable, routeSummary } from "./lib/report.mjs";
import { runBenchmark } from "./lib/run.mjs";
import { problemLines } from "./lib/worker.mjs";

const PROJECT_ID = "bench";
const D1_POLL_MS = 250;

const settings = {
  ...hotPathSettings(),
  batch_size: intSetting("BENCH_BATCH_SIZE", 50),
  drain_timeout_s: intSetting("BENCH_DRAIN_TIMEOUT", 300),
};

let seq = 0;
function makeBatch() {
  const events = [];
  for (let i = 0; i < settings.batch_size; i++) {
    const n = ++seq;
    events.push({ event_id: randomUUID(), event_name: "page_view", user_id: `u-${n % 1000}`, client_session_id: randomUUID(), src: "bench", properties: { page: `/p/${n % 100}`, n } });
  }
  return JSON.stringify(events);
}

/** What the 202s of one phase said. */
function newTally() {
  return { accepted: 0, rejected: 0, ids: new Set(), duplicate_ids: 0, rejection_samples: [] };
}

function tallyAccepted(tally, parsed) {
  tally.accepted += Number(parsed.accepted) || 0;
  if (Array.isArray(parsed.rejected) && parsed.rejected.length > 0) {
    tally.rejected += parsed.rejected.length;
    if (tally.rejection_samples.length < 5) tally.rejection_samples.push(parsed.rejected.slice(0, 3));
  }
  for (const id of parsed.event_ids ?? []) {
    if (tally.ids.has(id)) tally.duplicate_ids++;
    else tally.ids.add(id);
  }
}

async function eventsReader(persistDir) {
  const db = await openD1Reader(persistDir, "events");
  const count = db.prepare("SELECT count(*) AS n FROM events WHERE project_id = ?");
  const ids = db.prepare("SELECT event_id FROM events WHERE project_id = ?");
  const deadLetters = db.prepare("SELECT count(*) AS n FROM dead_letters");
  return {
    count: () => retrying(() => Number(count.get(PROJECT_ID).n)),
    missing: (wanted) => {
      const present = new Set(retrying(() => ids.all(PROJECT_ID)).map((r) => r.event_id));
      let n = 0;
      for (const id of wanted) if (!present.has(id)) n++;
      return n;
    },
    deadLetters: () => retrying(() => Number(deadLetters.get().n)),
    close: () => db.close(),
  };
}

/** Polls D1 until every id is there or the deadline passes. The count can overshoot (requests in flight at stop). */
async function waitForDrain(reader, baseline, ids, timeline, deadlineMs) {
  let lastIdCheck = 0;
  for (;;) {
    const now = Date.now();
    const n = reader.count();
    timeline.push([now, n]);
    if ((n >= baseline + ids.size && now - lastIdCheck >= 1000) || now > deadlineMs) {
      lastIdCheck = now;
      const missing = reader.missing(ids);
      if (missing === 0) return { complete: true, at: now, missing };
      if (now > deadlineMs) return { complete: false, at: null, missing };
    }
    await sleep(D1_POLL_MS);
  }
}

/** Waits until the row count has not moved for quietMs (the consumer's max_batch_timeout is 2 s). */
async function waitForQuiet(reader, quietMs = 3000, maxMs = 30_000) {
  const end = Date.now() + maxMs;
  let last = reader.count();
  let since = Date.now();
  while (Date.now() < end && Date.now() - since < quietMs) {
    await sleep(D1_POLL_MS);
    const n = reader.count();
    if (n !== last) [last, since] = [n, Date.now()];
  }
  return last;
}

/** One measured /v1/events phase: D1 sampled during the load, then the drain until every accepted event is there. */
async function ingestPhase(worker, reader, run, tally) {
  const baseline = reader.count();
  const dlqBefore = reader.deadLetters();
  const timeline = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      timeline.push([Date.now(), reader.count()]);
      await sleep(D1_POLL_MS);
    }
  })();
  const loadStart = Date.now();
  const phase = await run();
  const loadEnd = Date.now();
  const rowsAtLoadEnd = reader.count() - baseline;
  sampling = false;
  await sampler;
  const cpuAtLoadEnd = worker.cpu();
  const drained = await waitForDrain(reader, baseline, tally.ids, timeline, loadEnd + settings.drain_timeout_s * 1000);
  const cpuDrain = worker.cpu();
  const finalRows = (await waitForQuiet(reader)) - baseline;
  const ids = tally.ids;
  const loadS = (loadEnd - loadStart) / 1000;
  const toAll = drained.complete ? (drained.at - loadStart) / 1000 : null;
  const afterLoad = drained.complete ? Math.max(0, (drained.at - loadEnd) / 1000) : null;
  const backlog = ids.size - rowsAtLoadEnd;
  // Per second: [seconds since load start, rows in D1 for this phase].
  const perSecond = [];
  let nextT = 0;
  for (const [t, n] of timeline) {
    const s = (t - loadStart) / 1000;
    if (s >= nextT) {
      perSecond.push([round(s, 2), n - baseline]);
      nextT = Math.floor(s) + 1;
    }
  }
  return {
    ...phase,
    events_accepted: tally.accepted,
    events_accepted_per_s: round(tally.accepted / phase.duration_s),
    events_rejected: tally.rejected,
    rejection_samples: tally.rejection_samples,
    drain: {
      accepted_unique_ids: ids.size,
      duplicate_ids_in_responses: tally.duplicate_ids,
      complete: drained.complete,
      accepted_ids_in_d1: ids.size - drained.missing,
      missing_from_d1: drained.missing,
      rows_in_d1_at_load_end: rowsAtLoadEnd,
      backlog_at_load_end: backlog,
      rows_in_d1_final: finalRows,
      rows_from_uncounted_requests: finalRows - (ids.size - drained.missing),
      dead_letters: reader.deadLetters() - dlqBefore,
      load_s: round(loadS, 2),
      load_start_to_all_in_d1_s: round(toAll, 2),
      load_end_to_all_in_d1_s: round(afterLoad, 2),
      drain_rows_per_s: toAll ? round(ids.size / toAll) : null,
      rows_per_s_during_load: round(rowsAtLoadEnd / loadS),
      catch_up_rows_per_s: afterLoad ? round(backlog / afterLoad) : null,
      cpu_cores_used_after_load: cpuCores(cpuAtLoadEnd, cpuDrain),
      timeline_rows_by_second: perSecond,
    },
  };
}

await runBenchmark({
  name: "ingest",
  settings,
  latencyDefault: "both",
  async run(bench) {
    await bench.migrate();
    const worker = await bench.startWorker({ ENABLE_BENCH_ROUTES: "true", ...LIFTED_RATE_LIMITS });
    const admin = bench.secrets.adminToken;
    await worker.api("POST", "/v1/admin/projects", admin, { id: PROJECT_ID, name: "Benchmark" });
    const { key } = await worker.api("POST", `/v1/admin/projects/${PROJECT_ID}/keys`, admin, { allowed_origins: ["*"] });
    const reader = await eventsReader(bench.persistDir);
    let tally = newTally();
    const events = {
      name: "/v1/events",
      route: "/v1/events",
      headers: { "x-edgeloop-key": key },
      body: makeBatch,
      onOk: (json) => tallyAccepted(tally, json),
      // The warm-up's events must be in D1 before the first measured phase counts its baseline.
      async warmup(w, opts) {
        tally = newTally();
        await drive(w, opts);
        await waitForDrain(reader, 0, tally.ids, [], Date.now() + settings.drain_timeout_s * 1000);
        await waitForQuiet(reader);
      },
    };
    const floor = { name: "floor", route: "/__bench/noop", headers: { "x-edgeloop-key": key }, body: makeBatch };
    const logOffset = worker.logSize();
    let firstEventsLog = null;
    const phases = await measureRoutes(bench, worker, {
      routes: [floor, events],
      around: async (route, _mode, run) => {
        if (route !== events) {
          const p = await run();
          return { ...p, events_offered_per_s: round((p.responses_2xx * settings.batch_size) / p.duration_s) };
        }
        firstEventsLog ??= worker.logSize();
        tally = newTally();
        const p = await ingestPhase(worker, reader, run, tally);
        bench.say(`  ${p.events_accepted} events accepted; ${p.drain.complete ? "all in D1" : `${p.drain.missing_from_d1} MISSING from D1`} (drained ${p.drain.load_start_to_all_in_d1_s ?? "—"} s after the load began)`);
        return p;
      },
    });
    reader.close();
    let wranglerRows = null;
    try {
      wranglerRows = Number((await bench.d1Execute(`SELECT count(*) AS n FROM events WHERE project_id = '${PROJECT_ID}'`))[0].n);
    } catch (err) {
      bench.say(`wrangler d1 execute failed (the direct read stands): ${err.message.split("\n")[0]}`);
    }
    // The consumer's own tally: events_written lines carry the rows of each D1 batch.
    const consumer = { batches: 0, rows: 0 };
    const onEntry = (e) => e.msg === "events_written" && (consumer.batches++, (consumer.rows += Number(e.count) || 0));
    const report = {
      routes: routeSummary(phases),
      phases,
      rows_in_d1_for_the_project_wrangler: wranglerRows,
      worker_log: worker.log(logOffset),
      worker_log_ingest_phases: { ...worker.log(firstEventsLog ?? logOffset, onEntry), consumer_batches_written: consumer.batches, consumer_rows_written: consumer.rows },
    };
    const problems = hotPathProblems(phases);
    for (const p of Object.values(phases[events.name])) {
      if (!p.drain.complete) problems.push(`${events.name} (${p.latency_mode}): ${p.drain.missing_from_d1} accepted events never reached D1`);
    }
    return { report, problems };
  },
  print(r) {
    printHeader(r, `${r.settings.duration_s} s per route and mode, ${r.settings.connections} connections, ${r.settings.batch_size} events per request`);
    printRouteTable(r.routes);
    console.log("");
    for (const [mode, p] of Object.entries(r.phases["/v1/events"])) {
      const d = p.drain;
      const f = r.phases.floor[mode];
      console.log(`  /v1/events, ${mode === "0" ? "zero added latency" : "latency model"}:`);
      console.log(`    events/s accepted ${p.events_accepted_per_s} (the floor carried ${f?.events_offered_per_s ?? "—"} offered); accepted ${p.events_accepted}, rejected in 202s ${p.events_rejected}`);
      console.log(`    accepted events in D1 ${d.accepted_ids_in_d1} of ${d.accepted_unique_ids}${d.complete ? "  ✓ all" : `  ✗ INCOMPLETE after ${r.settings.drain_timeout_s} s`}; extra rows from requests in flight at stop ${d.rows_from_uncounted_requests}; dead letters ${d.dead_letters}`);
      console.log(`    drain: overall ${pad(d.drain_rows_per_s, 6)} rows/s (${d.load_start_to_all_in_d1_s} s from load start), during load ${d.rows_per_s_during_load} rows/s, after load ${d.catch_up_rows_per_s ?? "—"} rows/s (backlog ${d.backlog_at_load_end})`);
    }
    const L = r.worker_log_ingest_phases;
    const q = L?.queue_deliveries?.["edgeloop-events"];
    console.log(`  consumer (from the first /v1/events phase on): ${q?.deliveries ?? "—"} deliveries, ${L?.consumer_batches_written} batches written, mean ${L?.consumer_batches_written ? round(L.consumer_rows_written / L.consumer_batches_written, 1) : "—"} rows, ${q?.mean_ms ?? "—"} ms each; not fully acked: ${q?.not_fully_acked ?? "—"}`);
    printCpu(r.phases);
    console.log(`  Worker warnings/errors: ${problemLines(r.worker_log) || "none"}; runtime error lines: ${r.worker_log?.runtime_error_lines ?? 0}`);
    const statuses = Object.entries(r.worker_log?.request_log ?? {}).filter(([k]) => !/ 2\d\d$/.test(k));
    if (statuses.length) console.log(`  non-2xx in the Worker's request log: ${statuses.map(([k, v]) => `${k} ×${v}`).join(", ")}`);
    printErrorSamples(r.phases);
    console.log("");
  },
});
