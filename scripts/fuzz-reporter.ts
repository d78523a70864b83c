// Vitest reporter for the fuzz properties (test/fuzz): prints each route's status distribution after the run, and
// under `npm run fuzz` (FUZZ_RESULTS set) writes the figures, the seed and any failure to a JSON file.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import type { Reporter, TestCase, Vitest } from "vitest/node";
import type { RouteStats } from "../test/fuzz/route-stats";

type Row = RouteStats & { file: string; state: string };

export default class FuzzReporter implements Reporter {
  private ctx!: Vitest;
  private rows: Row[] = [];
  private readonly startedAt = new Date();
  // Read when the run starts: the code under test is what was checked out then, not at the end of a long run.
  private readonly commit = commit();

  onInit(ctx: Vitest) {
    this.ctx = ctx;
  }

  onTestCaseResult(test: TestCase) {
    const stats = test.meta().fuzz;
    if (stats) this.rows.push({ ...stats, file: relative(this.ctx.config.root, test.module.moduleId), state: test.result().state });
  }

  onTestRunEnd() {
    if (this.rows.length === 0) return;
    const rows = [...this.rows].sort((a, b) => a.file.localeCompare(b.file) || a.route.localeCompare(b.route));
    const sum = (k: "runs" | "requests" | "2xx" | "4xx" | "5xx" | "rate_limited") => rows.reduce((n, r) => n + r[k], 0);
    const totals = { routes: rows.length, runs: sum("runs"), requests: sum("requests"), "2xx": sum("2xx"), "4xx": sum("4xx"), "5xx": sum("5xx"), rate_limited: sum("rate_limited") };
    const seeds = [...new Set(rows.map((r) => r.seed))];
    const log = (line = "") => this.ctx.logger.log(line);
    log();
    log(`fuzz: seed ${seeds.join(", ")} (FUZZ_SEED=${seeds[0]} replays it)`);
    const width = Math.max(...rows.map((r) => r.route.length));
    for (const r of rows) {
      const mark = r.state === "passed" ? "ok  " : "FAIL";
      log(`  ${mark} ${r.route.padEnd(width)}  runs ${String(r.runs).padStart(6)}  requests ${String(r.requests).padStart(6)}  2xx ${String(r["2xx"]).padStart(6)}  4xx ${String(r["4xx"]).padStart(6)} (429: ${r.rate_limited})  5xx ${r["5xx"]}  ${(r.duration_ms / 1000).toFixed(1)} s`);
      const endpoints = Object.entries(r.endpoints);
      if (endpoints.length > 1 || process.env.FUZZ_VERBOSE) {
        for (const [name, e] of endpoints) log(`         ${name}: ${e.requests} requests, 2xx ${e["2xx"]}, 4xx ${e["4xx"]}, 5xx ${e["5xx"]}, ${(e.duration_ms / Math.max(1, e.requests)).toFixed(0)} ms each`);
      }
      for (const f of r.failures ?? []) log(`       ✗ ${f.signature} ×${f.count}\n         ${f.error.split("\n")[0]!.slice(0, 300)}\n         replay: ${f.replay}`);
    }
    log(`  total: ${totals.routes} properties, ${totals.runs} runs, ${totals.requests} requests: 2xx ${totals["2xx"]}, 4xx ${totals["4xx"]} (429: ${totals.rate_limited}), 5xx ${totals["5xx"]}`);

    const out = process.env.FUZZ_RESULTS;
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify({ started_at: this.startedAt.toISOString(), finished_at: new Date().toISOString(), commit: this.commit, seed: seeds[0], runs_per_route: Number(process.env.FUZZ_RUNS) || null, totals, routes: rows }, null, 2)}\n`);
      log(`  written: ${out}`);
    }
  }
}

function commit(): string | null {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "test"], { encoding: "utf8" }).trim() !== "";
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}
