// Benchmark build only: wraps the Worker's bindings so that every remote call is counted per request and, under the
// latency model, delayed by the time the hop would take deployed. src/ is untouched; the bench entry wraps it.
import { AsyncLocalStorage } from "node:async_hooks";
import { DurableObject } from "cloudflare:workers";

/** Request header that picks the mode per request ("model" or "0"); absent, the session's BENCH_LATENCY_DEFAULT. */
export const MODE_HEADER = "x-bench-latency";
/** Response headers the harness reads. */
export const CALLS_HEADER = "x-bench-remote-calls";
const TOTAL_HEADER = "x-bench-remote-total";
const MODEL_MS_HEADER = "x-bench-remote-model-ms";
const BREAKDOWN_HEADER = "x-bench-remote-breakdown";
const PENDING_HEADER = "x-bench-remote-pending";
// Between the wrapped stub and the wrapped Durable Object: the caller's mode in, the object's own calls back out.
const MARK = "__edgeloopBenchCall";
const DO_MODE_HEADER = "x-edgeloop-bench-do-mode";
const DO_SUMMARY_HEADER = "x-edgeloop-bench-do-summary";

type Mode = "model" | "0";
type Origin = "worker" | "do";
export type Kind = "d1" | "do" | "queue" | "r2" | "kv" | "cache" | "ratelimit" | "service";

/**
 * What one scope (a request, a Durable Object call) made: the longest sequential chain, every call by kind, and the
 * time the model adds on the costliest chain (whether or not this request ran under the model).
 */
export type Summary = { chain: number; modelMs: number; total: number; byKind: Record<string, number>; pending: number };
type Call = { kind: Kind; modelMs: number; start: number; end: number; inner: Summary | null };
type Scope = { mode: Mode; origin: Origin; seq: number; calls: Call[] };

type Delays = Record<Kind, number> & { do_d1: number };
type Settings = { defaultMode: Mode; delays: Delays };

const scopes = new AsyncLocalStorage<Scope>();
let settings: Settings | null = null;

function numberVar(env: Record<string, unknown>, name: string, fallback: number): number {
  const raw = env[name];
  const n = typeof raw === "string" && raw !== "" ? Number(raw) : fallback;
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** Read once from the vars the harness passes (`wrangler dev --var`); bench/lib/latency.mjs holds the defaults. */
function settingsFrom(env: Record<string, unknown>): Settings {
  if (settings) return settings;
  const d1 = numberVar(env, "BENCH_LATENCY_D1_MS", 0);
  settings = {
    defaultMode: env.BENCH_LATENCY_DEFAULT === "model" ? "model" : "0",
    delays: {
      d1,
      do: numberVar(env, "BENCH_LATENCY_DO_MS", 0),
      do_d1: numberVar(env, "BENCH_LATENCY_DO_D1_MS", d1),
      queue: numberVar(env, "BENCH_LATENCY_QUEUE_MS", 0),
      r2: numberVar(env, "BENCH_LATENCY_R2_MS", 0),
      kv: numberVar(env, "BENCH_LATENCY_KV_MS", 0),
      cache: numberVar(env, "BENCH_LATENCY_CACHE_MS", 0),
      ratelimit: numberVar(env, "BENCH_LATENCY_RATELIMIT_MS", 0),
      service: numberVar(env, "BENCH_LATENCY_SERVICE_MS", 0),
    },
  };
  return settings;
}

const newScope = (mode: Mode, origin: Origin): Scope => ({ mode, origin, seq: 0, calls: [] });
const modeOf = (raw: string | null | undefined, fallback: Mode): Mode => (raw === "model" ? "model" : raw === "0" ? "0" : fallback);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One remote call: recorded in the current scope with a start and an end taken from the scope's own counter (not
 * the clock: workerd's clock stands still between I/O, so two calls made together could look back to back), and
 * delayed first when the scope runs under the model. Outside any scope (a Durable Object's constructor, an alarm)
 * the call is delayed by the session's mode and not counted.
 */
async function hop<T>(kind: Kind, run: (call: Call) => Promise<T>): Promise<T> {
  const scope = scopes.getStore();
  const s = settings;
  const mode = scope?.mode ?? s?.defaultMode ?? "0";
  const modelMs = !s ? 0 : scope?.origin === "do" && kind === "d1" ? s.delays.do_d1 : s.delays[kind];
  const call: Call = { kind, modelMs, start: scope ? ++scope.seq : 0, end: 0, inner: null };
  scope?.calls.push(call);
  if (mode === "model" && modelMs > 0) await sleep(modelMs);
  try {
    return await run(call);
  } finally {
    if (scope) call.end = ++scope.seq;
  }
}

/**
 * Calls run in parallel count once: the figure is the longest chain of calls each started after the one before it
 * had ended. A Durable Object call weighs 1 plus the longest chain inside the object (its D1 reads are on the
 * caller's path too). Calls still running when the response left are not on its path: they are `pending`.
 */
export function summarise(calls: readonly Call[]): Summary {
  const done = calls.filter((c) => c.end > 0).sort((a, b) => a.start - b.start);
  const best: number[] = [];
  const bestMs: number[] = [];
  let chain = 0;
  let modelMs = 0;
  const byKind: Record<string, number> = {};
  for (let i = 0; i < done.length; i++) {
    const c = done[i]!;
    let before = 0;
    let beforeMs = 0;
    for (let j = 0; j < i; j++) {
      if (done[j]!.end >= c.start) continue;
      before = Math.max(before, best[j]!);
      beforeMs = Math.max(beforeMs, bestMs[j]!);
    }
    best.push(1 + (c.inner?.chain ?? 0) + before);
    bestMs.push(c.modelMs + (c.inner?.modelMs ?? 0) + beforeMs);
    chain = Math.max(chain, best[i]!);
    modelMs = Math.max(modelMs, bestMs[i]!);
    byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
    for (const [k, n] of Object.entries(c.inner?.byKind ?? {})) byKind[`${c.kind}.${k}`] = (byKind[`${c.kind}.${k}`] ?? 0) + n;
  }
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  return { chain, modelMs, total, byKind, pending: calls.length - done.length };
}

const breakdownOf = (s: Summary) =>
  Object.entries(s.byKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}=${n}`)
    .join(",");

// ---------------------------------------------------------------------------------------------------------------------
// Bindings, recognised by shape: D1, Durable Object namespaces, Queues, R2, KV, rate limiters. Whatever else is in
// env (vars, secrets) passes through untouched. Only asynchronous methods are hops: a synchronous one (prepare, bind,
// idFromName, get on a namespace, resumeMultipartUpload) stays synchronous, or the code calling it would break.

type AnyFn = (...args: unknown[]) => unknown;
type Obj = Record<PropertyKey, unknown>;
const isFn = (v: unknown): v is AnyFn => typeof v === "function";
const passThrough = (target: Obj, prop: PropertyKey) => {
  const v = Reflect.get(target, prop);
  return isFn(v) ? v.bind(target) : v;
};

const statementTargets = new WeakMap<object, object>();

function wrapStatement(stmt: Obj): Obj {
  const proxy = new Proxy(stmt, {
    get(target, prop) {
      if (prop === "bind") return (...args: unknown[]) => wrapStatement((target.bind as AnyFn).apply(target, args) as Obj);
      if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
        return (...args: unknown[]) => hop("d1", async () => (target[prop] as AnyFn).apply(target, args));
      }
      return passThrough(target, prop);
    },
  });
  statementTargets.set(proxy, stmt);
  return proxy;
}

function wrapD1(db: Obj): Obj {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: unknown) => wrapStatement((target.prepare as AnyFn).call(target, sql) as Obj);
      if (prop === "batch") {
        return (stmts: unknown[]) => hop("d1", async () => (target.batch as AnyFn).call(target, stmts.map((s) => statementTargets.get(s as object) ?? s)));
      }
      if (prop === "exec" || prop === "dump") return (...args: unknown[]) => hop("d1", async () => (target[prop] as AnyFn).apply(target, args));
      // A session (read replication) is a D1 of its own: prepare, batch, getBookmark.
      if (prop === "withSession") return (...args: unknown[]) => wrapD1((target.withSession as AnyFn).apply(target, args) as Obj);
      return passThrough(target, prop);
    },
  });
}

/** An RPC result from a wrapped Durable Object: the value, and what the object called while it worked. */
type Marked = { [MARK]: true; value: unknown; summary: Summary };
const isMarked = (v: unknown): v is Marked => typeof v === "object" && v !== null && (v as Obj)[MARK] === true;

async function stubFetch(target: Obj, kind: Kind, args: unknown[]): Promise<Response> {
  return hop(kind, async (call) => {
    const request = new Request(args[0] as RequestInfo, args[1] as RequestInit | undefined);
    request.headers.set(DO_MODE_HEADER, scopes.getStore()?.mode ?? settings?.defaultMode ?? "0");
    const res = (await (target.fetch as AnyFn).call(target, request)) as Response;
    const summary = res.headers.get(DO_SUMMARY_HEADER);
    if (summary === null || res.status === 101) return res;
    call.inner = JSON.parse(summary) as Summary;
    const clean = new Response(res.body, res);
    clean.headers.delete(DO_SUMMARY_HEADER);
    return clean;
  });
}

/** A Durable Object stub (or a service binding): every method call and fetch is one hop. */
function wrapStub(stub: Obj, kind: Kind): Obj {
  return new Proxy(stub, {
    get(target, prop) {
      if (typeof prop === "symbol" || prop === "then" || prop === "connect") return Reflect.get(target, prop);
      if (prop === "fetch") return (...args: unknown[]) => stubFetch(target, kind, args);
      const v = Reflect.get(target, prop);
      if (!isFn(v)) return v;
      return (...args: unknown[]) =>
        hop(kind, async (call) => {
          const mode = scopes.getStore()?.mode ?? settings?.defaultMode ?? "0";
          const result = await Reflect.apply(v, target, [...args, { [MARK]: mode }]);
          if (!isMarked(result)) return result;
          call.inner = result.summary;
          return result.value;
        });
    },
  });
}

function wrapNamespace(ns: Obj): Obj {
  return new Proxy(ns, {
    get(target, prop) {
      if (prop === "get" || prop === "getByName") return (...args: unknown[]) => wrapStub((target[prop] as AnyFn).apply(target, args) as Obj, "do");
      if (prop === "jurisdiction") return (...args: unknown[]) => wrapNamespace((target.jurisdiction as AnyFn).apply(target, args) as Obj);
      return passThrough(target, prop);
    },
  });
}

/** Every listed method is one hop; the rest passes through. */
function wrapMethods(binding: Obj, kind: Kind, methods: readonly string[]): Obj {
  return new Proxy(binding, {
    get(target, prop) {
      if (typeof prop === "string" && methods.includes(prop)) return (...args: unknown[]) => hop(kind, async () => (target[prop] as AnyFn).apply(target, args));
      return passThrough(target, prop);
    },
  });
}

const MULTIPART_METHODS = ["uploadPart", "complete", "abort"];

/** R2: reads and writes are hops; a multipart upload's parts too. resumeMultipartUpload is local and synchronous. */
function wrapR2(bucket: Obj): Obj {
  const calls = wrapMethods(bucket, "r2", ["head", "get", "put", "delete", "list"]);
  return new Proxy(bucket, {
    get(target, prop) {
      if (prop === "createMultipartUpload") {
        return (...args: unknown[]) => hop("r2", async () => wrapMethods((await (target.createMultipartUpload as AnyFn).apply(target, args)) as Obj, "r2", MULTIPART_METHODS));
      }
      if (prop === "resumeMultipartUpload") return (...args: unknown[]) => wrapMethods((target.resumeMultipartUpload as AnyFn).apply(target, args) as Obj, "r2", MULTIPART_METHODS);
      return Reflect.get(calls, prop);
    },
  });
}

function wrapBinding(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  const b = v as Obj;
  // An RPC stub answers every property with a function: a service binding, not one of the shapes below.
  if (isFn(b.__edgeloopBenchNoSuchMethod)) return wrapStub(b, "service");
  if (isFn(b.prepare) && isFn(b.batch)) return wrapD1(b);
  if (isFn(b.idFromName) && isFn(b.get)) return wrapNamespace(b);
  if (isFn(b.send) && isFn(b.sendBatch)) return wrapMethods(b, "queue", ["send", "sendBatch"]);
  if (isFn(b.head) && isFn(b.createMultipartUpload)) return wrapR2(b);
  if (isFn(b.getWithMetadata)) return wrapMethods(b, "kv", ["get", "getWithMetadata", "put", "delete", "list"]);
  if (isFn(b.limit)) return wrapMethods(b, "ratelimit", ["limit"]);
  return v;
}

const wrappedEnvs = new WeakMap<object, object>();

/** The env the app (or a Durable Object) sees: the same vars, its bindings wrapped. One wrapper per env object. */
export function wrapEnv<E extends object>(env: E): E {
  settingsFrom(env as Record<string, unknown>);
  const known = wrappedEnvs.get(env);
  if (known) return known as E;
  const cache = new Map<PropertyKey, unknown>();
  const wrapped = new Proxy(env, {
    get(target, prop) {
      if (!cache.has(prop)) cache.set(prop, wrapBinding(Reflect.get(target, prop)));
      return cache.get(prop);
    },
  });
  wrappedEnvs.set(env, wrapped);
  return wrapped;
}

// ---------------------------------------------------------------------------------------------------------------------
// The Cache API is a global, not a binding: its methods are patched once, on the first event.

let cachePatched = false;
function patchCache() {
  if (cachePatched) return;
  cachePatched = true;
  const proto = (globalThis as { Cache?: { prototype: Obj } }).Cache?.prototype ?? (typeof caches === "object" ? (Object.getPrototypeOf(caches.default) as Obj) : null);
  if (!proto) return;
  for (const name of ["match", "put", "delete"]) {
    const original = proto[name];
    if (!isFn(original)) continue;
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value(this: unknown, ...args: unknown[]) {
        return hop("cache", async () => original.apply(this, args));
      },
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The Worker and its Durable Objects, wrapped.

/** fetch answers with the request's counts in headers; queue and scheduled run in a scope of the session's mode. */
export function instrumentWorker<E extends object>(worker: ExportedHandler<E>): ExportedHandler<E> {
  return {
    async fetch(request, env, ctx) {
      patchCache();
      const wrapped = wrapEnv(env);
      const scope = newScope(modeOf(request.headers.get(MODE_HEADER), settingsFrom(env as Record<string, unknown>).defaultMode), "worker");
      const res = await scopes.run(scope, () => worker.fetch!(request as never, wrapped, ctx));
      if (res.status === 101 || res.webSocket) return res;
      const s = summarise(scope.calls);
      const out = new Response(res.body, res);
      out.headers.set(CALLS_HEADER, String(s.chain));
      out.headers.set(MODEL_MS_HEADER, String(s.modelMs));
      out.headers.set(TOTAL_HEADER, String(s.total));
      out.headers.set(BREAKDOWN_HEADER, breakdownOf(s));
      out.headers.set(PENDING_HEADER, String(s.pending));
      return out;
    },
    async queue(batch, env, ctx) {
      patchCache();
      const scope = newScope(settingsFrom(env as Record<string, unknown>).defaultMode, "worker");
      return scopes.run(scope, () => worker.queue!(batch, wrapEnv(env), ctx));
    },
    async scheduled(controller, env, ctx) {
      patchCache();
      const scope = newScope(settingsFrom(env as Record<string, unknown>).defaultMode, "worker");
      return scopes.run(scope, () => worker.scheduled!(controller, wrapEnv(env), ctx));
    },
  };
}

/** The methods a Durable Object class defines (its own and its parents', up to DurableObject itself). */
function methodNames(cls: DOClass): string[] {
  const names = new Set<string>();
  for (let proto = cls.prototype as object | null; proto && proto !== DurableObject.prototype && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== "constructor" && isFn(Object.getOwnPropertyDescriptor(proto, name)?.value)) names.add(name);
    }
  }
  return [...names];
}

// Any Durable Object class, whatever its Env (the wrapper never looks inside it).
type DOClass = new (ctx: DurableObjectState, env: never) => object;
type AnyDOClass = new (ctx: DurableObjectState, env: object) => object;

/**
 * The same class, seeing a wrapped env. A call that comes through a wrapped stub carries the caller's mode as a last
 * argument (or a header on fetch): it is taken off, the method runs in a scope of its own, and the scope's summary
 * goes back with the result. Any other call (the object calling itself, an alarm) runs the method as it is.
 */
export function instrumentDurableObject<C extends DOClass>(Base: C): C {
  const Instrumented = class extends (Base as unknown as AnyDOClass) {
    constructor(ctx: DurableObjectState, env: object) {
      super(ctx, wrapEnv(env));
    }
  };
  for (const name of methodNames(Base)) {
    const original = (Base.prototype as Obj)[name] as AnyFn;
    const value =
      name === "fetch"
        ? async function (this: unknown, request: Request) {
            const mode = request.headers.get(DO_MODE_HEADER);
            if (mode === null) return original.call(this, request);
            const headers = new Headers(request.headers);
            headers.delete(DO_MODE_HEADER);
            const scope = newScope(modeOf(mode, "0"), "do");
            const res = (await scopes.run(scope, () => original.call(this, new Request(request, { headers })))) as Response;
            if (res.status === 101 || res.webSocket) return res;
            const out = new Response(res.body, res);
            out.headers.set(DO_SUMMARY_HEADER, JSON.stringify(summarise(scope.calls)));
            return out;
          }
        : function (this: unknown, ...args: unknown[]) {
            const last = args.at(-1) as Obj | undefined;
            if (typeof last !== "object" || last === null || !(MARK in last)) return original.apply(this, args);
            const scope = newScope(modeOf(last[MARK] as string, "0"), "do");
            return (async (): Promise<Marked> => {
              const value = await scopes.run(scope, () => original.apply(this, args.slice(0, -1)));
              return { [MARK]: true, value, summary: summarise(scope.calls) };
            })();
          };
    Object.defineProperty(Instrumented.prototype, name, { value, configurable: true, writable: true });
  }
  Object.defineProperty(Instrumented, "name", { value: Base.name });
  return Instrumented as unknown as C;
}
