// CPU accounting (Linux /proc; null elsewhere): who used the machine during a phase. The load generator and the
// Worker share the CPUs, and anything else running on the machine shows up as "other".
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { round } from "./harness.mjs";

let clkTck = 100;
try {
  clkTck = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
} catch {
  // keep 100
}

/** CPU seconds used so far by a process group, in all and by program (workerd, node: wrangler itself, npm). */
function groupCpuSeconds(pgid) {
  let ticks = 0;
  const byProgram = {};
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
      if (Number(f[2]) !== pgid) continue; // f[2] is pgrp
      const t = Number(f[11]) + Number(f[12]); // utime + stime
      const program = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      ticks += t;
      byProgram[program] = (byProgram[program] ?? 0) + t / clkTck;
    } catch {
      // the process ended while we looked
    }
  }
  return { total: ticks / clkTck, byProgram };
}

function machineBusySeconds() {
  const [, ...v] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const n = v.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal
  return (total - n[3] - n[4]) / clkTck; // minus idle and iowait
}

/** A point in time for cpuCores: the Worker's process group, this process (the load generator), the machine. */
export function cpuSnapshot(pgid) {
  if (process.platform !== "linux" || !pgid) return null;
  const u = process.cpuUsage();
  const group = groupCpuSeconds(pgid);
  return { t: Date.now(), worker: group.total, workerByProgram: group.byProgram, bench: (u.user + u.system) / 1e6, machine: machineBusySeconds() };
}

/** CPU cores in use on average between two snapshots. */
export function cpuCores(a, b) {
  if (!a || !b || b.t - a.t < 50) return null;
  const s = (b.t - a.t) / 1000;
  const worker = (b.worker - a.worker) / s;
  const bench = (b.bench - a.bench) / s;
  const machine = (b.machine - a.machine) / s;
  const byProgram = {};
  for (const [k, v] of Object.entries(b.workerByProgram)) {
    const used = (v - (a.workerByProgram[k] ?? 0)) / s;
    if (used >= 0.005) byProgram[k] = round(used, 2);
  }
  return {
    worker_stack: round(worker, 2),
    worker_stack_by_program: byProgram,
    bench_process: round(bench, 2),
    other_processes: round(Math.max(0, machine - worker - bench), 2),
    machine_busy: round(machine, 2),
  };
}
