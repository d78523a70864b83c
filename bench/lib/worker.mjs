// The Worker under test: `wrangler dev` on 127.0.0.1 (the bench build, see latency.mjs) started and stopped as one
// process group, calls to it (timed, with the remote calls each answer reports), and what it logged.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { cpuSnapshot } from "./cpu.mjs";
import { freePort, round, sleep, wranglerEnv } from "./harness.mjs";
import { latencyVars, MODE_HEADER, remoteCallsOf } from "./latency.mjs";

const live = new Set();

/** A last resort when the process goes down without the normal cleanup (Ctrl-C, an uncaught error). */
export function killWorkersSync() {
  for (const child of live) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}

export function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    live.delete(child);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      live.delete(child);
      resolve();
    };
    child.once("exit", done);
    try {
      process.kill(-child.pid, "SIGTERM"); // the whole group: npx, wrangler's node, workerd
    } catch {
      return done();
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

/**
 * Starts the bench build with `vars` (on top of the latency model's) and waits for GET /healthz. Rate limits and
 * other settings are the scenario's business: it passes them in vars.
 */
export async function startWorker({ appDir, persistDir, logFile, config, latency, vars }) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const allVars = { ...latencyVars(latency), ...vars };
  const args = [
    "wrangler", "dev",
    "--config", config,
    "--ip", "127.0.0.1",
    "--port", String(port),
    "--inspector-ip", "127.0.0.1",
    "--inspector-port", String(inspectorPort),
    "--persist-to", persistDir,
    "--show-interactive-dev-session=false",
    ...Object.entries(allVars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const out = fs.openSync(logFile, "a");
  const child = spawn("npx", args, { cwd: appDir, env: wranglerEnv, detached: true, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  live.add(child);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`GET /healthz did not answer 200 within 90 s:\n${tail(logFile)}`);
    await sleep(500);
  }
  return new Worker(child, base, logFile, inspectorPort);
}

class Worker {
  constructor(child, base, logFile, inspectorPort) {
    this.child = child;
    this.base = base;
    this.logFile = logFile;
    /** wrangler's V8 inspector for the Worker's isolate (bench:profile attaches its CPU profiler there). */
    this.inspectorPort = inspectorPort;
  }

  stop() {
    return stopChild(this.child);
  }

  cpu() {
    return this.child.exitCode === null ? cpuSnapshot(this.child.pid) : null;
  }

  logSize() {
    return fs.statSync(this.logFile).size;
  }

  log(fromByte = 0, onEntry) {
    return analyseLog(this.logFile, fromByte, onEntry);
  }

  /**
   * One request, timed to the last byte of the body (headers_ms: when fetch resolved), with the remote calls the
   * bench build counted for it. `latency` picks the mode ("0" or "model"); unset, the session's default.
   */
  async call(method, pathname, { token, body, latency, timeoutMs = 600_000 } = {}) {
    const headers = {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(latency ? { [MODE_HEADER]: latency } : {}),
    };
    const t0 = performance.now();
    const res = await fetch(`${this.base}${pathname}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    const headersMs = performance.now() - t0;
    const buf = Buffer.from(await res.arrayBuffer());
    return {
      status: res.status,
      ms: round(performance.now() - t0, 1),
      headers_ms: round(headersMs, 1),
      bytes: buf.length,
      x_cache: res.headers.get("x-cache"),
      content_type: res.headers.get("content-type"),
      remote_calls: remoteCallsOf(res.headers),
      buf,
      json() {
        return JSON.parse(buf.toString("utf8"));
      },
    };
  }

  /** call() that must answer 2xx. */
  async callOk(method, pathname, opts) {
    const r = await this.call(method, pathname, opts);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${pathname} → ${r.status}: ${r.buf.toString("utf8").slice(0, 800)}`);
    return r;
  }

  /** callOk() and its JSON body. */
  async api(method, pathname, token, body, opts = {}) {
    return (await this.callOk(method, pathname, { token, body, ...opts })).json();
  }
}

/** A call's record for the JSON: everything but the body. */
export const withoutBody = (r) => {
  const { buf: _buf, json: _json, ...rest } = r;
  return rest;
};

/**
 * wrangler dev's output from `fromByte` on: the Worker's request log by method, path and status; its other JSON log
 * lines by level and message (a message that starts with "[" by its first two words); wrangler's queue delivery
 * lines by queue; runtime error lines. `onEntry(entry)` sees every JSON entry (a scenario's own tallies).
 */
export function analyseLog(logFile, fromByte = 0, onEntry) {
  let text;
  try {
    text = fs.readFileSync(logFile).subarray(fromByte).toString("utf8");
  } catch {
    return null;
  }
  const requestLog = {};
  const counts = {};
  const queues = {};
  const samples = [];
  let runtimeErrorLines = 0;
  for (const line of text.split("\n")) {
    // wrangler's own line per consumer invocation: "QUEUE <name> <acked>/<delivered> (<ms>ms)"
    const q = /QUEUE (\S+) (\d+)\/(\d+) \((\d+)ms\)/.exec(line);
    if (q) {
      const s = (queues[q[1]] ??= { deliveries: 0, messages: 0, acked: 0, not_fully_acked: 0, total_ms: 0 });
      s.deliveries++;
      s.acked += Number(q[2]);
      s.messages += Number(q[3]);
      s.total_ms += Number(q[4]);
      if (q[2] !== q[3]) s.not_fully_acked++;
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
      onEntry?.(entry);
      if (entry.msg === "request") {
        const key = `${entry.method} ${entry.path} ${entry.status}`;
        requestLog[key] = (requestLog[key] ?? 0) + 1;
        continue;
      }
      const msg = String(entry.msg).startsWith("[") ? String(entry.msg).split(" ").slice(0, 2).join(" ") : entry.msg;
      const key = `${entry.level} ${msg}`;
      counts[key] = (counts[key] ?? 0) + 1;
      if ((entry.level === "error" || entry.level === "warn") && samples.length < 10) samples.push(line.slice(start, start + 600));
    } else if (/\b(Error|ERROR|Uncaught|✘)\b/.test(line) && !/workers\.cloudflare\.com|Request\.cf|getaddrinfo|GetAddrInfoReqWrap/.test(line)) {
      runtimeErrorLines++;
      if (samples.length < 10) samples.push(line.slice(0, 600));
    }
  }
  for (const s of Object.values(queues)) s.mean_ms = s.deliveries ? round(s.total_ms / s.deliveries, 1) : null;
  return { request_log: requestLog, log_lines: counts, queue_deliveries: queues, runtime_error_lines: runtimeErrorLines, warn_error_samples: samples };
}

/** "warn x ×3, error y ×1" from analyseLog's counts. */
export function problemLines(log) {
  return Object.entries(log?.log_lines ?? {})
    .filter(([k]) => k.startsWith("warn") || k.startsWith("error"))
    .map(([k, v]) => `${k} ×${v}`)
    .join(", ");
}
