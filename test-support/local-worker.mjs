// The real edgeloop Worker for the tests that run outside workerd (the SDK's browser tests, the real clients' test): local
// D1 migrations and `wrangler dev` on a free port, with fresh secrets and its own persist dir, started and stopped as one
// process group, and what it logged.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = path.join(path.dirname(createRequire(import.meta.url).resolve("wrangler/package.json")), "bin", "wrangler.js");
// Nothing that would reach the network: telemetry, the update check, the Request.cf download.
const ENV = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", FORCE_COLOR: "0" };

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const tail = (file, lines = 40) => {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
};

/** Starts the Worker in `dir` (persisted state, secrets file and log) and resolves once GET /healthz answers 200. */
export async function startWorker(dir, vars = {}) {
  const persistDir = path.join(dir, "state");
  const logFile = path.join(dir, "wrangler.log");
  const envFile = path.join(dir, "secrets.env");
  const secrets = { ADMIN_TOKEN: randomBytes(24).toString("hex"), JWT_SECRET: randomBytes(24).toString("hex"), USER_ID_SALT: randomBytes(24).toString("hex") };
  // An env file of its own, so a developer's .dev.vars never mixes in.
  fs.writeFileSync(envFile, Object.entries({ ...secrets, ...vars }).map(([k, v]) => `${k}=${v}`).join("\n") + "\n", { mode: 0o600 });

  const migrate = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], { cwd: ROOT, env: ENV, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`wrangler d1 migrations apply failed:\n${migrate.stdout}\n${migrate.stderr}`);

  const port = await freePort();
  const inspectorPort = await freePort();
  const out = fs.openSync(logFile, "a");
  const child = spawn(
    process.execPath,
    [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-ip", "127.0.0.1", "--inspector-port", String(inspectorPort),
      "--persist-to", persistDir, "--env-file", envFile, "--show-interactive-dev-session=false"],
    { cwd: ROOT, env: ENV, detached: true, stdio: ["ignore", out, out] },
  );
  fs.closeSync(out);
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      try {
        process.kill(-child.pid, "SIGTERM"); // the group: wrangler's node and workerd
      } catch {
        return resolve();
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // gone
        }
      }, 5000).unref();
    });

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`wrangler dev exited before it was ready:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`GET /healthz did not answer 200 within 120 s:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  /** The Worker's request log lines: { method, path, status } per request, in order. */
  const requests = () =>
    fs
      .readFileSync(logFile, "utf8")
      .split("\n")
      .map((line) => {
        const start = line.indexOf('{"level"');
        if (start < 0) return null;
        try {
          const entry = JSON.parse(line.slice(start));
          return entry.msg === "request" ? { method: entry.method, path: entry.path, status: entry.status, credential: entry.credential } : null;
        } catch {
          return null;
        }
      })
      .filter(Boolean);

  /** An operator call that must succeed. */
  const admin = async (method, pathname, body) => {
    const res = await fetch(base + pathname, {
      method,
      headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${pathname} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };

  return { base, persistDir, logFile, secrets, stop, requests, admin, log: () => tail(logFile, 80) };
}
