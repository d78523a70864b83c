// The latency model: what a remote call costs deployed (defaults and their sources), the bench build that applies it
// (bench/worker/, wired in by a generated wrangler config), and the per-request remote-call counts it reports.
import fs from "node:fs";
import path from "node:path";
import { BENCH_WORKER_DIR, median, round } from "./harness.mjs";

/*
 * Milliseconds added before each call, by binding kind, when a request runs under the model. Where they come from
 * (bench/README.md says more):
 * - queue 60: Cloudflare's published median for sending a message since Queues' GA architecture ("~200 ms to ~60 ms",
 *   blog.cloudflare.com/how-we-built-cloudflare-queues, 2024-10-24).
 * - d1 40: a D1 database's primary lives in one location; a Worker runs where the user is. Same-continent round
 *   trips are ~10–40 ms and cross-continent 80–150 ms, so 40 is a Worker near, not next to, the primary (reasoning;
 *   Cloudflare publishes no single figure, and read replication helps reads only through the Sessions API).
 * - do 20: a Durable Object lives where it was first used; other users reach it across the network. 20 is a caller
 *   in the same region (reasoning, as for D1).
 * - do_d1 = d1: a Durable Object calling D1 is placed by its first caller, not next to the primary.
 * - r2 40: central storage, reached like D1 (reasoning).
 * - kv 5, cache 5: served from the Worker's location when hot (KV: "up to 3x faster hot reads", blog.cloudflare.com/
 *   faster-workers-kv, 2024-09-26; the Cache API is the location's own cache).
 * - ratelimit 1: the Rate Limiting binding counts per Cloudflare location (developers.cloudflare.com/workers/
 *   runtime-apis/bindings/rate-limit), so it is local.
 * - service 0: a service binding runs on the same machine by default.
 */
export const LATENCY_DEFAULTS_MS = { d1: 40, do: 20, do_d1: null, queue: 60, r2: 40, kv: 5, cache: 5, ratelimit: 1, service: 0 };

/** The request header that chooses the mode per request, and the response header with the sequential count. */
export const MODE_HEADER = "x-bench-latency";
const H = { calls: "x-bench-remote-calls", modelMs: "x-bench-remote-model-ms", total: "x-bench-remote-total", breakdown: "x-bench-remote-breakdown", pending: "x-bench-remote-pending" };

const CONFIG_FILE = "wrangler.bench.toml";
const ENTRY = `${BENCH_WORKER_DIR}/latency-entry.ts`;

/**
 * BENCH_LATENCY: `both` (every hot-path route at zero added latency and under the model), `0`, or `model`; the
 * scenario picks the default. BENCH_LATENCY_<KIND>_MS overrides a delay.
 */
export function latencySettings(defaultModes) {
  const raw = process.env.BENCH_LATENCY || defaultModes;
  // plain: zero added latency on the unwrapped build (src/ as deployed): no remote-call counts, and none of the
  // wrapper's per-call bookkeeping, which the floor (no calls) does not pay and a route with calls does.
  const modes = { both: ["0", "model"], 0: ["0"], model: ["model"], plain: ["0"] }[raw];
  if (!modes) throw new Error(`BENCH_LATENCY must be both, 0, model or plain, got '${raw}'`);
  const delays = {};
  for (const [kind, fallback] of Object.entries(LATENCY_DEFAULTS_MS)) {
    const name = `BENCH_LATENCY_${kind.toUpperCase()}_MS`;
    const v = process.env[name];
    if (v === undefined || v === "") delays[kind] = fallback;
    else if (!Number.isFinite(Number(v)) || Number(v) < 0) throw new Error(`${name} must be a number of ms ≥ 0, got '${v}'`);
    else delays[kind] = Number(v);
  }
  delays.do_d1 ??= delays.d1;
  return { modes, delays_ms: delays, plain: raw === "plain" };
}

/** The vars the bench entry reads. Background work (queue consumers, cron, alarms) runs under the model only in `model`. */
export function latencyVars(latency) {
  const vars = { BENCH_LATENCY_DEFAULT: latency.modes.length === 1 ? latency.modes[0] : "0" };
  for (const [kind, ms] of Object.entries(latency.delays_ms)) vars[`BENCH_LATENCY_${kind.toUpperCase()}_MS`] = String(ms);
  return vars;
}

// The bench build's own object: the floor plus one hop (bench/worker/hop-floor.ts), never part of src/.
const HOP_FLOOR_TOML = `# bench build only: /__bench/hop (bench/worker/hop-floor.ts)
[[durable_objects.bindings]]
name = "BENCH_HOP"
class_name = "HopFloor"

[[migrations]]
tag = "bench-hop"
new_sqlite_classes = ["HopFloor"]
`;

/**
 * Writes the bench build's wrangler config into the snapshot: the snapshot's wrangler.toml with main → the bench
 * entry. Every Durable Object class the config names must be exported, wrapped, by the entry.
 */
export function writeBenchConfig(appDir) {
  const toml = fs.readFileSync(path.join(appDir, "wrangler.toml"), "utf8");
  if (!/^main\s*=.*$/m.test(toml)) throw new Error("wrangler.toml has no main = line to point at the bench entry");
  const entry = fs.readFileSync(path.join(appDir, ENTRY), "utf8");
  const exported = new Set([...entry.matchAll(/export const (\w+) = instrumentDurableObject\(/g)].map((m) => m[1]));
  const missing = [...new Set([...toml.matchAll(/class_name\s*=\s*"(\w+)"/g)].map((m) => m[1]))].filter((c) => !exported.has(c));
  if (missing.length) throw new Error(`${ENTRY} does not export ${missing.join(", ")}: add them there, wrapped like the others`);
  const benchToml = toml.replace(/^main\s*=.*$/m, `main = "${ENTRY}" # bench build (bench/lib/latency.mjs)`);
  fs.writeFileSync(path.join(appDir, CONFIG_FILE), `${benchToml}\n${HOP_FLOOR_TOML}`);
  return CONFIG_FILE;
}

/** The counts one response carried, or null when it carried none. */
export function remoteCallsOf(headers) {
  // A fetch Headers object, or autocannon's plain object (names as the server wrote them).
  const plain = typeof headers.get === "function" ? null : Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const get = (k) => (plain ? plain[k] : headers.get(k));
  const calls = get(H.calls);
  if (calls === undefined || calls === null) return null;
  return { sequential: Number(calls), model_ms: Number(get(H.modelMs)), total: Number(get(H.total)), breakdown: String(get(H.breakdown) ?? ""), pending: Number(get(H.pending)) };
}

/** Per route: how many sequential remote calls its requests made (min / median / max, and how often each count). */
export class RemoteCallTally {
  sequential = [];
  modelMs = [];
  totals = [];
  breakdowns = {};
  pendingMax = 0;
  missing = 0;

  add(headers) {
    const r = remoteCallsOf(headers);
    if (!r) {
      this.missing++;
      return;
    }
    this.sequential.push(r.sequential);
    this.modelMs.push(r.model_ms);
    this.totals.push(r.total);
    this.breakdowns[r.breakdown] = (this.breakdowns[r.breakdown] ?? 0) + 1;
    this.pendingMax = Math.max(this.pendingMax, r.pending);
  }

  summary() {
    const n = this.sequential.length;
    if (n === 0) return { requests_counted: 0, requests_without_counts: this.missing };
    const histogram = {};
    for (const x of this.sequential) histogram[x] = (histogram[x] ?? 0) + 1;
    // Loops, not Math.min(...xs): a long run has more values than a call's arguments may hold.
    const stats = (xs) => ({ min: xs.reduce((a, b) => Math.min(a, b)), median: median(xs), max: xs.reduce((a, b) => Math.max(a, b)), mean: round(xs.reduce((a, b) => a + b, 0) / xs.length, 2) });
    const top = Object.entries(this.breakdowns).sort((a, b) => b[1] - a[1]);
    return {
      requests_counted: n,
      requests_without_counts: this.missing,
      sequential: { ...stats(this.sequential), histogram },
      // The time the model's delays add on each request's costliest chain of calls (the same in either mode).
      model_ms_on_path: stats(this.modelMs),
      total_calls: stats(this.totals),
      breakdown: top[0][0],
      breakdowns: Object.fromEntries(top.slice(0, 8)),
      pending_at_response_max: this.pendingMax,
    };
  }
}

/** "3" when every request made 3; "3 (2–4)" otherwise. */
export function callsLabel(summary) {
  const s = summary?.sequential;
  if (!s) return "—";
  return s.min === s.max ? String(s.min) : `${s.median} (${s.min}–${s.max})`;
}
