// npm run bench:profile — where a hot request's CPU goes inside the Worker: V8's sampling profiler, attached through
// wrangler's inspector, while autocannon drives one route at a time (the floor, ingest at 50 events, a v0 decision).
// Per route: requests, the isolate's busy CPU per request (samples that were not idle), the functions with the most
// self time, and the inclusive time per request of the stages the route goes through (named below).
//
// The isolate holds the Worker and, locally, its Durable Objects and queue consumer too: an ingest request's share of
// the consumer's D1 writes and a decision's share of its bucket's flush are counted where they run, as named stages.
// The inspector being attached makes console.log (the request log) dearer than it is without it, so absolute figures
// are above bench:ingest's and bench:decide's; the breakdown is what this is for.
//
// Settings (environment): BENCH_DURATION (s, 8), BENCH_CONNECTIONS (4), BENCH_PROFILE_ROUTES (floor,ingest,decide),
// BENCH_PROFILE_INTERVAL_US (sampling interval, 200), and the harness's BENCH_REF, BENCH_KEEP_TMP.
import WebSocket from "ws";
import { intSetting, listSetting, round, sleep } from "./lib/harness.mjs";
import { drive, LIFTED_RATE_LIMITS } from "./lib/load.mjs";
import { printHeader } from "./lib/report.mjs";
import { runBenchmark } from "./lib/run.mjs";

const PROJECT_ID = "bench";
const ROUTES = ["floor", "ingest", "decide"];

const settings = {
  duration_s: intSetting("BENCH_DURATION", 8),
  connections: intSetting("BENCH_CONNECTIONS", 4),
  routes: listSetting("BENCH_PROFILE_ROUTES", ROUTES, ROUTES),
  interval_us: intSetting("BENCH_PROFILE_INTERVAL_US", 200),
};

// The stages whose inclusive time is reported, by function name as the bundle keeps it (keep_names is off, but
// esbuild keeps names it does not need to rename). Middleware that wraps next() (the request log) would include the
// whole route, so it is not a stage.
const STAGES = [
  "fetch", "principalFor", "rateLimit", "readBodyLimited", "validateRequest", "ingestEvents", "parseIngestBody", "validateEvent",
  "checkFlatObject", "piiInString", "safeParse", "toEventRow", "enqueueEvents", "consumeEvents", "writeEvents", "decide",
  "screenIdentifiers", "resolveBucket", "alarm", "writeDecisions", "jsonBody", "getUnvalidatedData", "execute", "matchesDigest", "verifyJwt", "projectRegistry", "requireDecisionType", "findPolicyStart", "newDecisionId", "bucketStub", "decisionView", "jsonResp", "requestLog", "corsForCaller",
];

let n = 0;
const eventsBody = () =>
  JSON.stringify({
    batch: Array.from({ length: 50 }, (_, i) => ({
      event_name: "page_view",
      user_id: `u-${++n}`,
      properties: { page: `/p/${i}`, referrer: "https://example.com/x", title: "Some page title", width: 1280 },
      context: { locale: "en-US" },
    })),
  });
const decisionBody = () => JSON.stringify({ decision_type: "image_pregen", unit_id: `u-${++n}`, context: { post_type: ["carousel", "reel", "story"][n % 3], objective: "sales" } });

/** A minimal Chrome DevTools Protocol client over wrangler's inspector. */
async function inspector(port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let id = 0;
  const pending = new Map();
  ws.on("message", (m) => {
    const d = JSON.parse(String(m));
    if (d.id && pending.has(d.id)) {
      pending.get(d.id)(d);
      pending.delete(d.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const i = ++id;
      pending.set(i, resolve);
      ws.send(JSON.stringify({ id: i, method, params }));
    });
  return { send, close: () => ws.close() };
}

/** Self time per function, inclusive time per stage name, and the idle/program/GC shares of a V8 CPU profile. */
function analyse(profile, requests) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map();
  for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const timeOf = new Map();
  let total = 0;
  profile.samples.forEach((s, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    timeOf.set(s, (timeOf.get(s) ?? 0) + dt);
    total += dt;
  });
  const label = (cf) => `${cf.functionName || "(anonymous)"} ${cf.url ? `${cf.url.split("/").at(-1)}:${cf.lineNumber + 1}` : "(native)"}`;
  const self = new Map();
  const stage = new Map(STAGES.map((s) => [s, 0]));
  let idle = 0;
  for (const [nodeId, t] of timeOf) {
    const cf = byId.get(nodeId).callFrame;
    if (cf.functionName === "(idle)") idle += t;
    self.set(label(cf), (self.get(label(cf)) ?? 0) + t);
    const seen = new Set();
    for (let cur = nodeId; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur).callFrame.functionName;
      if (stage.has(name) && !seen.has(name)) {
        stage.set(name, stage.get(name) + t);
        seen.add(name);
      }
    }
  }
  const perRequest = (us) => round(us / 1000 / requests, 3);
  return {
    sampled_ms: round(total / 1000),
    idle_ms: round(idle / 1000),
    busy_ms_per_request: perRequest(total - idle),
    top_self: [...self].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, 20).map(([fn, t]) => ({ fn, ms_per_request: perRequest(t), share_of_busy: round((100 * t) / (total - idle), 1) })),
    stages_ms_per_request: Object.fromEntries([...stage].filter(([, t]) => t > 0).map(([k, t]) => [k, perRequest(t)])),
  };
}

await runBenchmark({
  name: "profile",
  settings,
  async run(bench) {
    await bench.migrate();
    const worker = await bench.startWorker({ ENABLE_BENCH_ROUTES: "true", ...LIFTED_RATE_LIMITS });
    await worker.api("POST", "/v1/admin/projects", bench.secrets.adminToken, { id: PROJECT_ID, name: "Benchmark" });
    const jwt = await bench.adminJwt(PROJECT_ID, "bench-profile");
    const headers = { authorization: `Bearer ${jwt}` };
    const plan = {
      floor: { route: "/__bench/noop", body: eventsBody },
      ingest: { route: "/v1/events", body: eventsBody },
      decide: { route: "/v1/decisions", body: decisionBody },
    };
    const cdp = await inspector(worker.inspectorPort);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: settings.interval_us });
    const routes = {};
    for (const name of settings.routes) {
      const { route, body } = plan[name];
      bench.say(`${name}: warm-up 2 s, then ${settings.duration_s} s under the profiler`);
      await drive(worker, { name, route, headers, body, duration: 2, connections: settings.connections });
      await sleep(500);
      await cdp.send("Profiler.start");
      const load = await drive(worker, { name, route, headers, body, duration: settings.duration_s, connections: settings.connections });
      const { result } = await cdp.send("Profiler.stop");
      routes[name] = { route, requests: load.requests_completed, requests_per_s: load.requests_per_s, non_2xx: load.non_2xx, cpu_cores_used: load.cpu_cores_used, ...analyse(result.profile, load.requests_completed) };
    }
    cdp.close();
    const problems = Object.entries(routes).filter(([, r]) => r.non_2xx).map(([k, r]) => `${k}: ${r.non_2xx} non-2xx`);
    return { report: { routes }, problems };
  },
  print(r) {
    printHeader(r, `${r.settings.duration_s} s per route under V8's sampling profiler (every ${r.settings.interval_us} µs), ${r.settings.connections} connections`);
    for (const [name, x] of Object.entries(r.routes)) {
      console.log(`  ${name} (${x.route}): ${x.requests} requests, ${x.requests_per_s} req/s; the isolate busy ${x.busy_ms_per_request} ms per request`);
      console.log(`    stages, inclusive ms per request: ${Object.entries(x.stages_ms_per_request).map(([k, v]) => `${k} ${v}`).join(", ")}`);
      for (const f of x.top_self.slice(0, 8)) console.log(`    ${String(f.ms_per_request).padStart(7)} ms ${String(f.share_of_busy).padStart(5)}%  ${f.fn}`);
    }
    console.log("");
  },
});
