// Load through autocannon: one route, fixed connections and duration, a fresh body per request; what came back
// (statuses, latency percentiles, remote calls per request) and who used the CPUs meanwhile.
import autocannon from "autocannon";
import { cpuCores } from "./cpu.mjs";
import { intSetting, round } from "./harness.mjs";
import { MODE_HEADER, RemoteCallTally } from "./latency.mjs";

/**
 * Drives `route` on the Worker. `latency` is the mode every request asks for ("0" or "model"); `body()` makes each
 * request's body; `onOk(json)` sees every 2xx body, parsed (the scenario's own tallies and checks).
 */
export async function drive(worker, { name, route, method = "POST", headers = {}, body, duration, connections, latency = "0", onOk }) {
  const cpuBefore = worker.cpu();
  const statuses = {};
  const samples = [];
  const remote = new RemoteCallTally();
  const result = await autocannon({
    url: worker.base,
    connections,
    duration,
    timeout: 30,
    requests: [
      {
        method,
        path: route,
        headers: { "content-type": "application/json", [MODE_HEADER]: latency, ...headers },
        ...(body ? { setupRequest: (req) => ({ ...req, body: body() }) } : {}),
        onResponse: (status, resBody, _context, resHeaders) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          remote.add(resHeaders ?? {});
          if (status < 200 || status > 299) {
            if (samples.length < 5) samples.push({ status, body: String(resBody).slice(0, 500) });
            return;
          }
          if (!onOk) return;
          let parsed;
          try {
            parsed = JSON.parse(resBody);
          } catch {
            if (samples.length < 5) samples.push({ status, body: `unparseable: ${String(resBody).slice(0, 300)}` });
            return;
          }
          onOk(parsed);
        },
      },
    ],
  });
  const seconds = result.duration; // autocannon's measured duration, in seconds
  return {
    name,
    route: `${method} ${route}`,
    latency_mode: latency,
    duration_s: round(seconds, 2),
    requests_completed: result.requests.total,
    requests_per_s: round(result.requests.total / seconds),
    responses_2xx: result["2xx"],
    non_2xx: result.non2xx,
    status_counts: statuses,
    socket_errors: result.errors,
    timeouts: result.timeouts,
    latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, mean: round(result.latency.average, 2), max: result.latency.max },
    remote_calls: remote.summary(),
    throughput_mb_per_s: round(result.throughput.average / 1e6, 2),
    cpu_cores_used: cpuCores(cpuBefore, worker.cpu()),
    error_samples: samples,
  };
}

/** Vars that lift the rate limits a hot-path load would otherwise hit: the limits are not what is measured. */
export const LIFTED_RATE_LIMITS = {
  INGEST_RATE_LIMIT_PER_MINUTE: "100000000",
  IP_RATE_LIMIT_PER_MINUTE: "100000000",
  DECIDE_RATE_LIMIT_PER_MINUTE: "100000000",
  ADMIN_RATE_LIMIT_PER_MINUTE: "100000",
};

/** The load settings every hot-path benchmark takes: BENCH_DURATION, BENCH_CONNECTIONS, BENCH_WARMUP. */
export const hotPathSettings = () => ({
  duration_s: intSetting("BENCH_DURATION", 15),
  connections: intSetting("BENCH_CONNECTIONS", 10),
  warmup_s: intSetting("BENCH_WARMUP", 2, 0),
});

/**
 * The hot-path protocol: a warm-up on each route (zero latency, not measured), then for each latency mode every
 * route in turn, the floor first, with the run's hotPathSettings. `around(route, mode, run)` lets a scenario wrap one
 * measured phase (sample D1 during it, wait for a drain after it); it returns what run() returned. Phases come back
 * by route name and mode.
 */
export async function measureRoutes(bench, worker, { routes, around }) {
  const { duration_s: duration, connections, warmup_s: warmup, latency } = bench.settings;
  const modes = latency.modes;
  const say = bench.say;
  if (warmup > 0) {
    say(`warm-up: ${warmup} s on each route (not measured)`);
    for (const r of routes) await (r.warmup ?? drive)(worker, { ...r, duration: warmup, connections, latency: "0" });
  }
  const phases = Object.fromEntries(routes.map((r) => [r.name, {}]));
  for (const mode of modes) {
    for (const r of routes) {
      say(`${r.name}: ${r.method ?? "POST"} ${r.route} for ${duration} s, ${mode === "model" ? "under the latency model" : "zero added latency"}`);
      const run = () => drive(worker, { ...r, duration, connections, latency: mode });
      phases[r.name][mode] = around ? await around(r, mode, run) : await run();
    }
  }
  return phases;
}

/**
 * What failed in the phases: a route that answered anything but 2xx or lost requests, and a floor that made remote
 * calls (it makes none: the count would be wrong).
 */
export function hotPathProblems(phases, floorName = "floor") {
  const problems = [];
  for (const [name, byMode] of Object.entries(phases)) {
    for (const p of Object.values(byMode)) {
      if (name === floorName && p.remote_calls.sequential?.max) problems.push(`the floor made remote calls (${p.remote_calls.breakdown}): the count is wrong`);
      if (name !== floorName && (p.non_2xx || p.socket_errors || p.timeouts)) problems.push(`${p.name} (${p.latency_mode}): ${p.non_2xx} non-2xx, ${p.socket_errors} socket errors, ${p.timeouts} timeouts`);
    }
  }
  return problems;
}
