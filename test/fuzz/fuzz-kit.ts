// The fuzzing harness: one fast-check property per route, run inside workerd; every response is checked against the
// HTTP contract (never a 5xx; every error in the one shape) and the status distribution is kept in the test's meta.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import type { TestContext } from "vitest";
import { UNBOUNDED_BODY_BYTES } from "./arbitraries";
import type { RouteStats, StatusClass } from "./route-stats";

export type { RouteStats };

/**
 * Runs per route: a few hundred in `npm test`; `npm run fuzz` sets TEST_FUZZ_RUNS (10,000 by default). The seed is
 * drawn once per vitest run in vitest.config.ts (or given as FUZZ_SEED), so every file and route share it and one
 * printed number replays them all; FUZZ_PATH (with -t to pick the route) replays a single counterexample.
 */
export const FUZZ = {
  runs: positiveInt(env.TEST_FUZZ_RUNS) ?? 200,
  seed: Number(env.TEST_FUZZ_SEED) | 0,
  path: env.TEST_FUZZ_PATH || undefined,
};

function positiveInt(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function newStats(route: string): RouteStats {
  return { route, seed: FUZZ.seed, runs: 0, requests: 0, "2xx": 0, "4xx": 0, "5xx": 0, other: 0, rate_limited: 0, statuses: {}, codes: {}, endpoints: {}, duration_ms: 0 };
}

function classOf(status: number): StatusClass {
  if (status >= 200 && status < 300) return "2xx";
  if (status >= 400 && status < 500) return "4xx";
  if (status >= 500 && status < 600) return "5xx";
  return "other";
}

export type Answer = { status: number; headers: Headers; text: string; json: unknown };

/**
 * The contract every route keeps, whatever it is sent: a 2xx, or a 4xx whose body is exactly
 * {"error": {"code": string, "message": string, "details"?: any}}; a JSON 2xx body parses; a POST, PUT or PATCH
 * body over UNBOUNDED_BODY_BYTES is never accepted. Throws otherwise.
 */
export async function checkAnswer(res: Response, sent: Sent, stats?: RouteStats, started = Date.now()): Promise<Answer> {
  const text = await res.text();
  const status = res.status;
  const cls = classOf(status);
  if (stats) {
    stats.requests++;
    stats[cls]++;
    stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
    if (status === 429) stats.rate_limited++;
    const endpoint = (stats.endpoints[sent.endpoint ?? stats.route] ??= { requests: 0, "2xx": 0, "4xx": 0, "5xx": 0, other: 0, duration_ms: 0 });
    endpoint.requests++;
    endpoint.duration_ms += Date.now() - started;
    endpoint[cls]++;
  }
  const excerpt = () => `${sent.method} ${sent.url} → ${status} ${text.slice(0, 400)}`;
  const type = res.headers.get("content-type") ?? "";
  if (cls === "5xx") throw new Error(`server error: ${excerpt()}`);
  if (cls === "other") throw new Error(`neither 2xx nor 4xx: ${excerpt()}`);
  // A HEAD answer has no body by definition: its status is all there is to check.
  if (sent.method === "HEAD") return { status, headers: res.headers, text, json: undefined };
  if (cls === "2xx") {
    // Only methods whose handlers read a body: a preflight (OPTIONS) or a DELETE answers without reading one.
    if (["POST", "PUT", "PATCH"].includes(sent.method) && (sent.bodyBytes ?? 0) > UNBOUNDED_BODY_BYTES) {
      throw new Error(`a body of ${(sent.bodyBytes! / 1024 / 1024).toFixed(1)} MiB was accepted: ${sent.method} ${sent.url} → ${status} (request bodies must be bounded)`);
    }
    let json: unknown;
    if (/json/i.test(type)) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new Error(`a 2xx JSON body that does not parse: ${excerpt()}`);
      }
    }
    return { status, headers: res.headers, text, json };
  }
  if (!/^application\/json\b/i.test(type)) throw new Error(`a 4xx that is not JSON (content-type ${type || "none"}): ${excerpt()}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`a 4xx body that does not parse: ${excerpt()}`);
  }
  const problem = errorShapeProblem(body);
  if (problem) throw new Error(`a 4xx not in the one error shape (${problem}): ${excerpt()}`);
  const code = (body as { error: { code: string } }).error.code;
  if (stats) stats.codes[code] = (stats.codes[code] ?? 0) + 1;
  return { status, headers: res.headers, text, json: body };
}

/** Why a body is not {"error": {"code", "message", "details"?}}, or null when it is. */
export function errorShapeProblem(body: unknown): string | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "not an object";
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== "error") return `top-level keys ${JSON.stringify(keys)}`;
  const error = (body as { error: unknown }).error;
  if (error === null || typeof error !== "object" || Array.isArray(error)) return "error is not an object";
  const extra = Object.keys(error).filter((k) => !["code", "message", "details"].includes(k));
  if (extra.length > 0) return `unexpected error keys ${JSON.stringify(extra)}`;
  const { code, message } = error as { code: unknown; message: unknown };
  if (typeof code !== "string" || code === "") return "error.code is not a non-empty string";
  if (typeof message !== "string" || message === "") return "error.message is not a non-empty string";
  return null;
}

export type FuzzOptions<T> = {
  /** Further checks on an answer that already kept the contract (e.g. ingest's accepted count). */
  check?: (input: T, answer: Answer) => void | Promise<void>;
  /** The property fails unless at least this share of answers were 2xx: the generator must reach the handler. */
  min2xxShare?: number;
  /** The property fails when more than this share were 429s (default 0.25). */
  max429Share?: number;
  runs?: number;
};

/** What was sent, for messages; `endpoint` names the route template the counts are kept under. */
export type Sent = { method: string; url: string; endpoint?: string; bodyBytes?: number };

type Failure = { signature: string; count: number; run: number; error: string };

/** Groups failures by where and how they failed: an endpoint's 5xx, a malformed answer, or a failed extra check. */
function signatureOf(sent: Sent | undefined, route: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const kind = message.startsWith("server error") ? "5xx" : (message.split("\n")[0] ?? "").replace(/\d+/g, "N").replace(/https?:\/\/\S+/g, "URL").slice(0, 120);
  return `${sent?.endpoint ?? route}: ${kind}`;
}

/**
 * Runs one route's property with the shared seed and records the distribution in the test's meta. Every run is made:
 * a failing one is recorded (by signature) instead of ending the property, so `npm run fuzz` sees every kind of
 * failure a route has, not just the first. Afterwards the first run of each kind is replayed along its path, which
 * fast-check shrinks to a small counterexample; the thrown report gives seed and path (FUZZ_SEED, FUZZ_PATH) to replay it.
 */
export async function fuzzRoute<T>(
  ctx: TestContext,
  arbitrary: fc.Arbitrary<T>,
  send: (input: T) => Promise<{ res: Response; sent: Sent }>,
  opts: FuzzOptions<T> = {},
): Promise<RouteStats> {
  // The test's name is the route's label, so the replay command's -t finds exactly this property.
  const route = ctx.task.name;
  const stats = newStats(route);
  ctx.task.meta.fuzz = stats;
  const started = Date.now();
  const failures = new Map<string, Failure>();
  let collecting = !FUZZ.path;
  let run = 0;
  // Each shrink step is a request: bound the candidates per step, and (below) the time spent shrinking.
  const property = fc.asyncProperty(fc.limitShrink(arbitrary, 40), async (input) => {
    const index = run++;
    let sent: Sent | undefined;
    try {
      const sentAt = Date.now();
      const request = await send(input);
      sent = request.sent;
      const answer = await checkAnswer(request.res, request.sent, stats, sentAt);
      if (opts.check && answer.status !== 429) await opts.check(input, answer);
    } catch (err) {
      if (!collecting) throw err;
      const signature = signatureOf(sent, route, err);
      const known = failures.get(signature);
      if (known) known.count++;
      else failures.set(signature, { signature, count: 1, run: index, error: err instanceof Error ? err.message : String(err) });
    }
  });
  const numRuns = opts.runs ?? FUZZ.runs;
  const main = await fc.check(property, { numRuns, seed: FUZZ.seed, path: FUZZ.path });
  stats.runs = main.numRuns;
  const pattern = `${route.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`; // -t matches describe + test name: anchor the end only
  const replayOf = (path: string | null) => `FUZZ_SEED=${FUZZ.seed}${path ? ` FUZZ_PATH=${path}` : ""} npx vitest run ${ctx.task.file.name} -t '${pattern}'`;

  const reports: string[] = [];
  if (main.failed) {
    // Only when replaying a path: the property threw and fast-check shrank it.
    reports.push(`${fc.defaultReportMessage(main)}\nReplay: ${replayOf(main.counterexamplePath)}`);
    stats.failures = [{ signature: "replayed path", count: 1, seed: FUZZ.seed, path: main.counterexamplePath, counterexample: fc.stringify(main.counterexample?.[0]), error: errorText(main.errorInstance), replay: replayOf(main.counterexamplePath) }];
  } else if (failures.size > 0) {
    collecting = false;
    stats.failures = [];
    for (const f of failures.values()) {
      // Shrinking sends requests: in npm test the first kind is shrunk (briefly), in npm run fuzz the first three; the
      // rest are listed with the path of their first run, which replays them as they were.
      const shrinkKinds = FUZZ.runs > 1000 ? 3 : 1;
      const shrunk = stats.failures.length < shrinkKinds ? await fc.check(property, { seed: FUZZ.seed, path: String(f.run), interruptAfterTimeLimit: FUZZ.runs > 1000 ? 20_000 : 5_000 }) : undefined;
      const path = shrunk?.failed ? shrunk.counterexamplePath : String(f.run);
      const counterexample = shrunk?.failed ? fc.stringify(shrunk.counterexample?.[0]) : "(not shrunk: replay the path)";
      stats.failures.push({ signature: f.signature, count: f.count, seed: FUZZ.seed, path, counterexample, error: shrunk?.failed ? errorText(shrunk.errorInstance) : f.error, replay: replayOf(path) });
      reports.push(`${f.signature} (${f.count} of ${main.numRuns} runs; first at run ${f.run})\n  counterexample: ${counterexample}\n  error: ${f.error.slice(0, 600)}\n  replay: ${replayOf(path)}`);
    }
  }
  stats.duration_ms = Date.now() - started;
  if (reports.length > 0) throw new Error(`${route}: ${reports.length} kind(s) of failure (seed ${FUZZ.seed})\n\n${reports.join("\n\n")}`);

  // A property replayed along one path runs a single case: the shares below say nothing then.
  if (!FUZZ.path && stats.requests >= 50) {
    const share = (n: number) => n / stats.requests;
    const max429 = opts.max429Share ?? 0.25;
    if (share(stats.rate_limited) > max429) {
      throw new Error(`${route}: ${stats.rate_limited} of ${stats.requests} answers were 429s: the property mostly met the rate limiter (seed ${FUZZ.seed}; statuses ${JSON.stringify(stats.statuses)})`);
    }
    if (opts.min2xxShare !== undefined && share(stats["2xx"]) < opts.min2xxShare) {
      throw new Error(`${route}: only ${stats["2xx"]} of ${stats.requests} answers were 2xx (at least ${opts.min2xxShare * 100}% expected): the generator does not reach the handler (seed ${FUZZ.seed}; statuses ${JSON.stringify(stats.statuses)}, codes ${JSON.stringify(stats.codes)})`);
    }
  }
  return stats;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A generous per-test timeout: the runs at a few milliseconds each, shrinking, and the fixture. */
export const fuzzTimeout = (runs = FUZZ.runs, msPerRun = 300) => 120_000 + runs * msPerRun;
