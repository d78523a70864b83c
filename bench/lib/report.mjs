// Printing what a run measured: the header every benchmark shares, and the hot-path table (per route: sequential
// remote calls per request, p50/p99 and requests/s at zero added latency and under the model, beside the floor).
import { callsLabel } from "./latency.mjs";
import { round } from "./harness.mjs";

export const pad = (s, n) => String(s ?? "—").padStart(n);

export function printHeader(r, line) {
  console.log("");
  console.log(`edgeloop ${r.benchmark} benchmark — ${r.started_at}`);
  console.log(
    `  source ${r.source.ref ?? "working tree"} @ ${(r.source.commit ?? "?").slice(0, 12)}${r.source.dirty_files.length ? " (dirty)" : ""}, ` +
      `${r.machine.cpus} CPUs (the load generator and the Worker share them), load average ${r.machine.loadavg_at_start.join(" ")} at start`,
  );
  const l = r.settings.latency;
  const delays = Object.entries(l.delays_ms).map(([k, v]) => `${k} ${v}`).join(", ");
  console.log(`  latency modes: ${l.modes.map((m) => (m === "0" ? "zero added" : "model")).join(" and ")}; the model's ms per call: ${delays}`);
  if (line) console.log(`  ${line}`);
  console.log("");
}

/**
 * Per route, the figures the JSON keeps side by side: remote calls per request (from the zero-latency phase when
 * there is one: the count does not depend on the mode), latency and rate in each mode, and the ratios to the floor.
 */
export function routeSummary(phases, floorName = "floor") {
  const floor = phases[floorName];
  return Object.entries(phases).map(([name, byMode]) => {
    const first = byMode["0"] ?? byMode.model;
    // Requests per CPU-second the Worker stack used: on a machine whose other processes take a varying share of the
    // cores, this compares the work a request costs, where requests/s also compares how much CPU each phase was left.
    const perWorkerCpuSecond = (p) => (p?.cpu_cores_used?.worker_stack ? p.requests_per_s / p.cpu_cores_used.worker_stack : null);
    const figures = (p, f) =>
      p && {
        p50_ms: p.latency_ms.p50,
        p99_ms: p.latency_ms.p99,
        requests_per_s: p.requests_per_s,
        p50_vs_floor: f ? round(p.latency_ms.p50 / f.latency_ms.p50, 2) : null,
        p99_vs_floor: f ? round(p.latency_ms.p99 / f.latency_ms.p99, 2) : null,
        requests_per_s_vs_floor: f ? round(p.requests_per_s / f.requests_per_s, 3) : null,
        requests_per_worker_cpu_s: round(perWorkerCpuSecond(p), 1),
        requests_per_worker_cpu_s_vs_floor: f && perWorkerCpuSecond(p) && perWorkerCpuSecond(f) ? round(perWorkerCpuSecond(p) / perWorkerCpuSecond(f), 3) : null,
      };
    return {
      name,
      route: first.route,
      sequential_remote_calls: first.remote_calls.sequential ?? null,
      model_ms_on_path: first.remote_calls.model_ms_on_path ?? null,
      breakdown: first.remote_calls.breakdown ?? null,
      zero_latency: figures(byMode["0"], floor?.["0"]),
      modelled_latency: figures(byMode.model, floor?.model),
    };
  });
}

export function printRouteTable(summary) {
  const cell = (f) => (f ? `${f.p50_ms} / ${f.p99_ms}` : "—");
  const row = (a, b, c, d, e, f, g, h) => console.log(`  ${String(a).padEnd(12)}${pad(b, 10)}${pad(c, 14)}  ${String(d).padEnd(28)}${pad(e, 14)}${pad(f, 14)}${pad(g, 9)}${pad(h, 9)}`);
  row("", "remote", "model", "", "p50 / p99 ms", "p50 / p99 ms", "req/s", "req/s");
  row("route", "calls", "adds ms", "calls by kind (nested: do.x)", "zero added", "model", "zero", "model");
  for (const r of summary) {
    const ms = r.model_ms_on_path;
    row(r.name, callsLabel({ sequential: r.sequential_remote_calls }), ms ? callsLabel({ sequential: ms }) : "0", r.breakdown || "none", cell(r.zero_latency), cell(r.modelled_latency), r.zero_latency?.requests_per_s, r.modelled_latency?.requests_per_s);
  }
  console.log("  (remote calls: sequential calls per request, parallel ones counted once, median (min–max); model adds: the model's");
  console.log("  delays summed along each request's costliest chain, the least a deployed request pays for its hops)");
  const ratios = summary.slice(1).map((r) => `${r.name} ${[r.zero_latency?.p50_vs_floor, r.modelled_latency?.p50_vs_floor].filter((x) => x !== undefined && x !== null).join(" / ")}×`);
  if (ratios.length) console.log(`  p50 ÷ the floor's (zero / model): ${ratios.join("; ")}`);
  const both = (r, key) => [r.zero_latency?.[key], r.modelled_latency?.[key]].filter((x) => x !== undefined && x !== null).join(" / ");
  const rates = summary.slice(1).map((r) => `${r.name} ${both(r, "requests_per_s_vs_floor")}×`);
  if (rates.length) console.log(`  req/s ÷ the floor's (zero / model): ${rates.join("; ")}`);
  const perCpu = summary.slice(1).map((r) => `${r.name} ${both(r, "requests_per_worker_cpu_s_vs_floor")}×`);
  if (perCpu.length) console.log(`  requests per Worker CPU-second ÷ the floor's (zero / model; other processes' share taken out): ${perCpu.join("; ")}`);
}

/** CPU cores of the Worker stack, the bench process and the rest of the machine, one line per phase. */
export function printCpu(phases) {
  for (const [name, byMode] of Object.entries(phases)) {
    for (const [mode, p] of Object.entries(byMode)) {
      const c = p.cpu_cores_used;
      if (c) console.log(`  CPU cores, ${name} (${mode === "0" ? "zero" : "model"}): Worker stack ${c.worker_stack}, bench process ${c.bench_process}, other processes ${c.other_processes}`);
    }
  }
}

export function printErrorSamples(phases) {
  for (const [name, byMode] of Object.entries(phases)) {
    for (const p of Object.values(byMode)) {
      if (!p.error_samples?.length) continue;
      console.log(`  ${name} (${p.latency_mode}): non-2xx samples`);
      for (const s of p.error_samples) console.log(`    ${s.status} ${s.body}`);
    }
  }
}
