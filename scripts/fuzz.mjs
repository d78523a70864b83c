// `npm run fuzz`: the fuzz properties of test/fuzz with 10,000 runs per route (FUZZ_RUNS), under one printed seed
// (FUZZ_SEED replays it), writing each route's 2xx/4xx/5xx counts and any failure to bench/results/fuzz-<time>.json.
//
//   npm run fuzz                                   # 10,000 runs per route, a fresh seed
//   FUZZ_RUNS=2000 npm run fuzz                    # a shorter run
//   FUZZ_SEED=123 npm run fuzz                     # the same requests again
//   FUZZ_SEED=123 FUZZ_PATH=42:0:1 npm run fuzz -- test/fuzz/admin.fuzz.test.ts -t 'admin jobs'   # one counterexample
//
// Extra arguments go to vitest. The figures are printed after the run by scripts/fuzz-reporter.ts, which also writes the file.
// The Worker's own logs are silenced (see below).
import { spawn } from "node:child_process";

const runs = process.env.FUZZ_RUNS ?? "10000";
const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const results = process.env.FUZZ_RESULTS ?? `bench/results/fuzz-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
const args = process.argv.slice(2);
const files = args.some((a) => a.startsWith("test/")) ? [] : ["test/fuzz"];

console.log(`fuzz: ${runs} runs per route, seed ${seed} (FUZZ_SEED=${seed} replays it); figures → ${results}`);
// The Worker logs a line per request, and vitest prints a failing test's logs: tens of MB at 10,000 runs. The failures
// are in the figures, and the replay command printed for each (npx vitest …) shows its logs. Pass --silent=passed-only to
// keep them here.
const silent = args.some((a) => a.startsWith("--silent")) ? [] : ["--silent=true"];
const child = spawn("vitest", ["run", ...silent, ...files, ...args], { stdio: "inherit", env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed, FUZZ_RESULTS: results } });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
