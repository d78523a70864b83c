// Finds a Chromium for playwright-core, or installs Debian's package when it can (root with apt-get), so that a fresh
// machine needs nothing done by hand. CHROMIUM_PATH overrides the search. Run alone: `node sdk/test/browser/chromium.mjs`.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { fileURLToPath } from "node:url";

const NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath() {
  for (const dir of (process.env.PATH ?? "").split(":").filter(Boolean)) {
    for (const name of NAMES) if (executable(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return null;
}

function aptInstall() {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  console.log("[sdk] no Chromium found: installing Debian's chromium package (apt-get update && apt-get install -y chromium)");
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", "chromium"]]) {
    const r = spawnSync("apt-get", args, { env, stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
  }
}

/** The path of a Chromium binary, installing one if none is there and this machine allows it. */
export function ensureChromium() {
  const forced = process.env.CHROMIUM_PATH;
  if (forced) {
    if (!executable(forced)) throw new Error(`CHROMIUM_PATH=${forced} is not an executable file`);
    return forced;
  }
  const found = onPath() ?? (executable("/usr/bin/chromium") ? "/usr/bin/chromium" : null);
  if (found) return found;
  const canApt = process.platform === "linux" && process.getuid?.() === 0 && spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (!canApt) {
    throw new Error(`No Chromium found (looked for ${NAMES.join(", ")} on PATH). Install one (Debian: apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  aptInstall();
  const installed = onPath() ?? (executable("/usr/bin/chromium") ? "/usr/bin/chromium" : null);
  if (!installed) throw new Error("apt-get installed chromium, but no chromium binary is on PATH");
  return installed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = ensureChromium();
  console.log(`${path}: ${execFileSync(path, ["--version"], { encoding: "utf8" }).trim()}`);
}
