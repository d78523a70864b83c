// What every benchmark shares to run the Worker locally: settings, small helpers, a free port, git, a network-free
// wrangler, and a snapshot of the Worker's sources so an edit elsewhere in the tree cannot restart `wrangler dev` in
// the middle of a measurement.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fsp from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileP = promisify(execFile);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const WORKER_FILES = ["src", "migrations", "wrangler.toml", "package.json", "tsconfig.json"];
// The bench build's entry and binding wrappers: always from the working tree, also when BENCH_REF picks the sources.
export const BENCH_WORKER_DIR = "bench/worker";

// ---------------------------------------------------------------------------------------------------------------------
// Settings from the environment, and small helpers

export function intSetting(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got '${raw}'`);
  return n;
}

export function listSetting(name, fallback, allowed) {
  const raw = process.env[name];
  const list = raw === undefined || raw === "" ? fallback : raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const x of list) if (!allowed.includes(x)) throw new Error(`${name}: '${x}' is not one of ${allowed.join(", ")}`);
  return list;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
export const say = (msg) => console.log(`[bench] ${msg}`);
export const seconds = (ms) => round(ms / 1000, 2);
export const fmt = (n) => (typeof n === "number" ? n.toLocaleString("en-US") : String(n ?? "—"));
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs fn `repeats` times: median, minimum and every sample in ms, and the last run's value. */
export function timeRepeated(repeats, fn) {
  const samples = [];
  let last;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    last = fn();
    samples.push(performance.now() - t0);
  }
  return { ms_median: round(median(samples), 1), ms_min: round(Math.min(...samples), 1), ms_samples: samples.map((x) => round(x, 1)), last };
}

/** A small seeded generator, so two runs seed the same data. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = "0123456789abcdef";
/** A v4-shaped UUID from a seeded generator (the Worker's ids are crypto.randomUUID(): same length and alphabet). */
export function uuidFrom(r) {
  let s = "";
  for (let i = 0; i < 32; i++) {
    if (i === 8 || i === 12 || i === 16 || i === 20) s += "-";
    s += i === 12 ? "4" : i === 16 ? "89ab"[Math.floor(r() * 4)] : HEX[Math.floor(r() * 16)];
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------------------
// The platform: ports, git, wrangler, the snapshot

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

export async function git(...args) {
  try {
    return (await execFileP("git", args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
  } catch {
    return null;
  }
}

// Wrangler runs through npx (so it gets the project's Node 22 from node_modules/.bin), with everything that would
// reach the network switched off: telemetry, the update check (part of the banner) and the Request.cf download.
export const wranglerEnv = {
  ...process.env,
  CI: "true",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
};

export async function wrangler(cwd, args, { timeoutMs = 120_000 } = {}) {
  try {
    const { stdout, stderr } = await execFileP("npx", ["wrangler", ...args], { cwd, env: wranglerEnv, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr };
  } catch (err) {
    throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
  }
}

/**
 * Copies the Worker's sources into dir (from the working tree, or from the git ref `sourceRef`), and the bench
 * build's bench/worker/ from the working tree, and hashes what was copied, so a result can name exactly the code it
 * measured.
 */
export async function snapshotSources(dir, sourceRef) {
  await fsp.mkdir(dir, { recursive: true });
  if (sourceRef) {
    const tarball = path.join(dir, "..", "source.tar");
    await execFileP("git", ["archive", "--format=tar", "-o", tarball, sourceRef, ...WORKER_FILES], { cwd: ROOT });
    await execFileP("tar", ["-xf", tarball, "-C", dir]);
    await fsp.rm(tarball);
  } else {
    for (const f of WORKER_FILES) await fsp.cp(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  }
  await fsp.cp(path.join(ROOT, BENCH_WORKER_DIR), path.join(dir, BENCH_WORKER_DIR), { recursive: true });
  await fsp.symlink(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const hash = createHash("sha256");
  const walk = async (rel) => {
    const abs = path.join(dir, rel);
    const st = await fsp.stat(abs);
    if (st.isDirectory()) {
      for (const name of (await fsp.readdir(abs)).sort()) await walk(path.join(rel, name));
    } else {
      hash.update(`${rel}\0`).update(await fsp.readFile(abs)).update("\0");
    }
  };
  for (const f of [...WORKER_FILES, BENCH_WORKER_DIR]) await walk(f);
  return hash.digest("hex").slice(0, 16);
}
