// npm run eval:obd — IPW, SNIPW, DM and DR of OBP's Bernoulli-TS policy on the Open Bandit Dataset samples, checked against OBP's own numbers.
//
// Inputs, outside the repository and never copied into it: the OBD samples (uniform-random and BTS logs, men and
// women campaigns) under ../shared/data/obd, and the reference file ../shared/reference/ope/obd_ope_vectors.json,
// which holds the evaluation policy's action distribution (BernoulliTS with the ZOZOTOWN prior, n_sim = 100,000: a
// Monte Carlo result, taken as input, never re-simulated) and, for `men`, what OBP 0.5.x computed from the same rows.
// Either missing: the script says so and exits 0 (it is not part of npm test).
//
// What it does, per campaign, the way OBP's OpenBanditDataset and estimators do it:
// - rows sorted by timestamp as OBP's pandas sort_values does it (numpy's unstable quicksort, reproduced in
//   numpy-argsort.ts: it decides the order of rows with the same timestamp), action = item_id, position = dense rank of `position` − 1, reward = click,
//   pscore = propensity_score (1/34 for men, 1/46 for women);
// - the evaluation policy's π_e(a, position), the same for every round;
// - two in-sample reward models: (a) mean click per (item, position), (b) mean click per position;
// - the four estimators (src/stats/ope/), each with two 95% intervals: OBP's bootstrap (1,000 resamples of the
//   per-round terms, numpy RandomState(12345), reproduced draw for draw by src/stats/numpy-random-state.ts) and the
//   normal approximation mean ± 1.96·sd/√n;
// - beside them the on-policy click rate of the BTS logs of the same campaign, the value OPE tries to predict.
// For `men` every number the reference file gives is compared within 1e-9 (relative for the weight sums), and the
// run prints PASS or FAIL per check and exits 1 on any FAIL. JSON goes to bench/results/eval-obd-<timestamp>.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { NumpyRandomState } from "../src/stats/numpy-random-state";
import { bootstrapInterval } from "../src/stats/ope/bootstrap-interval";
import { expectedReward } from "../src/stats/ope/direct-method";
import { estimatorTerms, evaluatePolicy, type EstimatorName, type OpeReport, type OpeRounds } from "../src/stats/ope/evaluate-policy";
import { effectiveSampleSize, importanceWeights } from "../src/stats/ope/importance-weights";
import { normalInterval } from "../src/stats/ope/normal-interval";
import { cellMeanRewardModel, type RewardModel } from "../src/stats/ope/reward-model";
import { numpyObjectArgsort } from "./numpy-argsort";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DATA = resolve(ROOT, "../shared/data/obd");
const REFERENCE = resolve(ROOT, "../shared/reference/ope/obd_ope_vectors.json");
const CAMPAIGNS = ["men", "women"] as const;
const ESTIMATORS: EstimatorName[] = ["ipw", "snipw", "dm", "dr"];
const TOL = 1e-9;

type Round = { timestamp: string; action: number; position: number; reward: number; pscore: number };
type Campaign = (typeof CAMPAIGNS)[number];

function main() {
  for (const [what, path] of [["OBD samples", DATA], ["OBP reference values", REFERENCE]] as const) {
    if (!existsSync(path)) {
      console.log(`eval:obd skipped: the ${what} are not at ${path} (they are not part of the repository).`);
      return 0;
    }
  }
  const reference = JSON.parse(readFileSync(REFERENCE, "utf8"));
  const results: Record<string, unknown> = {};
  const checks: Check[] = [];
  for (const campaign of CAMPAIGNS) {
    const ref = reference.campaigns[campaign];
    const logs = join(DATA, "random", campaign, `${campaign}.csv`);
    const bts = join(DATA, "bts", campaign, `${campaign}.csv`);
    if (!existsSync(logs) || !existsSync(bts)) {
      console.log(`${campaign}: skipped, ${existsSync(logs) ? bts : logs} is missing`);
      continue;
    }
    const r = evaluateCampaign(campaign, readRounds(logs), readRounds(bts), ref.evaluation_policy.action_dist as number[][], reference.meta);
    results[campaign] = r.json;
    printCampaign(campaign, r.json);
    checks.push(...referenceChecks(campaign, r, ref));
  }
  console.log(`\nReference checks (|ours − OBP| ≤ ${TOL}; sums relative):`);
  for (const c of checks) console.log(`  ${c.ok ? "PASS" : "FAIL"}  ${c.name.padEnd(44)} ours ${fmt(c.ours)}  OBP ${fmt(c.expected)}`);
  const failed = checks.filter((c) => !c.ok).length;
  console.log(failed === 0 ? `\nmen vs OBP: PASS (${checks.length} checks)` : `\nmen vs OBP: FAIL (${failed} of ${checks.length} checks)`);

  const outDir = join(ROOT, "bench/results");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `eval-obd-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ generated_at: new Date().toISOString(), settings: SETTINGS, campaigns: results, checks, passed: failed === 0 }, null, 2));
  console.log(`wrote ${file}`);
  return failed === 0 ? 0 : 1;
}

const SETTINGS = { bootstrap: { samples: 1000, alpha: 0.05, random_state: 12345, rng: "numpy RandomState (MT19937, masked randint)" }, normal: { z: 1.96, ddof: 1 } };

/** The CSV has no quoted fields (hashes, numbers, timestamps), so a split per line is exact. */
function readRounds(path: string): Round[] {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split("\n");
  const cols = header!.split(",");
  const at = (name: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`${path}: no column ${name}`);
    return i;
  };
  const [ts, item, pos, click, ps] = ["timestamp", "item_id", "position", "click", "propensity_score"].map(at) as [number, number, number, number, number];
  const read = lines.map((line) => {
    const f = line.split(",");
    return { timestamp: f[ts]!, action: Number(f[item]), position: Number(f[pos]), reward: Number(f[click]), pscore: Number(f[ps]) };
  });
  // OBP sorts by timestamp with pandas' default quicksort, which is not stable: tied timestamps come out in numpy's
  // order (one pair in random/men), and the bootstrap, resampling by row index, sees the difference.
  const rows = numpyObjectArgsort(read.map((r) => r.timestamp), (a, b) => a < b).map((i) => read[i]!);
  // Dense rank of the positions, 0-based (scipy.stats.rankdata(..., "dense") − 1).
  const ranks = new Map([...new Set(rows.map((r) => r.position))].sort((a, b) => a - b).map((p, i) => [p, i]));
  return rows.map((r) => ({ ...r, position: ranks.get(r.position)! }));
}

type ModelName = "a_item_position" | "b_position_only";

function evaluateCampaign(campaign: Campaign, rounds: Round[], btsRounds: Round[], dist: number[][], meta: { random_state: number; n_bootstrap_samples: number }) {
  const nActions = dist.length;
  const lenList = dist[0]!.length;
  const pi = (a: number, pos: number) => dist[a]![pos]!;
  const rewardRows = rounds.map((r) => ({ group: String(r.position), action: String(r.action), reward: r.reward }));
  const models: Record<ModelName, RewardModel> = {
    a_item_position: cellMeanRewardModel(rewardRows, { byAction: true }),
    b_position_only: cellMeanRewardModel(rewardRows, { byAction: false }),
  };
  const bootstrap = (terms: Float64Array) => {
    const rng = new NumpyRandomState(meta.random_state);
    return bootstrapInterval(terms, (n) => rng.randint(n), { samples: meta.n_bootstrap_samples, alpha: 0.05 });
  };
  const btsCtr = btsRounds.reduce((s, r) => s + r.reward, 0) / btsRounds.length;
  const perModel: Record<string, unknown> = {};
  let report: OpeReport | undefined;
  const termsByModel = {} as Record<ModelName, Record<EstimatorName, Float64Array>>;
  for (const name of Object.keys(models) as ModelName[]) {
    const model = models[name];
    const q = (a: number, pos: number) => model.predict(String(pos), String(a));
    const qTargetAt = Array.from({ length: lenList }, (_, pos) =>
      expectedReward(
        Array.from({ length: nActions }, (_, a) => pi(a, pos)),
        Array.from({ length: nActions }, (_, a) => q(a, pos)),
      ),
    );
    const input: OpeRounds = {
      reward: rounds.map((r) => r.reward),
      pscore: rounds.map((r) => r.pscore),
      targetProb: rounds.map((r) => pi(r.action, r.position)),
      qFactual: rounds.map((r) => q(r.action, r.position)),
      qTarget: rounds.map((r) => qTargetAt[r.position]!),
    };
    const normal = evaluatePolicy(input);
    report ??= normal;
    termsByModel[name] = estimatorTerms(input, importanceWeights(input.targetProb, input.pscore));
    perModel[name] = {
      q_hat: Array.from({ length: nActions }, (_, a) => Array.from({ length: lenList }, (_, pos) => q(a, pos))),
      estimates: Object.fromEntries(
        ESTIMATORS.map((e) => {
          const terms = termsByModel[name][e];
          const b = bootstrap(terms);
          const n0 = normalInterval(terms, { ddof: 0 });
          return [e, { value: normal.estimates[e].value, normal_ci95_ddof1: [normal.estimates[e].lower, normal.estimates[e].upper], normal_ci95_ddof0: [n0.lower, n0.upper], sd_ddof1: normalInterval(terms).sd, bootstrap_obp: b, relative_error_vs_bts: normal.estimates[e].value / btsCtr - 1 }];
        }),
      ),
      empty_cells: model.emptyCellsAsked,
    };
  }
  const w = importanceWeights(rounds.map((r) => pi(r.action, r.position)), rounds.map((r) => r.pscore));
  let sumW = 0, sumW2 = 0, sumWR = 0, maxW = 0, minW = Infinity;
  w.forEach((x, i) => {
    sumW += x;
    sumW2 += x * x;
    sumWR += x * rounds[i]!.reward;
    maxW = Math.max(maxW, x);
    minW = Math.min(minW, x);
  });
  const json = {
    n_rounds: rounds.length,
    n_actions: nActions,
    len_list: lenList,
    clicks: rounds.reduce((s, r) => s + r.reward, 0),
    on_policy_random_ctr: report!.onPolicy.value,
    on_policy_bts_ctr: btsCtr,
    on_policy_bts: { clicks: btsRounds.reduce((s, r) => s + r.reward, 0), n: btsRounds.length, normal_ci95: pickCi(normalInterval(btsRounds.map((r) => r.reward))) },
    importance_weights: { sum_w: sumW, sum_w2: sumW2, mean_w: sumW / w.length, max_w: maxW, min_w: minW, sum_w_times_reward: sumWR, ess: effectiveSampleSize(w), ess_fraction: effectiveSampleSize(w) / w.length },
    warnings: report!.warnings,
    reward_models: perModel,
  };
  return { json, termsByModel };
}

const pickCi = (i: { lower: number; upper: number }) => [i.lower, i.upper];

type Check = { name: string; ours: number; expected: number; ok: boolean };

/** Every number of the reference file that does not depend on anything but the rows, the policy and OBP's seed. */
function referenceChecks(campaign: Campaign, r: ReturnType<typeof evaluateCampaign>, ref: any): Check[] {
  const checks: Check[] = [];
  const a = r.json.reward_models.a_item_position as any;
  const b = r.json.reward_models.b_position_only as any;
  const add = (name: string, ours: number, expected: unknown, relative = false) => {
    if (typeof expected !== "number") return;
    const tol = relative ? TOL * Math.max(1, Math.abs(expected)) : TOL;
    checks.push({ name: `${campaign} ${name}`, ours, expected, ok: Math.abs(ours - expected) <= tol });
  };
  // The reward model's table is given for both campaigns: a check that both read the same rows.
  const qRef = ref.reward_model.q_hat as number[][];
  let worst = 0;
  qRef.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - a.q_hat[i][j])))));
  checks.push({ name: `${campaign} q_hat (item, position) max |diff|`, ours: worst, expected: 0, ok: worst <= TOL });
  if (typeof ref.estimates !== "object") return checks;
  for (const e of ESTIMATORS) add(`${e} (model a)`, a.estimates[e].value, ref.estimates[e]);
  for (const e of ESTIMATORS) {
    const boot = ref.bootstrap_interval_obp[e];
    add(`${e} bootstrap mean (model a)`, a.estimates[e].bootstrap_obp.mean, boot.mean);
    add(`${e} bootstrap 95% lower (model a)`, a.estimates[e].bootstrap_obp.lower, boot["95.0% CI (lower)"]);
    add(`${e} bootstrap 95% upper (model a)`, a.estimates[e].bootstrap_obp.upper, boot["95.0% CI (upper)"]);
    for (const ddof of [1, 0] as const) {
      const n = ref.normal_ci_per_round_terms[e][`ddof${ddof}`];
      const ours = a.estimates[e][`normal_ci95_ddof${ddof}`];
      add(`${e} normal 95% lower ddof${ddof} (model a)`, ours[0], n.lower);
      add(`${e} normal 95% upper ddof${ddof} (model a)`, ours[1], n.upper);
    }
  }
  const modelB = ref.reward_model_b_position_only;
  b.q_hat.forEach((row: number[], i: number) => row.forEach((v, pos) => i === 0 && add(`q_hat_b position ${pos}`, v, modelB.q_hat_by_position[pos])));
  for (const e of ["dm", "dr"] as const) {
    add(`${e} (model b)`, b.estimates[e].value, modelB[e].estimate);
    add(`${e} normal 95% lower ddof1 (model b)`, b.estimates[e].normal_ci95_ddof1[0], modelB[e].normal_ci_ddof1.lower);
    add(`${e} normal 95% upper ddof1 (model b)`, b.estimates[e].normal_ci95_ddof1[1], modelB[e].normal_ci_ddof1.upper);
    const boot = modelB[e]["bootstrap_interval_obp (BOOTSTRAP-DEPENDENT)"];
    add(`${e} bootstrap mean (model b)`, b.estimates[e].bootstrap_obp.mean, boot.mean);
    add(`${e} bootstrap 95% lower (model b)`, b.estimates[e].bootstrap_obp.lower, boot["95.0% CI (lower)"]);
    add(`${e} bootstrap 95% upper (model b)`, b.estimates[e].bootstrap_obp.upper, boot["95.0% CI (upper)"]);
  }
  const iw = ref.importance_weights;
  const ours = r.json.importance_weights;
  for (const k of ["sum_w", "sum_w2", "mean_w", "max_w", "min_w", "sum_w_times_reward", "ess", "ess_fraction"] as const) add(`weights ${k}`, ours[k], iw[k], true);
  add("on-policy BTS click rate", r.json.on_policy_bts_ctr, ref.ground_truth.on_policy_bts_ctr_sample);
  return checks;
}

function printCampaign(campaign: Campaign, j: any) {
  const a = j.reward_models.a_item_position;
  const b = j.reward_models.b_position_only;
  console.log(`\n${campaign}: ${j.n_rounds} uniform-random rounds, ${j.n_actions} items × ${j.len_list} positions, ${j.clicks} clicks; evaluation policy: OBP BernoulliTS (ZOZOTOWN prior)`);
  console.log(`  on-policy BTS click rate (BTS logs, same campaign): ${pct(j.on_policy_bts_ctr)}  (${j.on_policy_bts.clicks}/${j.on_policy_bts.n}, normal 95% ${ci(j.on_policy_bts.normal_ci95)})`);
  console.log(`  ESS ${j.importance_weights.ess.toFixed(1)} of ${j.n_rounds} (${(100 * j.importance_weights.ess_fraction).toFixed(1)}%), weights ${j.importance_weights.min_w.toFixed(4)}–${j.importance_weights.max_w.toFixed(3)}`);
  console.log(`  ${"estimator".padEnd(22)}${"value".padStart(9)}  ${"OBP bootstrap 95%".padEnd(22)}${"normal 95%".padEnd(22)}vs BTS`);
  const line = (label: string, e: any) =>
    console.log(`  ${label.padEnd(22)}${pct(e.value).padStart(9)}  ${ci([e.bootstrap_obp.lower, e.bootstrap_obp.upper]).padEnd(22)}${ci(e.normal_ci95_ddof1).padEnd(22)}${(100 * e.relative_error_vs_bts).toFixed(1)}%`);
  for (const e of ESTIMATORS) line(e === "dm" || e === "dr" ? `${e.toUpperCase()} (item×position q̂)` : e.toUpperCase(), a.estimates[e]);
  for (const e of ["dm", "dr"]) line(`${e.toUpperCase()} (position q̂)`, b.estimates[e]);
  for (const w of j.warnings) console.log(`  warning ${w.code}: ${w.message}`);
}

const pct = (x: number) => `${(100 * x).toFixed(4)}%`;
const ci = ([l, u]: number[]) => `[${(100 * l!).toFixed(4)}, ${(100 * u!).toFixed(4)}]%`;
const fmt = (x: number) => (Number.isFinite(x) ? x.toPrecision(12).padStart(18) : String(x));

process.exit(main());
