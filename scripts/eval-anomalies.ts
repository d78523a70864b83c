// npm run eval:anomalies — the ads anomaly detector (src/stats/anomalies) over Numenta Anomaly Benchmark series.
//
// Inputs, outside the repository and never copied into it: NAB's data files and labels under ../shared/data/nab
// (data/<group>/<series>.csv with `timestamp,value`, labels/combined_windows.json). Missing: the script says so and
// exits 0 (it is not part of npm test).
//
// Per series the detector runs causally over every sample (each verdict reads only the samples before it), with a
// period chosen per series: the artificial ones are 5-minute samples with a daily cycle (288); nyc_taxi is 30-minute
// counts with a weekly cycle (336); speed_7578 is irregular (gaps of minutes to hours), so it is put on a 15-minute
// grid (median of each bin, null where a bin is empty: the detector skips nulls) with a daily cycle (96).
// A labelled window is caught when at least one alarm falls inside it; alarms outside every window are counted as
// samples and as episodes (runs of consecutive alarming samples). The thresholds were tuned on the six artificial
// series only (`--grid` prints that sweep); nyc_taxi and speed_7578 are reported as they come.
// JSON goes to bench/results/eval-anomalies-<timestamp>.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_DETECTOR, detectSeries, type DetectorConfig } from "../src/stats/anomalies";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const NAB = resolve(ROOT, "../shared/data/nab");
const MINUTE = 60_000;

type SeriesSpec = { key: string; stepMinutes: number; period: number; resample: boolean; tuned: boolean };
const SERIES: SeriesSpec[] = [
  ...["art_daily_flatmiddle", "art_daily_jumpsdown", "art_daily_jumpsup", "art_daily_nojump", "art_increase_spike_density", "art_load_balancer_spikes"].map(
    (name) => ({ key: `artificialWithAnomaly/${name}.csv`, stepMinutes: 5, period: 288, resample: false, tuned: true }),
  ),
  { key: "realTraffic/speed_7578.csv", stepMinutes: 15, period: 96, resample: true, tuned: false },
  { key: "realKnownCause/nyc_taxi.csv", stepMinutes: 30, period: 336, resample: false, tuned: false },
];

/** The ads detector's shape with NAB's periods; everything but the period is the same on every series. */
const EVAL_CONFIG: Omit<DetectorConfig, "period"> = { ...DEFAULT_DETECTOR };

type Grid = { start: number; step: number; values: Array<number | null> };

/** NAB timestamps are naive local times: read them all as UTC, which keeps every difference right. */
const parseTime = (s: string) => Date.parse(`${s.trim().replace(" ", "T").slice(0, 19)}Z`);

function readGrid(file: string, spec: SeriesSpec): Grid {
  const rows = readFileSync(file, "utf8").trim().split(/\r?\n/).slice(1).map((line) => {
    const [ts, v] = line.split(",");
    return { t: parseTime(ts!), v: Number(v) };
  });
  const step = spec.stepMinutes * MINUTE;
  const start = Math.floor(rows[0]!.t / step) * step;
  const n = Math.floor((rows[rows.length - 1]!.t - start) / step) + 1;
  const bins: number[][] = Array.from({ length: n }, () => []);
  for (const r of rows) if (Number.isFinite(r.v)) bins[Math.floor((r.t - start) / step)]!.push(r.v);
  // On a regular series each bin holds one sample; on an irregular one a bin's median stands for it.
  const values = bins.map((b) => (b.length === 0 ? null : b.sort((x, y) => x - y)[(b.length - 1) >> 1]! / 2 + b[b.length >> 1]! / 2));
  return { start, step, values };
}

type SeriesResult = {
  series: string;
  samples: number;
  period: number;
  step_minutes: number;
  tuned_on: boolean;
  windows: Array<{ from: string; to: string; caught: boolean; first_alarm: string | null; alarms: number }>;
  caught: number;
  alarms_total: number;
  alarms_outside: number;
  episodes_outside: number;
};

function evaluate(spec: SeriesSpec, windows: string[][], config: Omit<DetectorConfig, "period">): SeriesResult {
  const grid = readGrid(join(NAB, "data", spec.key), spec);
  const verdicts = detectSeries(grid.values, { ...config, period: spec.period });
  const spans = windows.map(([from, to]) => ({ from: parseTime(from!), to: parseTime(to!) }));
  const inWindow = (i: number) => {
    const t0 = grid.start + i * grid.step;
    // A bin is inside a window when any part of it is.
    return spans.findIndex((w) => t0 <= w.to && t0 + grid.step > w.from);
  };
  const perWindow = spans.map(() => ({ alarms: 0, first: null as number | null }));
  let alarmsTotal = 0;
  let outside = 0;
  let episodes = 0;
  let previousOutside = -2;
  verdicts.forEach((v, i) => {
    if (v.status !== "scored" || !v.anomaly) return;
    alarmsTotal++;
    const w = inWindow(i);
    if (w >= 0) {
      perWindow[w]!.alarms++;
      perWindow[w]!.first ??= i;
    } else {
      outside++;
      if (i !== previousOutside + 1) episodes++;
      previousOutside = i;
    }
  });
  const iso = (i: number) => new Date(grid.start + i * grid.step).toISOString().slice(0, 16).replace("T", " ");
  return {
    series: spec.key,
    samples: grid.values.length,
    period: spec.period,
    step_minutes: spec.stepMinutes,
    tuned_on: spec.tuned,
    windows: windows.map(([from, to], k) => ({ from: from!.slice(0, 16), to: to!.slice(0, 16), caught: perWindow[k]!.alarms > 0, first_alarm: perWindow[k]!.first === null ? null : iso(perWindow[k]!.first!), alarms: perWindow[k]!.alarms })),
    caught: perWindow.filter((w) => w.alarms > 0).length,
    alarms_total: alarmsTotal,
    alarms_outside: outside,
    episodes_outside: episodes,
  };
}

function printTable(results: SeriesResult[]) {
  console.log(`${"series".padEnd(46)} ${"caught".padStart(8)} ${"alarms".padStart(7)} ${"outside".padStart(8)} ${"episodes".padStart(9)}`);
  for (const r of results) {
    console.log(`${r.series.padEnd(46)} ${`${r.caught}/${r.windows.length}`.padStart(8)} ${String(r.alarms_total).padStart(7)} ${String(r.alarms_outside).padStart(8)} ${String(r.episodes_outside).padStart(9)}`);
    for (const w of r.windows) console.log(`    ${w.caught ? "caught" : "missed"}  ${w.from} → ${w.to}${w.first_alarm ? `  first alarm ${w.first_alarm}, ${w.alarms} alarms` : ""}`);
  }
}

function totals(results: SeriesResult[]) {
  const sum = (f: (r: SeriesResult) => number) => results.reduce((a, r) => a + f(r), 0);
  return { windows: sum((r) => r.windows.length), caught: sum((r) => r.caught), alarms_outside: sum((r) => r.alarms_outside), episodes_outside: sum((r) => r.episodes_outside) };
}

function main(): number {
  const labelsFile = join(NAB, "labels/combined_windows.json");
  if (!existsSync(join(NAB, "data")) || !existsSync(labelsFile)) {
    console.log(`eval:anomalies skipped: the NAB data and labels are not at ${NAB} (they are not part of the repository).`);
    return 0;
  }
  const labels = JSON.parse(readFileSync(labelsFile, "utf8")) as Record<string, string[][]>;
  const present = SERIES.filter((s) => {
    const ok = existsSync(join(NAB, "data", s.key)) && labels[s.key] !== undefined;
    if (!ok) console.log(`${s.key}: skipped (file or labels missing)`);
    return ok;
  });

  if (process.argv.includes("--grid")) {
    // The tuning sweep, on the artificial series only.
    const tuned = present.filter((s) => s.tuned);
    console.log("threshold maxPeriods  caught  outside  episodes   (artificial series only)");
    for (const low of [3, 3.5, 4, 5]) {
      for (const maxPeriods of [2, 4, 8]) {
        const config = { ...EVAL_CONFIG, maxPeriods, bands: { ...EVAL_CONFIG.bands, low } };
        const t = totals(tuned.map((s) => evaluate(s, labels[s.key]!, config)));
        console.log(`${String(low).padStart(9)} ${String(maxPeriods).padStart(10)} ${`${t.caught}/${t.windows}`.padStart(7)} ${String(t.alarms_outside).padStart(8)} ${String(t.episodes_outside).padStart(9)}`);
      }
    }
    return 0;
  }

  const results = present.map((s) => evaluate(s, labels[s.key]!, EVAL_CONFIG));
  printTable(results);
  const artificial = totals(results.filter((r) => r.tuned_on));
  const real = totals(results.filter((r) => !r.tuned_on));
  const all = totals(results);
  console.log(`\nartificial (tuned on): ${artificial.caught}/${artificial.windows} windows caught, ${artificial.alarms_outside} alarms outside windows (${artificial.episodes_outside} episodes)`);
  console.log(`real (as they come):   ${real.caught}/${real.windows} windows caught, ${real.alarms_outside} alarms outside windows (${real.episodes_outside} episodes)`);
  console.log(`all:                   ${all.caught}/${all.windows} windows caught, ${all.alarms_outside} alarms outside windows (${all.episodes_outside} episodes)`);

  const outDir = join(ROOT, "bench/results");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `eval-anomalies-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ generated_at: new Date().toISOString(), config: EVAL_CONFIG, series: results, totals: { artificial, real, all } }, null, 2));
  console.log(`wrote ${file}`);
  return 0;
}

process.exit(main());
