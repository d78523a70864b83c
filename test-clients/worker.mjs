// The local Worker for the client tests (test-support/local-worker.mjs, fresh state), an answering-proxy in front, all stopped after.
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { freePort, startWorker as startLocalWorker } from "../test-support/local-worker.mjs";

/**
 * `wrangler dev` with its own persistence directory (fresh local D1, queues, DOs) through the shared starter, with the
 * settings these tests need; stop() also removes the directory.
 */
export async function startWorker() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgeloop-clients-"));
  const worker = await startLocalWorker(dir, { REPORT_RATE_LIMIT_PER_MINUTE: "6000", REGISTRY_CACHE_SECONDS: "0" });
  const stop = async () => {
    await worker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { base: worker.base, adminToken: worker.secrets.ADMIN_TOKEN, stop, log: worker.log };
}

/** The operator's and project admin's API calls, as JSON. */
export function api(base, adminToken) {
  return async (method, pathname, body, token = adminToken) => {
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
