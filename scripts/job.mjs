// `npm run job -- <job> [--flags]`: runs a job through the admin API of a local or remote edgeloop, and reads the job ledger.
//
//   npm run job -- build-bandit-dataset --decision-type image_pregen
//   npm run job -- rebuild-bandit-stats --policy-id image_pregen_bandit_v1
//   npm run job -- purge-analytics-events --days 90 --dry-run
//   npm run job -- runs [--job build_bandit_dataset] [--limit 20]
//   npm run job -- --help
//
// Seed 000's management commands, as HTTP: POST {base}/v1/admin/jobs/<job> with {"params": {...}}, where every flag
// that is not one of the CLI's own becomes a parameter (--decision-type x → decision_type: "x", --dry-run → true).
// Plain Node (no dependencies, Node ≥ 18), so it also runs outside the repository against a deployed Worker.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DEV_VARS = join(ROOT, ".dev.vars");
const DEV_STATE = join(ROOT, ".edgeloop-dev.json");
const DEFAULT_BASE_URL = "http://127.0.0.1:8787";

/**
 * The Worker `npm start` last ran here (its PORT is saved in .edgeloop-dev.json's base_url), else PORT, else the
 * default: without it the operator token went to whatever listened on 8787.
 */
function localBaseUrl() {
  if (existsSync(DEV_STATE)) {
    try {
      const saved = JSON.parse(readFileSync(DEV_STATE, "utf8")).base_url;
      if (typeof saved === "string" && /^https?:\/\//.test(saved)) return saved;
    } catch {
      // An unreadable state file is npm start's to rewrite; fall through to PORT.
    }
  }
  return process.env.PORT ? `http://127.0.0.1:${process.env.PORT}` : DEFAULT_BASE_URL;
}

/*
 * The jobs and their parameters, as src/jobs/registry.ts defines them (the zod schemas in
 * src/learning/, src/jobs/purge-analytics-events.ts and src/reports/). --help lists the jobs the server itself names
 * (RunJob's description in GET {base}/openapi.json) when it answers, and this table when it does not. The OpenAPI
 * document does not carry the parameters (the request body is a free record, checked by each job's strict schema on
 * the server), so they come from this table; a job it does not know yet is still listed, and still runs. The server
 * stays the judge: an unknown or malformed parameter is its 400, printed as such.
 */
const JOBS = {
  build_bandit_dataset: {
    description: "Aggregates events by decision_id into decision_outcomes for every pass whose window has closed",
    params: {
      project: "string: one project (default: every project; a project admin's runs are pinned to its own)",
      decision_type: "string: one decision type (default: every type with decisions)",
      as_of: "ISO time or epoch ms: the time the windows close as of (default: now)",
      page_size: "integer 1–2000: decisions per page (default 500)",
      max_pages: "integer ≥ 1: pages in this invocation before the rest goes to the jobs queue (default: the 20 s budget decides)",
    },
  },
  rebuild_bandit_stats: {
    description: "Recomputes arm statistics from final outcomes when enough fresh ones arrived, and loads them into the buckets",
    params: {
      project: "string: one project (default: every project)",
      decision_type: "string: one decision type",
      policy_id: "string: one learning policy, e.g. image_pregen_bandit_v1",
      as_of: "ISO time or epoch ms (default: now)",
      half_life_days: "number > 0: down-weight old outcomes with this half-life (default: none)",
      min_fresh_outcomes: "integer ≥ 0: skip unless this many new final outcomes arrived (default MIN_FRESH_OUTCOMES)",
    },
  },
  purge_analytics_events: {
    description: "Deletes raw events older than `days` (default EVENT_RETENTION_DAYS) in bounded chunks; dry_run only counts",
    params: {
      days: "integer 1–3650: retention in days (default EVENT_RETENTION_DAYS)",
      dry_run: "flag: only count what would be deleted",
      as_of: "ISO time or epoch ms: retention counts back from here (default: now)",
      project: "string: one project (default: every project)",
    },
  },
  rollup_daily_metrics: {
    description: "Writes dau, wau, mau, new_users and events by name for closed days (default: yesterday, in each project's time zone)",
    params: {
      project: "string: one project (default: every project)",
      date: "YYYY-MM-DD: the last day to roll up; it must be closed in the project's zone (default: yesterday)",
      days: "integer 1–400: how many days ending at date to (re)compute (default 2)",
      as_of: "ISO time or epoch ms: what 'today' is (default: now)",
    },
  },
  compute_experiment_results: {
    description: "Per variant, metric and exposure day, the sums GET /v1/experiments/:key/results reads: recomputes only days whose metric window has not closed",
    params: {
      project: "string: one project (default: every project)",
      experiment: "string: one experiment's key (with --project)",
      as_of: "ISO time or epoch ms: the time windows close as of (default: now)",
    },
  },
  build_export: {
    description: "Writes one export (POST /v1/exports) to R2: pages of rows through a multipart upload, continued through the jobs queue",
    params: {
      export_id: "string (required): the export to build",
      project: "string: its project",
      as_of: "ISO time or epoch ms (default: now)",
      rows_per_invocation: "integer ≥ 1: stop a page early after this many rows",
    },
  },
  purge_expired_exports: {
    description: "Deletes export files past their expiry (EXPORT_RETENTION_DAYS) from R2 and fails builds stalled for a day",
    params: {
      dry_run: "flag: only report what would be deleted",
      as_of: "ISO time or epoch ms (default: now)",
      project: "string: one project (default: every project)",
    },
  },
};

// Flags whose value is a number on the server side (zod z.number(): "90" would be a 400 there).
const NUMERIC_PARAMS = new Set(["days", "page_size", "max_pages", "half_life_days", "min_fresh_outcomes", "rows_per_invocation", "xlsx_rows_per_sheet"]);
// Flags that take no value: present means true; --no-<flag> or --<flag>=false means false.
const BOOLEAN_PARAMS = new Set(["dry_run"]);
// The CLI's own options: never sent as parameters.
const OWN_OPTIONS = new Set(["base_url", "token", "json", "help", "timeout", "params", "job", "limit"]);

class UsageError extends Error {}

const snake = (name) => name.replace(/-/g, "_");
const kebab = (name) => name.replace(/_/g, "-");

function helpText(serverJobs) {
  const lines = [
    "Usage: npm run job -- <job> [--param value ...] [--base-url URL] [--token TOKEN] [--json]",
    "       npm run job -- runs [--job <job>] [--limit N]",
    "",
    "Runs a job now through POST {base}/v1/admin/jobs/<job> (admin), or lists the job ledger (GET /v1/admin/jobs/runs).",
    "Job names may be kebab-case or snake_case. Flags become parameters: --decision-type image_pregen → decision_type,",
    "--dry-run → dry_run: true (--no-dry-run → false); --params '<json object>' adds parameters verbatim.",
    "",
    serverJobs ? `Jobs (as the server at ${serverJobs.base} lists them in its /openapi.json):` : "Jobs (the server did not answer; this CLI's own list):",
  ];
  const names = serverJobs ? serverJobs.jobs.map((j) => j.name) : Object.keys(JOBS);
  for (const name of names) {
    const known = JOBS[name];
    const description = serverJobs?.jobs.find((j) => j.name === name)?.description ?? known.description;
    lines.push(`  ${kebab(name)}`, `      ${description}`);
    if (known) for (const [param, text] of Object.entries(known.params)) lines.push(`      --${kebab(param).padEnd(22)} ${text}`);
    else lines.push("      (parameters not known to this CLI: pass them as flags; the server's 400 names any it rejects)");
  }
  const missing = serverJobs ? Object.keys(JOBS).filter((n) => !names.includes(n)) : [];
  if (missing.length) lines.push(`  (this CLI also knows ${missing.join(", ")}, which that server does not run)`);
  lines.push(
    "",
    "Examples (seed 000's management commands):",
    "  npm run job -- build-bandit-dataset --decision-type image_pregen",
    "  npm run job -- rebuild-bandit-stats --policy-id image_pregen_bandit_v1",
    "  npm run job -- purge-analytics-events --days 90 --dry-run",
    "  npm run job -- runs --job build-bandit-dataset --limit 10",
    "",
    "Options:",
    `  --base-url URL   the Worker (default: $EDGELOOP_URL, else the URL npm start saved in .edgeloop-dev.json, else`,
    `                   http://127.0.0.1:$PORT, else ${DEFAULT_BASE_URL})`,
    "  --token TOKEN    a bearer token: the operator ADMIN_TOKEN or a project admin JWT (default: $EDGELOOP_TOKEN, else",
    "                   ADMIN_TOKEN from .dev.vars when the base URL is this machine, as `npm start` writes it)",
    "  --json           print the response JSON as it came",
    "  --timeout S      seconds to wait for the response (default 120; a job page stops itself after 20 s)",
    "",
    "Exit code: 0 when the API answered 200, 1 when it answered anything else or could not be reached, 2 on a usage error.",
  );
  return lines.join("\n");
}

/** The job list from the server's OpenAPI document (RunJob's description: "Jobs: name — text; name — text. ..."). */
async function serverJobList(base) {
  try {
    const res = await fetch(`${base}/openapi.json`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return null;
    const doc = await res.json();
    const op = doc.paths?.["/v1/admin/jobs/{name}"]?.post;
    const match = /^Jobs: (.*?)\. Every job/s.exec(op?.description ?? "");
    if (!match) return null;
    // A description may itself contain "; ", so a name is what stands before " — " at the start or after "; ".
    const starts = [...match[1].matchAll(/(?:^|; )([a-z][a-z0-9_]*) — /g)];
    const jobs = starts.map((m, i) => ({
      name: m[1],
      description: match[1].slice(m.index + m[0].length, i + 1 < starts.length ? starts[i + 1].index : undefined).trim(),
    }));
    return jobs.length ? { base, jobs } : null;
  } catch {
    return null;
  }
}

/** argv → { command, params, options }. Values may follow as the next argument or after '='. */
export function parseArgs(argv) {
  const options = { json: false, help: false };
  const params = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h") {
      options.help = true;
      continue;
    }
    if (!arg.startsWith("--") || arg === "--") {
      if (arg !== "--") positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    let name = snake(arg.slice(2, eq === -1 ? undefined : eq));
    let value = eq === -1 ? undefined : arg.slice(eq + 1);
    if (!name) throw new UsageError(`'${arg}' is not a flag`);
    const negated = name.startsWith("no_") && value === undefined && BOOLEAN_PARAMS.has(name.slice(3));
    if (negated) {
      name = name.slice(3);
      value = "false";
    }
    const takesNoValue = BOOLEAN_PARAMS.has(name) || name === "json" || name === "help";
    if (value === undefined) {
      const next = argv[i + 1];
      if (takesNoValue) {
        // --dry-run true / --dry-run false are accepted too; anything else after a switch is not its value.
        if (next === "true" || next === "false") value = argv[++i];
        else value = "true";
      } else {
        if (next === undefined || next.startsWith("--")) throw new UsageError(`--${kebab(name)} needs a value`);
        value = argv[++i];
      }
    }
    if (OWN_OPTIONS.has(name)) {
      if (name === "json" || name === "help") options[name] = value !== "false";
      else options[name] = value;
      continue;
    }
    if (name in params) throw new UsageError(`--${kebab(name)} is given twice`);
    params[name] = paramValue(name, value);
  }
  if (options.params !== undefined) {
    let extra;
    try {
      extra = JSON.parse(options.params);
    } catch {
      throw new UsageError("--params must be a JSON object");
    }
    if (typeof extra !== "object" || extra === null || Array.isArray(extra)) throw new UsageError("--params must be a JSON object");
    for (const [k, v] of Object.entries(extra)) {
      if (k in params) throw new UsageError(`'${k}' is given both as a flag and in --params`);
      params[k] = v;
    }
  }
  return { command: positional[0], extra: positional.slice(1), params, options };
}

function paramValue(name, raw) {
  if (BOOLEAN_PARAMS.has(name)) {
    if (raw === "true") return true;
    if (raw === "false") return false;
    throw new UsageError(`--${kebab(name)} is a switch (true or false), not '${raw}'`);
  }
  if (NUMERIC_PARAMS.has(name)) {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${kebab(name)} must be a number, not '${raw}'`);
    return n;
  }
  // as_of: epoch ms when it is all digits, otherwise the ISO text as given (the server parses and checks it).
  if (name === "as_of") return /^\d+$/.test(raw) ? Number(raw) : raw;
  return raw;
}

function parseDevVars(text) {
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    vars[m[1]] = value;
  }
  return vars;
}

function isLocal(base) {
  try {
    const host = new URL(base).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
  } catch {
    return false;
  }
}

/** The token: --token, $EDGELOOP_TOKEN, or — only for this machine, so the local secret never leaves it — .dev.vars. */
function resolveToken(options, base) {
  if (options.token) return { token: options.token, source: "--token" };
  if (process.env.EDGELOOP_TOKEN) return { token: process.env.EDGELOOP_TOKEN, source: "EDGELOOP_TOKEN" };
  if (isLocal(base) && existsSync(DEV_VARS)) {
    const vars = parseDevVars(readFileSync(DEV_VARS, "utf8"));
    if (vars.ADMIN_TOKEN) return { token: vars.ADMIN_TOKEN, source: ".dev.vars ADMIN_TOKEN" };
  }
  const where = isLocal(base) ? "; `npm start` writes ADMIN_TOKEN to .dev.vars" : " (.dev.vars is only read for a local base URL)";
  throw new UsageError(`No token: pass --token or set EDGELOOP_TOKEN${where}`);
}

async function call(base, method, pathname, token, body, timeoutS) {
  let res;
  try {
    res = await fetch(`${base}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutS * 1000),
    });
  } catch (err) {
    const reason =
      err?.name === "TimeoutError"
        ? `no answer within ${timeoutS} s (a job keeps running on the server: see \`npm run job -- runs\`; under \`wrangler dev\` the answer can wait for the next jobs-queue page; --timeout waits longer)`
        : (err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(err));
    throw new RequestError(`${method} ${base}${pathname} failed: ${reason}`);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: shown as text below
  }
  return { status: res.status, ok: res.status === 200, json, text };
}

class RequestError extends Error {}

const fmtCount = (n) => (typeof n === "number" ? n.toLocaleString("en-US") : String(n ?? "—"));

function indent(text, by = "    ") {
  return text
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}

function printRun(r) {
  const status = r.status === "ok" ? "ok" : r.status;
  console.log(`${r.job}: ${status}`);
  console.log(`  run id        ${r.run_id}`);
  console.log(`  rows read     ${fmtCount(r.rows_read)}`);
  console.log(`  rows written  ${fmtCount(r.rows_written)}`);
  console.log(`  message       ${r.message ?? "—"}`);
  console.log(
    `  continued     ${r.continued ? `yes: the input outgrew one invocation; the rest runs through the jobs queue (follow it with \`npm run job -- runs --job ${kebab(r.job)}\`)` : "no"}`,
  );
  if (r.details !== null && r.details !== undefined) {
    console.log("  details");
    console.log(indent(JSON.stringify(r.details, null, 2)));
  }
}

function printError(res, what) {
  const e = res.json?.error;
  if (e) {
    console.error(`${what} failed: HTTP ${res.status} ${e.code}: ${e.message}`);
    console.error(indent(JSON.stringify(res.json, null, 2), "  "));
  } else {
    console.error(`${what} failed: HTTP ${res.status}${res.text ? `\n${indent(res.text.slice(0, 2000), "  ")}` : ""}`);
  }
}

function printRuns(runs) {
  if (runs.length === 0) {
    console.log("No runs recorded.");
    return;
  }
  const rows = runs.map((r) => ({
    started: r.started_at?.replace("T", " ").replace(/\.\d+Z$/, "Z") ?? "",
    job: r.job,
    trigger: r.trigger,
    status: r.status,
    duration: r.duration_ms === null || r.duration_ms === undefined ? "running" : `${(r.duration_ms / 1000).toFixed(2)} s`,
    read: fmtCount(r.rows_read),
    written: fmtCount(r.rows_written),
    params: JSON.stringify(r.params ?? {}),
    message: (r.message ?? "") + (r.continues ? ` (continues ${String(r.continues).slice(0, 8)})` : ""),
  }));
  const cols = [
    ["started", "started (UTC)", "l"],
    ["job", "job", "l"],
    ["trigger", "trigger", "l"],
    ["status", "status", "l"],
    ["duration", "duration", "r"],
    ["read", "read", "r"],
    ["written", "written", "r"],
  ];
  const width = Object.fromEntries(cols.map(([k, h]) => [k, Math.max(h.length, ...rows.map((r) => r[k].length))]));
  const line = (r) => cols.map(([k, , align]) => (align === "r" ? r[k].padStart(width[k]) : r[k].padEnd(width[k]))).join("  ");
  console.log(line(Object.fromEntries(cols.map(([k, h]) => [k, h]))));
  for (const r of rows) {
    console.log(line(r));
    console.log(`    params ${r.params}${r.message ? `\n    ${r.message}` : ""}`);
  }
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`job: ${err.message} (see npm run job -- --help)`);
      process.exit(2);
    }
    throw err;
  }
  const { command, extra, params, options } = parsed;
  const base = (options.base_url ?? process.env.EDGELOOP_URL ?? localBaseUrl()).replace(/\/+$/, "");
  const timeoutS = options.timeout === undefined ? 120 : Number(options.timeout);

  try {
    if (options.help || command === undefined || command === "help") {
      console.log(helpText(await serverJobList(base)));
      return;
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}': parameters are flags, e.g. --decision-type image_pregen`);
    if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError("--timeout must be a positive number of seconds");
    if (!/^https?:\/\//.test(base)) throw new UsageError(`--base-url must start with http:// or https://, not '${base}'`);

    if (command === "runs") {
      if (Object.keys(params).length > 0) throw new UsageError(`runs takes --job and --limit, not --${kebab(Object.keys(params)[0])}`);
      const { token } = resolveToken(options, base);
      const query = new URLSearchParams();
      if (options.job) query.set("job", snake(options.job));
      if (options.limit) query.set("limit", options.limit);
      const pathname = `/v1/admin/jobs/runs${query.toString() ? `?${query}` : ""}`;
      const res = await call(base, "GET", pathname, token, undefined, timeoutS);
      if (!res.ok) {
        printError(res, `GET ${pathname}`);
        process.exitCode = 1;
        return;
      }
      if (options.json) console.log(JSON.stringify(res.json, null, 2));
      else printRuns(res.json.runs);
      return;
    }

    if (options.job !== undefined || options.limit !== undefined) throw new UsageError("--job and --limit belong to `runs`");
    const job = snake(command);
    if (!/^[a-z0-9_]{1,64}$/.test(job)) throw new UsageError(`'${command}' is not a job name`);
    // A job this CLI does not know may still exist on a newer server: it is sent, and the server answers 404 if not.
    const { token } = resolveToken(options, base);
    const res = await call(base, "POST", `/v1/admin/jobs/${job}`, token, { params }, timeoutS);
    if (!res.ok) {
      printError(res, `${job} ${JSON.stringify(params)}`);
      process.exitCode = 1;
      return;
    }
    if (options.json) console.log(JSON.stringify(res.json, null, 2));
    else printRun(res.json);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`job: ${err.message} (see npm run job -- --help)`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof RequestError) {
      console.error(`job: ${err.message}${isLocal(base) ? " (is `npm start` running?)" : ""}`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}

// Imported (for its parser) it does nothing; run, it runs.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
