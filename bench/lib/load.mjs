// Load through autocannon: one route, fixed connections and duration, a fresh body per request; what came back
// (statuses, latency percentiles, remote calls per request) and who used the CPUs meanwhile.
import autocannon from "autocannon";
import { cpuCores } from "./cpu.mjs";
import { round } from "./harness.mjs";
import { MODE_HEADER, RemoteCallTally } from "./latency.mjs";

/**
 * Drives `route` on the Worker. `latency` is the mode every request asks for ("0" or "model"); `body()` makes each
 * request's body; `onOk(status, body)` sees every 2xx body (the scenario's own tallies and checks).
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
          onOk?.(status, resBody, samples);
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

/**
 * The hot-path protocol: a warm-up on each route (zero latency, not measured), then for each latency mode every
 * route in turn, the floor first. `around(route, mode, run)` lets a scenario wrap one measured phase (sample D1
 * during it, wait for a drain after it); it returns what run() returned. Phases come back by route name and mode.
 */
export async function measureRoutes(worker, { routes, modes, duration, connections, warmup, around, say }) {
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

/** A phase that answered anything but 2xx, or lost requests: a problem line, else null. */
export function phaseProblem(p) {
  return p.non_2xx || p.socket_errors || p.timeouts ? `${p.name} (${p.latency_mode}): ${p.non_2xx} non-2xx, ${p.socket_errors} socket errors, ${p.timeouts} timeouts` : null;
}
