// The local Worker for the client tests: fresh state, `wrangler dev` on a free port, an answering-proxy in front, all stopped after.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ADMIN_TOKEN = "clients-admin-token-0123456789abcdef";
const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", FORCE_COLOR: "0" };

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * `wrangler dev` with its own persistence directory (fresh local D1, queues, DOs), migrations applied first, the
 * secrets passed as vars (no .dev.vars needed), and waits for GET /healthz. stop() ends the whole process group.
 */
export async function startWorker() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgeloop-clients-"));
  const persist = path.join(dir, "state");
  const logFile = path.join(dir, "wrangler.log");
  const migrate = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { cwd: ROOT, env, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
  const port = await freePort();
  const vars = {
    ADMIN_TOKEN,
    JWT_SECRET: "clients-jwt-secret-0123456789abcdef",
    USER_ID_SALT: "clients-user-id-salt-0123456789abcdef",
    REPORT_RATE_LIMIT_PER_MINUTE: "6000",
    REGISTRY_CACHE_SECONDS: "0",
  };
  const args = ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort()), "--persist-to", persist, "--show-interactive-dev-session=false", ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])];
  const out = fs.openSync(logFile, "a");
  const child = spawn("npx", args, { cwd: ROOT, env, detached: true, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise((resolve) => {
      const done = () => {
        fs.rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", done);
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return done();
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
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
    await new Promise((r) => setTimeout(r, 300));
  }
  return { base, stop, log: () => tail(logFile, 80) };
}

/** The operator's and project admin's API calls, as JSON. */
export function api(base) {
  return async (method, pathname, body, token = ADMIN_TOKEN) => {
    const res = await fetch(base + pathname, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${pathname} → ${res.status}: ${text}`);
    return text;
  };
}

/**
 * A proxy in front of the Worker that delivers every request, and for the first request on each listed path throws the
 * Worker's answer away and says 503 instead: the events were accepted, the client believes they were not, and retries.
 * That is the retry that could duplicate events. Records every request body it forwarded.
 */
export async function startLosingProxy(target, failFirstOn) {
  const seen = new Map();
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length", "transfer-encoding"].includes(k)));
    const upstream = await fetch(target + req.url, { method: req.method, headers, body: body.length > 0 ? body : undefined });
    const answer = Buffer.from(await upstream.arrayBuffer());
    const pathname = req.url.split("?")[0];
    const count = (seen.get(pathname) ?? 0) + 1;
    seen.set(pathname, count);
    requests.push({ pathname, headers: req.headers, body, status: upstream.status, answer: answer.toString("utf8") });
    if (count === 1 && failFirstOn.includes(pathname)) {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "test_lost_answer", message: "the proxy dropped the Worker's answer" } }));
      return;
    }
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
    res.end(answer);
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${port}`, requests, stop: () => new Promise((r) => server.close(r)) };
}

/** RFC 9562 UUIDv5 in the same namespace as src/compat/event-id.ts, to predict the Worker's ids for Segment's messageIds. */
export function uuidV5(name, namespace = "6f1c0c52-3f4e-4b8e-9a57-2d0c8e1f5b3a") {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(Buffer.concat([ns, Buffer.from(name, "utf8")])).digest().subarray(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A CSV with quoted fields (the export's) into objects. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  const [header, ...data] = rows.filter((r) => r.length > 1 || r[0] !== "");
  return data.map((r) => Object.fromEntries(header.map((h, i) => [h.replace(/^\uFEFF/, ""), r[i]])));
}
