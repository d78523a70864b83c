// npm run simulate — seeded Bernoulli bandits run against the real policy code: cumulative regret per policy, next to the Lai–Robbins line.
//
// Each round: pick a bucket (seeded), ask the policy (policyFor(kind).decide, the code the BanditBucket runs) with the
// statistics observed so far, draw a Bernoulli reward for the chosen action from the bucket's true rates, record it.
// Regret is pseudo-regret, Σ_t (p*_bucket − p_bucket,action): the expected loss of each choice, so reward noise does
// not blur the comparison. Every policy of one seed sees the same bucket sequence and the same uniform per round
// (common random numbers), so differences between policies are the policies'.
//
// What mirrors production (src/decisions/bandit-bucket-do.ts, arm-stats.ts, decide.ts):
// - stats per (bucket, action) and pooled stats per action summed over every bucket, the bucket's own included, as
//   loadArmStats reads them;
// - Thompson with no statistics in the bucket or the pool falls back to v0 (hasNoStatistics), as the DO does;
// - v0 gets a fresh unit_id every round (its hash is over UTC day, unit and bucket), so it plays as uniform;
// - `now` advances so the T rounds span --days simulated days (default 28), and ε decays from the policy's start;
// - --batch N publishes statistics every N rounds (the rebuild job); the default, 1, updates them immediately.
//
// Speed: Thompson's decide() integrates P(arm is best) for every arm (probabilityOfBeingBest, adaptive Gauss–Kronrod
// to 1e-10): 0.2–0.8 ms at K = 10 and 10–20 ms at K = 100 on this machine. best-arm-memo.ts remembers the result per
// posterior, which serves a BanditBucket between statistics loads, but here the statistics change every round (or
// every --batch), so nearly every call integrates. Those numbers are only logged (the propensities); the action
// comes from the floor draw, the ε draw and the Beta draws, none of which reads them.
// So by default the runs go to worker processes in which src/stats/argmax-probability resolves to a stub (a Node
// resolve hook; nothing in src/ changes), and every Thompson contender is first replayed for its first rounds with
// the real module: the run's actions must be identical, round by round (hash of the sequence), or the run fails.
// --exact-propensities runs everything with the real module (slow: T = 10,000 at K = 10 costs ~8 s per run, and
// K = 100 costs 10–20 ms per decision).
//
// Settings: Chapelle & Li 2011, "An Empirical Evaluation of Thompson Sampling" (NIPS), section 4.1: K arms, the best
// at 0.5 and the others at 0.5 − ε, K ∈ {10, 100}, ε ∈ {0.1, 0.02}; and a multi-bucket setting shaped like
// image_pregen (4 buckets with different best arms, base rates and traffic shares).
//
// Flags: --rounds T (every setting; default 10,000),
// --seeds N (5), --seed S (first seed, 1), --k K and --epsilon E (run only the Chapelle–Li settings with these;
// either may be a comma list), --batch N (1), --days D (28), --policies a,b (default v0,thompson,thompson_eps,ucb1;
// also thompson_eps_floor0 and ucb1_floor0), --settings name,name, --jobs N (worker processes, default the CPU count),
// --exact-propensities, --check-rounds N (rounds replayed with the real module; 0 skips), --no-json.
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { hasNoStatistics } from "../src/decisions/arm-stats";
import { IMAGE_PREGEN } from "../src/decisions/builtin-decision-types";
import { DEFAULT_PROPENSITY_FLOOR, policyFor } from "../src/decisions/policies";
import { MAX_FLOOR_MASS, uniformBranchProbability } from "../src/decisions/policies/propensity-floor";
import type { ArmStats, PolicyKind, PolicyParams, PooledStats } from "../src/decisions/policies/policy";
import { seededRng } from "../src/stats/random";

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), "..");
const DAY_MS = 86_400_000;
// A fixed start, so v0's UTC-day hash and ε's decay are the same on every run.
const START_MS = Date.UTC(2026, 0, 5);

// The stub for the workers: uniform "propensities", so the code that mixes them with ε and the floor still runs.
const STUB_ARGMAX = "data:text/javascript,export function probabilityOfBeingBest(p){return p.map(()=>1/p.length)}";
const HOOKS = `data:text/javascript,export async function resolve(s,c,n){if(/\\/argmax-probability(\\.ts)?$/.test(s))return{url:${JSON.stringify(STUB_ARGMAX)},shortCircuit:true};return n(s,c)}`;
const REGISTER_HOOKS = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(HOOKS)});`;

// ---------------------------------------------------------------------------------------------------------------------
// Flags

type Flags = {
  rounds: number | null;
  seeds: number;
  seed: number;
  k: number[] | null;
  epsilon: number[] | null;
  batch: number;
  days: number;
  policies: string[] | null;
  settings: string[] | null;
  jobs: number;
  exact: boolean;
  checkRounds: number | null;
  json: boolean;
};

function parseFlags(argv: string[]): Flags {
  const f: Flags = { rounds: null, seeds: 5, seed: 1, k: null, epsilon: null, batch: 1, days: 28, policies: null, settings: null, jobs: os.cpus().length, exact: false, checkRounds: null, json: true };
  const num = (name: string, v: string | undefined, { int = true, min = 1 } = {}) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || (int && !Number.isInteger(n)) || n < min) throw new Error(`--${name} needs ${int ? "an integer" : "a number"} ≥ ${min}, got '${v}'`);
    return n;
  };
  const list = (v: string | undefined) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--rounds": f.rounds = num("rounds", value(), { min: 10 }); break;
      case "--seeds": f.seeds = num("seeds", value(), { min: 2 }); break;
      case "--seed": f.seed = num("seed", value(), { min: 0 }); break;
      case "--k": f.k = list(value()).map((v) => num("k", v, { min: 2 })); break;
      case "--epsilon": f.epsilon = list(value()).map((v) => { const e = num("epsilon", v, { int: false, min: 0 }); if (!(e > 0 && e < 0.5)) throw new Error(`--epsilon must be in (0, 0.5), got ${v}`); return e; }); break;
      case "--batch": f.batch = num("batch", value()); break;
      case "--days": f.days = num("days", value(), { int: false, min: 0 }); break;
      case "--policies": f.policies = list(value()); break;
      case "--settings": f.settings = list(value()); break;
      case "--jobs": f.jobs = num("jobs", value()); break;
      case "--exact-propensities": f.exact = true; break;
      case "--check-rounds": f.checkRounds = num("check-rounds", value(), { min: 0 }); break;
      case "--no-json": f.json = false; break;
      case "--help": case "-h":
        console.log(fs.readFileSync(SELF, "utf8").split("\n").filter((l) => l.startsWith("//")).map((l) => l.slice(3)).join("\n"));
        process.exit(0);
      default: throw new Error(`Unknown flag '${argv[i]}' (--help lists them)`);
    }
  }
  return f;
}

/** Rounds replayed with the real argmax module: enough to cover the fallback, the floor, ε and many Beta draws. */
function checkRoundsFor(setting: Setting, flags: Flags): number {
  if (flags.checkRounds !== null) return flags.checkRounds;
  return setting.actions.length >= 50 ? 200 : 2000;
}

// ---------------------------------------------------------------------------------------------------------------------
// Environments

type Bucket = { name: string; rates: number[]; weight: number };
type Setting = { name: string; description: string; actions: string[]; buckets: Bucket[]; rounds: number };

const armNames = (k: number) => Array.from({ length: k }, (_, i) => `arm_${String(i).padStart(String(k - 1).length, "0")}`);

// T = 10,000 everywhere keeps the default run under a minute on 2 CPUs. At K = 100 that is 100 pulls per arm, too
// few for much learning at ε = 0.1 and none at ε = 0.02: for Chapelle & Li's K = 100 curves, pass --rounds 100000.
const DEFAULT_ROUNDS: Record<number, number> = { 10: 10_000, 100: 10_000 };

function chapelleLi(k: number, eps: number, rounds: number): Setting {
  // The best arm is not the first, so a policy that breaks ties by order gets no free win.
  const best = Math.floor(k / 2);
  const rates = Array.from({ length: k }, (_, i) => (i === best ? 0.5 : 0.5 - eps));
  return { name: `cl-k${k}-e${eps}`, description: `Chapelle & Li: K=${k}, best 0.5, others ${round(0.5 - eps, 4)}`, actions: armNames(k), buckets: [{ name: "all", rates, weight: 1 }], rounds };
}

/** Four buckets like image_pregen's post_type × objective: different best arms, base rates and traffic. */
function multiBucket(rounds: number): Setting {
  const actions = armNames(4);
  const spec = [
    { name: "post_type=carousel|objective=sales", best: 0, top: 0.15, weight: 0.4 },
    { name: "post_type=reel|objective=reach", best: 1, top: 0.4, weight: 0.3 },
    { name: "post_type=single|objective=sales", best: 2, top: 0.6, weight: 0.2 },
    { name: "post_type=story|objective=engagement", best: 3, top: 0.8, weight: 0.1 },
  ];
  const buckets = spec.map((s) => ({ name: s.name, weight: s.weight, rates: actions.map((_, i) => (i === s.best ? s.top : round(s.top - 0.1, 4))) }));
  return { name: "multi-4x4", description: "4 buckets (traffic 40/30/20/10 %), best arm differs per bucket, best 0.15/0.4/0.6/0.8, others 0.1 lower", actions, buckets, rounds };
}

function settingsFor(f: Flags): Setting[] {
  const ks = f.k ?? [10, 100];
  const eps = f.epsilon ?? [0.1, 0.02];
  const out: Setting[] = [];
  for (const k of ks) for (const e of eps) out.push(chapelleLi(k, e, f.rounds ?? DEFAULT_ROUNDS[k] ?? 10_000));
  if (!f.k && !f.epsilon) out.push(multiBucket(f.rounds ?? 10_000));
  return f.settings ? out.filter((s) => f.settings!.includes(s.name)) : out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Policies under test: the product's params, with ε switched off for plain Thompson.

const PRODUCT_THOMPSON = IMAGE_PREGEN.policies.image_pregen_bandit_v1!.params as PolicyParams;
type Contender = { id: string; label: string; kind: PolicyKind; params: PolicyParams };
const CONTENDERS: Contender[] = [
  { id: "v0", label: "v0 (deterministic hash)", kind: "deterministic", params: {} },
  { id: "thompson", label: "Thompson (no ε, floor 0)", kind: "thompson", params: { ...PRODUCT_THOMPSON, epsilon: { ...PRODUCT_THOMPSON.epsilon!, enabled: false }, propensityFloor: 0 } },
  { id: "thompson_eps", label: "Thompson + ε (seed 004)", kind: "thompson", params: PRODUCT_THOMPSON },
  { id: "ucb1", label: "UCB1 (defaults: c = 2, floor 0.01)", kind: "ucb1", params: {} },
  // Not run by default: the same without the propensity floor, to separate its cost (K·f of the traffic is uniform).
  { id: "thompson_eps_floor0", label: "Thompson + ε, floor 0", kind: "thompson", params: { ...PRODUCT_THOMPSON, propensityFloor: 0 } },
  { id: "ucb1_floor0", label: "UCB1, floor 0", kind: "ucb1", params: { propensityFloor: 0 } },
];
const DEFAULT_CONTENDERS = ["v0", "thompson", "thompson_eps", "ucb1"];

// ---------------------------------------------------------------------------------------------------------------------
// Lai & Robbins (1985): for any consistent policy, E[regret(T)] ≥ (1 − o(1)) · ln T · Σ_{i: Δi>0} Δi / KL(p_i ‖ p*).

function bernoulliKl(p: number, q: number): number {
  const term = (a: number, b: number) => (a === 0 ? 0 : a * Math.log(a / b));
  return term(p, q) + term(1 - p, 1 - q);
}

/** The constant C in C · ln T for one bucket. */
function laiRobbinsConstant(rates: number[]): number {
  const best = Math.max(...rates);
  return rates.reduce((sum, p) => (p < best ? sum + (best - p) / bernoulliKl(p, best) : sum), 0);
}

/** Buckets are independent problems: each one's bound at its own share of the rounds. */
function laiRobbins(setting: Setting, t: number): number {
  return setting.buckets.reduce((sum, b) => sum + laiRobbinsConstant(b.rates) * Math.log(Math.max(1, t * b.weight)), 0);
}

/** Expected regret of uniform play: what v0 should show. */
function uniformRegret(setting: Setting, t: number): number {
  return setting.buckets.reduce((sum, b) => {
    const best = Math.max(...b.rates);
    return sum + t * b.weight * b.rates.reduce((s, p) => s + (best - p), 0) / b.rates.length;
  }, 0);
}

// ---------------------------------------------------------------------------------------------------------------------
// One run: one setting, one policy, one seed.

type Run = {
  regretAt: number[];
  curve: number[];
  bestShareLastDecile: number;
  exploredShare: number;
  fallbacks: number;
  msPerDecision: number;
  /** The first rounds' actions, hashed, and µs per decide over them: what the exactness check compares. */
  prefixRounds: number;
  prefixHash: number;
  prefixUs: number;
};

function checkpoints(T: number): number[] {
  return [Math.round(T / 10), Math.round(T / 2), T];
}

function curvePoints(T: number): number[] {
  return Array.from({ length: 20 }, (_, i) => Math.round(((i + 1) * T) / 20));
}

function runOnce(setting: Setting, c: Contender, seed: number, flags: Flags, limit = setting.rounds): Run {
  const T = setting.rounds;
  const prefixRounds = Math.min(T, checkRoundsFor(setting, flags));
  const policy = policyFor(c.kind);
  const fallback = policyFor("deterministic");
  const envRng = seededRng(`${setting.name}/env/${seed}`);
  const rng = seededRng(`${setting.name}/${c.id}/${seed}`);
  const spanMs = flags.days * DAY_MS;
  const cumWeights: number[] = [];
  setting.buckets.reduce((acc, b) => (cumWeights.push(acc + b.weight), acc + b.weight), 0);
  const bestRate = setting.buckets.map((b) => Math.max(...b.rates));
  const bestIndex = setting.buckets.map((b) => b.rates.indexOf(Math.max(...b.rates)));
  const actionIndex = new Map(setting.actions.map((a, i) => [a, i]));

  // Live counts, and what the policy sees: kept in step when updates are immediate, a snapshot per batch otherwise.
  const live = setting.buckets.map(() => setting.actions.map(() => ({ n: 0, successes: 0 })));
  const emptyStats = (): Record<string, ArmStats | undefined> => ({});
  let seen = setting.buckets.map(emptyStats);
  let pooled: PooledStats = {};
  const publish = () => {
    seen = live.map((arms) => {
      const s: Record<string, ArmStats | undefined> = {};
      arms.forEach((a, i) => {
        if (a.n > 0) s[setting.actions[i]!] = armStats(setting.actions[i]!, a.n, a.successes);
      });
      return s;
    });
    const p: PooledStats = {};
    setting.actions.forEach((action, i) => {
      let n = 0, successes = 0;
      for (const arms of live) { n += arms[i]!.n; successes += arms[i]!.successes; }
      if (n > 0) p[action] = { n, successes };
    });
    pooled = p;
  };

  const cps = checkpoints(T);
  const curveAt = curvePoints(T);
  const regretAt: number[] = [];
  const curve: number[] = [];
  let regret = 0;
  let lastDecileBest = 0;
  let explored = 0;
  let fallbacks = 0;
  const decileStart = T - Math.floor(T / 10);
  let decideMs = 0;
  let prefixHash = 0x811c9dc5;
  let prefixUs = 0;
  for (let t = 1; t <= limit; t++) {
    const u = envRng();
    let b = 0;
    while (b < cumWeights.length - 1 && u >= cumWeights[b]!) b++;
    const rewardDraw = envRng();
    const bucket = setting.buckets[b]!;
    const now = START_MS + Math.floor(((t - 1) * spanMs) / T);
    const input = {
      actions: setting.actions,
      stats: seen[b]!,
      pooled,
      params: c.params,
      unitId: `sim-${seed}-${t}`,
      bucket: bucket.name,
      now,
      policyStartedAt: START_MS,
      rng,
    };
    let decision;
    const t0 = performance.now();
    if (c.kind === "thompson" && hasNoStatistics({ version: 0, stats: seen[b]! as Record<string, ArmStats>, pooled })) {
      fallbacks++;
      decision = fallback.decide({ ...input, params: {} });
    } else {
      decision = policy.decide(input);
    }
    decideMs += performance.now() - t0;
    const a = actionIndex.get(decision.action);
    if (a === undefined) throw new Error(`${c.id} chose '${decision.action}', which is not one of the actions`);
    if (t <= prefixRounds) prefixHash = Math.imul(prefixHash ^ (a + 1), 0x01000193) >>> 0;
    if (t === prefixRounds) prefixUs = (decideMs * 1000) / t;
    if (decision.explored) explored++;
    const p = bucket.rates[a]!;
    regret += bestRate[b]! - p;
    if (t > decileStart && a === bestIndex[b]) lastDecileBest++;
    const arm = live[b]![a]!;
    arm.n++;
    if (rewardDraw < p) arm.successes++;
    if (flags.batch === 1) {
      // Immediate, in place: the policies are pure, and their one memo (best-arm-memo.ts) is keyed on the posterior
      // values, not on object identity, so mutating the record cannot serve stale answers; copying a 100-arm record
      // every round would cost more than the policy.
      seen[b]![decision.action] = armStats(decision.action, arm.n, arm.successes);
      const prev = pooled[decision.action];
      pooled[decision.action] = { n: (prev?.n ?? 0) + 1, successes: (prev?.successes ?? 0) + (rewardDraw < p ? 1 : 0) };
    } else if (t % flags.batch === 0) {
      publish();
    }
    if (cps.includes(t)) regretAt.push(regret);
    if (curveAt.includes(t)) curve.push(round(regret, 2));
  }
  return { regretAt, curve, bestShareLastDecile: lastDecileBest / (T - decileStart), exploredShare: explored / limit, fallbacks, msPerDecision: decideMs / limit, prefixRounds, prefixHash, prefixUs };
}

function armStats(action: string, n: number, successes: number): ArmStats {
  return { action, n, successes, failures: n - successes, rewardSum: successes };
}

// ---------------------------------------------------------------------------------------------------------------------
// Summaries

function round(x: number, digits = 1): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

const pm = (xs: number[], digits = 1) => {
  const { mean, sd } = meanSd(xs);
  return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`;
};

function git(...args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------------------------
// Worker processes: one job is one run.

type Job = { id: number; setting: Setting; contender: Contender; seed: number; flags: Flags; limit?: number };

function workerLoop() {
  process.on("message", (job: Job) => {
    try {
      process.send!({ id: job.id, run: runOnce(job.setting, job.contender, job.seed, job.flags, job.limit) });
    } catch (err) {
      process.send!({ id: job.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
  process.on("disconnect", () => process.exit(0));
}

/** Runs jobs on n forked copies of this script (with the stub hook unless exact), longest first. */
async function runJobs(jobs: Job[], n: number, exact: boolean): Promise<Map<number, Run>> {
  const results = new Map<number, Run>();
  const queue = [...jobs].sort((a, b) => cost(b) - cost(a));
  const execArgv = exact ? process.execArgv : [...process.execArgv, "--import", REGISTER_HOOKS];
  const workers: ChildProcess[] = [];
  const loops: Promise<void>[] = [];
  for (let w = 0; w < Math.min(n, queue.length); w++) {
    const child = fork(SELF, ["--worker"], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    workers.push(child);
    loops.push(
      (async () => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const current = job;
          const reply = await new Promise<{ id: number; run?: Run; error?: string }>((resolve, reject) => {
            const onExit = (code: number | null) => reject(new Error(`worker exited (${code}) during ${current.setting.name}/${current.contender.id}/${current.seed}`));
            child.once("exit", onExit);
            child.once("message", (m: { id: number; run?: Run; error?: string }) => {
              child.off("exit", onExit);
              resolve(m);
            });
            child.send(current);
          });
          if (reply.error || !reply.run) throw new Error(`${current.setting.name}/${current.contender.id}/seed ${current.seed}: ${reply.error}`);
          results.set(reply.id, reply.run);
        }
      })(),
    );
  }
  try {
    await Promise.all(loops);
  } finally {
    for (const w of workers) if (w.connected) w.disconnect();
  }
  return results;
}

function cost(job: Job): number {
  const k = job.setting.actions.length;
  return (job.limit ?? job.setting.rounds) * k * (job.contender.kind === "thompson" ? (job.flags.exact || job.limit ? 200 : 3) : 1);
}

// ---------------------------------------------------------------------------------------------------------------------

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const settings = settingsFor(flags);
  if (settings.length === 0) throw new Error("No setting matches the flags");
  const wanted = flags.policies ?? DEFAULT_CONTENDERS;
  const unknown = wanted.filter((id) => !CONTENDERS.some((c) => c.id === id));
  if (unknown.length) throw new Error(`Unknown policies ${unknown.join(", ")}; choose from ${CONTENDERS.map((c) => c.id).join(", ")}`);
  const contenders = CONTENDERS.filter((c) => wanted.includes(c.id));
  const seeds = Array.from({ length: flags.seeds }, (_, i) => flags.seed + i);
  const startedAt = new Date();
  const wall = performance.now();

  console.log(`edgeloop simulate — ${startedAt.toISOString()}`);
  console.log(`  ${seeds.length} seeds (${seeds[0]}…${seeds.at(-1)}), statistics ${flags.batch === 1 ? "updated immediately after every round" : `published every ${flags.batch} rounds (like the rebuild job)`}, T rounds span ${flags.days} simulated days, ${flags.jobs} worker processes`);
  console.log(
    flags.exact
      ? "  propensities: exact everywhere (the real probabilityOfBeingBest in every call)"
      : "  propensities: stubbed in the runs (they are logged, never used to choose); each Thompson contender's first rounds replayed with the real module must choose identically",
  );
  console.log("  regret = pseudo-regret Σ (p* − p_chosen), mean ± sd over seeds; LR = Lai–Robbins ln T · Σ Δi/KL(p_i‖p*): an asymptotic reference line, not a guarantee at finite T");
  for (const c of contenders) console.log(`  ${c.id.padEnd(13)} ${c.label}: ${c.kind} ${JSON.stringify(c.params)}`);

  // All runs, in parallel; and, unless exact, the replays of the first rounds with the real module.
  const jobs: Job[] = [];
  let nextId = 0;
  const jobIds = new Map<string, number>();
  for (const setting of settings) {
    for (const contender of contenders) {
      for (const seed of seeds) {
        jobIds.set(`${setting.name}/${contender.id}/${seed}`, nextId);
        jobs.push({ id: nextId++, setting, contender, seed, flags });
      }
    }
  }
  const checks: Job[] = [];
  if (!flags.exact) {
    for (const setting of settings) {
      const rounds = Math.min(setting.rounds, checkRoundsFor(setting, flags));
      if (rounds === 0) continue;
      for (const contender of contenders.filter((c) => c.kind === "thompson")) {
        checks.push({ id: nextId++, setting, contender, seed: seeds[0]!, flags, limit: rounds });
      }
    }
  }
  // The replays get one process of their own (the real module) next to the runs' --jobs; they finish first.
  const [runs, replays] = await Promise.all([runJobs(jobs, flags.jobs, flags.exact), checks.length ? runJobs(checks, 1, true) : Promise.resolve(new Map<number, Run>())]);
  const runOf = (setting: Setting, c: Contender, seed: number) => runs.get(jobIds.get(`${setting.name}/${c.id}/${seed}`)!)!;

  const problems: string[] = [];
  const exactness: unknown[] = [];
  const results = [];
  for (const setting of settings) {
    const T = setting.rounds;
    const cps = checkpoints(T);
    const lr = cps.map((t) => laiRobbins(setting, t));
    const uni = cps.map((t) => uniformRegret(setting, t));
    const vacuous = lr[2]! > uni[2]!;
    console.log("");
    console.log(`${setting.name} — ${setting.description}; T = ${T}`);
    console.log(`  Lai–Robbins at T/10, T/2, T: ${lr.map((x) => x.toFixed(1)).join(", ")}   uniform play: ${uni.map((x) => x.toFixed(1)).join(", ")}${vacuous ? "   (LR(T) exceeds uniform play's regret: T is far too short for the asymptotic line to bite)" : ""}`);
    console.log(`  ${"policy".padEnd(20)}${"R(T/10)".padStart(16)}${"R(T/2)".padStart(18)}${"R(T)".padStart(18)}${"R(T)/LR(T)".padStart(14)}${"best, last 10%".padStart(16)}${"explored".padStart(10)}${(flags.exact ? "µs/decide" : "µs/decide*").padStart(12)}`);
    const byPolicy: Record<string, unknown> = {};
    for (const c of contenders) {
      const rs = seeds.map((s) => runOf(setting, c, s));
      const at = (i: number) => rs.map((r) => r.regretAt[i]!);
      const ratio = rs.map((r) => r.regretAt[2]! / lr[2]!);
      const best = rs.map((r) => r.bestShareLastDecile * 100);
      const explored = rs.map((r) => r.exploredShare * 100);
      const us = meanSd(rs.map((r) => r.msPerDecision * 1000)).mean;
      console.log(`  ${c.id.padEnd(20)}${pm(at(0)).padStart(16)}${pm(at(1)).padStart(18)}${pm(at(2)).padStart(18)}${pm(ratio, 2).padStart(14)}${`${meanSd(best).mean.toFixed(1)} %`.padStart(16)}${`${meanSd(explored).mean.toFixed(1)} %`.padStart(10)}${us.toFixed(1).padStart(12)}`);
      const summary = (xs: number[], d = 2) => { const m = meanSd(xs); return { mean: round(m.mean, d), sd: round(m.sd, d) }; };
      let exact: Record<string, unknown> | null = null;
      const check = checks.find((j) => j.setting === setting && j.contender === c);
      if (check) {
        const replay = replays.get(check.id)!;
        const run = rs[0]!;
        const identical = replay.prefixHash === run.prefixHash && replay.prefixRounds === run.prefixRounds;
        exact = { seed: check.seed, rounds: replay.prefixRounds, identical_actions: identical, us_per_decide_exact: round(replay.prefixUs, 1), us_per_decide_stubbed: round(run.prefixUs, 1) };
        exactness.push({ setting: setting.name, policy: c.id, ...exact });
        if (!identical) problems.push(`${setting.name}: ${c.id} chose differently with the real probabilityOfBeingBest in rounds 1–${replay.prefixRounds} (seed ${check.seed}): the stubbed runs do not stand for the real policy`);
      }
      byPolicy[c.id] = {
        label: c.label,
        kind: c.kind,
        params: c.params,
        regret: Object.fromEntries(cps.map((t, i) => [`t_${t}`, summary(at(i))])),
        regret_over_lai_robbins_at_T: summary(ratio, 3),
        best_arm_share_last_decile_pct: summary(best, 1),
        explored_share_pct: summary(explored, 1),
        thompson_fallbacks_to_v0: rs.map((r) => r.fallbacks),
        uniform_share_from_propensity_floor: c.kind === "deterministic" ? 0 : round(uniformBranchProbability(setting.actions.length, c.params.propensityFloor ?? DEFAULT_PROPENSITY_FLOOR), 4),
        us_per_decision_in_run: round(us, 2),
        exact_propensity_check: exact,
        curve_mean: curvePoints(T).map((t, i) => [t, round(meanSd(rs.map((r) => r.curve[i]!)).mean, 1)]),
        per_seed: Object.fromEntries(seeds.map((s, i) => [s, { regret: rs[i]!.regretAt.map((x) => round(x, 2)), best_arm_share_last_decile: round(rs[i]!.bestShareLastDecile, 4), explored_share: round(rs[i]!.exploredShare, 4) }])),
      };
    }
    // The propensity floor mixes in the uniform with weight K·f, capped at MAX_FLOOR_MASS (propensity-floor.ts):
    // say how much of each policy's traffic that is.
    const floors = contenders
      .filter((c) => c.kind !== "deterministic")
      .map((c) => ({ id: c.id, share: uniformBranchProbability(setting.actions.length, c.params.propensityFloor ?? DEFAULT_PROPENSITY_FLOOR) }))
      .filter((x) => x.share > 0);
    if (floors.length) {
      console.log(`  propensity floor: share of decisions drawn uniformly, min(K·f, ${MAX_FLOOR_MASS}): ${floors.map((x) => `${x.id} ${(x.share * 100).toFixed(0)} %`).join(", ")}`);
    }
    const checked = exactness.filter((e) => (e as { setting: string }).setting === setting.name) as Array<{ policy: string; rounds: number; identical_actions: boolean; us_per_decide_exact: number }>;
    if (!flags.exact) console.log("  * µs/decide in the run, with the P(best) integral stubbed; the real cost is on the next line");
    if (checked.length) {
      console.log(`  Thompson µs/decide with the real propensities (rounds 1–${checked[0]!.rounds}, seed ${seeds[0]}): ${checked.map((e) => `${e.policy} ${e.us_per_decide_exact}`).join(", ")}; actions identical to the stubbed run: ${checked.every((e) => e.identical_actions) ? "yes" : "NO"}`);
    }
    results.push({
      setting: setting.name,
      description: setting.description,
      rounds: T,
      checkpoints: cps,
      actions: setting.actions.length,
      buckets: setting.buckets,
      lai_robbins: Object.fromEntries(cps.map((t, i) => [`t_${t}`, round(lr[i]!, 2)])),
      lai_robbins_constant_per_bucket: setting.buckets.map((b) => round(laiRobbinsConstant(b.rates), 3)),
      lai_robbins_vacuous_at_T: vacuous,
      uniform_play_regret: Object.fromEntries(cps.map((t, i) => [`t_${t}`, round(uni[i]!, 2)])),
      policies: byPolicy,
    });
  }

  // The sanity line the issue asks for: every learning policy should beat uniform play (v0). Seeds share their random
  // numbers across policies, so the test is paired: the mean per-seed difference must exceed 2 standard errors.
  const verdicts: unknown[] = [];
  for (const setting of settings) {
    if (!contenders.some((c) => c.id === "v0")) break;
    const v0 = seeds.map((s) => runOf(setting, CONTENDERS[0]!, s).regretAt[2]!);
    const vacuous = laiRobbins(setting, setting.rounds) > uniformRegret(setting, setting.rounds);
    for (const c of contenders.filter((x) => x.kind !== "deterministic")) {
      const diff = seeds.map((s, i) => v0[i]! - runOf(setting, c, s).regretAt[2]!);
      const { mean, sd } = meanSd(diff);
      const se = sd / Math.sqrt(diff.length);
      const better = mean > 2 * se && mean > 0;
      const floorShare = uniformBranchProbability(setting.actions.length, c.params.propensityFloor ?? DEFAULT_PROPENSITY_FLOOR);
      verdicts.push({ setting: setting.name, policy: c.id, v0_minus_policy_regret_at_T: { mean: round(mean, 2), se: round(se, 2) }, better_than_uniform: better });
      if (!better) {
        const why = floorShare >= 1 ? "the propensity floor makes every decision uniform (K·f ≥ 1)" : vacuous ? "T is too short for this setting (Lai–Robbins line above uniform play)" : "no known reason";
        problems.push(`${setting.name}: ${c.id} is not better than uniform play: v0 − ${c.id} R(T) = ${mean.toFixed(1)} ± ${se.toFixed(1)} (paired over seeds) — ${why}`);
      }
    }
  }
  const seconds = (performance.now() - wall) / 1000;
  console.log("");
  console.log(problems.length ? `CHECKS FAILED:\n  ${problems.join("\n  ")}` : `checks: every learning policy's R(T) is below v0's (uniform play) by more than 2 paired standard errors in every setting${flags.exact ? "" : "; stubbed runs chose as the real code did"}`);
  console.log(`done in ${seconds.toFixed(1)} s`);

  if (flags.json) {
    const dirty = git("status", "--porcelain", "--", "src", "scripts");
    const report = {
      benchmark: "simulate",
      started_at: startedAt.toISOString(),
      command: `npm run simulate${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
      flags,
      seeds,
      regret_definition: "pseudo-regret: sum over rounds of (best rate in the bucket − rate of the chosen action)",
      lai_robbins_note: "ln T · Σ_{i: Δi>0} Δi / KL(p_i‖p*), summed over buckets at each bucket's share of T; asymptotic lower bound for consistent policies, a reference line only at finite T",
      updates: flags.batch === 1 ? "immediate" : `every ${flags.batch} rounds`,
      propensities: flags.exact ? "exact in every run" : "stubbed in the runs (logged only, never used to choose); first rounds of each Thompson contender replayed with the real module, actions compared",
      exact_propensity_checks: exactness,
      simulated_days: flags.days,
      source: { commit: git("rev-parse", "HEAD"), dirty_files: (dirty ?? "").split("\n").filter(Boolean) },
      machine: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? null, node: process.version, platform: `${os.platform()} ${os.release()} ${os.arch()}`, loadavg_at_end: os.loadavg().map((x) => round(x, 2)) },
      duration_s: round(seconds, 1),
      checks: { passed: problems.length === 0, problems, better_than_uniform: verdicts },
      results,
    };
    const dir = path.join(ROOT, "bench", "results");
    fs.mkdirSync(dir, { recursive: true });
    const out = path.join(dir, `simulate-${report.started_at.replace(/[:.]/g, "-")}.json`);
    fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, out)}`);
  }
  if (problems.length) process.exitCode = 2;
}

if (process.argv.includes("--worker")) workerLoop();
else
  main().catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  });
