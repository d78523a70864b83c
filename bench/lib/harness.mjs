// What every benchmark shares to run the Worker locally: a free port, git, a network-free wrangler, and a snapshot of
// the Worker's sources so an edit elsewhere in the tree cannot restart `wrangler dev` in the middle of a measurement.
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
 * Copies the Worker's sources into dir (from the working tree, or from the git ref `sourceRef`) and hashes what was
 * copied, so a result can name exactly the code it measured.
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
  for (const f of WORKER_FILES) await walk(f);
  return hash.digest("hex").slice(0, 16);
}
