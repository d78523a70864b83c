// One benchmark run from start to end: a temp dir with a snapshot of the sources, the D1 migrations, the Worker
// (with fresh secrets and the latency model's vars), then the JSON result in bench/results/ and the exit code.
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { d1File, nodeSqliteVersion } from "./d1-file.mjs";
import { git, ROOT, round, say, snapshotSources, wrangler, WORKER_FILES } from "./harness.mjs";
import { latencySettings, writeBenchConfig } from "./latency.mjs";
import { killWorkersSync, startWorker, tail } from "./worker.mjs";

const RESULTS_DIR = path.join(ROOT, "bench", "results");

const versionOf = (pkg) => JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;

/**
 * Runs `run(bench)`, which measures and returns { report, problems }; `print(result)` shows it. The exit code is 2 when
 * there are problems (a check failed), 1 when the benchmark itself failed. BENCH_REF benchmarks a git ref instead of
 * the working tree; BENCH_KEEP_TMP=1 keeps the temp dir (always kept on failure); BENCH_LATENCY picks the latency
 * modes (`latencyDefault` when unset).
 */
export async function runBenchmark({ name, settings, latencyDefault = "0", run, print }) {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 5)) {
    console.error(`[bench] Node ${process.versions.node}: this needs Node ≥ 22.5 (wrangler 4 and node:sqlite). Run it as \`npm run bench:${name}\`.`);
    process.exit(1);
  }
  settings.latency = latencySettings(latencyDefault);
  settings.source_ref = process.env.BENCH_REF || null;
  const keepTmp = process.env.BENCH_KEEP_TMP === "1";
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((x) => round(x, 2));
  if (loadAtStart[0] > os.cpus().length / 2) {
    say(`warning: the machine is busy (load average ${loadAtStart.join(" ")} on ${os.cpus().length} CPUs); figures will be noisier`);
  }
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), `edgeloop-bench-${name}-`));
  process.on("exit", killWorkersSync);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, () => {
      killWorkersSync();
      if (!keepTmp) fs.rmSync(tmp, { recursive: true, force: true });
      process.exit(130);
    });
  }
  const appDir = path.join(tmp, "app");
  const persistDir = path.join(tmp, "state");
  const logFile = path.join(tmp, "wrangler-dev.log");
  const workers = [];
  try {
    const [commit, dirty] = await Promise.all([git("rev-parse", settings.source_ref ?? "HEAD"), git("status", "--porcelain", "--", ...WORKER_FILES, "bench/worker")]);
    const source = {
      ref: settings.source_ref,
      commit,
      dirty_files: (dirty ?? "").split("\n").filter((l) => l && (!settings.source_ref || l.includes("bench/worker"))),
      snapshot_sha256_16: await snapshotSources(appDir, settings.source_ref),
    };
    // BENCH_LATENCY=plain runs the app's own wrangler.toml (src/index.ts), without the bench build's wrappers.
    const config = settings.latency.plain ? path.join(appDir, "wrangler.toml") : writeBenchConfig(appDir);
    say(`temp dir ${tmp}; source ${source.ref ?? "working tree"} @ ${commit?.slice(0, 12)}${source.dirty_files.length ? ` (${source.dirty_files.length} uncommitted changes)` : ""}`);
    const secrets = { adminToken: randomBytes(16).toString("hex"), jwtSecret: randomBytes(16).toString("hex"), userIdSalt: randomBytes(16).toString("hex") };
    const bench = {
      tmp,
      appDir,
      persistDir,
      logFile,
      settings,
      source,
      secrets,
      say,
      async migrate() {
        say("applying D1 migrations to a fresh persist dir");
        await wrangler(appDir, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir]);
      },
      d1File: (table) => d1File(persistDir, table),
      /** `wrangler dev` with the secrets above, the latency model's vars and the scenario's `vars`. */
      async startWorker(vars = {}) {
        say("starting wrangler dev (bench build)");
        const t0 = Date.now();
        const w = await startWorker({
          appDir,
          persistDir,
          logFile,
          config,
          latency: settings.latency,
          vars: { ADMIN_TOKEN: secrets.adminToken, JWT_SECRET: secrets.jwtSecret, USER_ID_SALT: secrets.userIdSalt, ...vars },
        });
        workers.push(w);
        say(`ready on ${w.base} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        return w;
      },
      /** An HS256 JWT for a project admin, signed with this run's JWT_SECRET, valid for two hours. */
      adminJwt(projectId, subject) {
        return new SignJWT({ role: "admin", project: projectId })
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(subject)
          .setIssuedAt()
          .setExpirationTime("2h")
          .sign(new TextEncoder().encode(secrets.jwtSecret));
      },
      /** `wrangler d1 execute --local --json` on the run's D1: the rows of the first result. */
      async d1Execute(sql) {
        const { stdout } = await wrangler(appDir, ["d1", "execute", "DB", "--local", "--persist-to", persistDir, "--json", "--command", sql]);
        return JSON.parse(stdout.slice(stdout.indexOf("[")))[0].results;
      },
    };

    const { report, problems } = await run(bench);
    for (const w of workers) await w.stop();
    const result = {
      benchmark: name,
      started_at: startedAt.toISOString(),
      finished_at: new Date().toISOString(),
      command: `npm run bench:${name}`,
      settings,
      source,
      machine: {
        cpus: os.cpus().length,
        cpu_model: os.cpus()[0]?.model ?? null,
        memory_gb: round(os.totalmem() / 2 ** 30, 1),
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        node: process.version,
        node_sqlite_version: await nodeSqliteVersion(),
        loadavg_at_start: loadAtStart,
        loadavg_at_end: os.loadavg().map((x) => round(x, 2)),
      },
      tools: { wrangler: versionOf("wrangler"), autocannon: versionOf("autocannon"), tsx: versionOf("tsx") },
      ...report,
    };
    print(result);
    await fsp.mkdir(RESULTS_DIR, { recursive: true });
    const out = path.join(RESULTS_DIR, `${name}-${result.started_at.replace(/[:.]/g, "-")}.json`);
    await fsp.writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    say(`wrote ${path.relative(ROOT, out)}`);
    if (problems.length) {
      say(`PROBLEMS: ${problems.join("; ")}`);
      process.exitCode = 2;
    }
  } catch (err) {
    console.error(`[bench] failed: ${err.stack ?? err}`);
    if (fs.existsSync(logFile)) console.error(`[bench] last lines of wrangler dev:\n${tail(logFile, 30)}`);
    process.exitCode = 1;
  } finally {
    for (const w of workers) await w.stop();
    if (keepTmp || process.exitCode) say(`kept ${tmp} (wrangler-dev.log, D1 state)`);
    else await fsp.rm(tmp, { recursive: true, force: true });
  }
}
