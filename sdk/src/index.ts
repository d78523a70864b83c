// The edgeloop client: createAnalytics queues events in storage, sends them in batches with retries, beacons what is
// left when the page goes away, and asks for decisions (backends with a JWT).
import { parseRetryAfter, retryDelay } from "./backoff";
import { outcomeOf, retryableStatus, type Outcome } from "./outcome";
import { chunk, pushBounded, withoutIds, type QueuedEvent } from "./queue";
import { touchSession, uuid, type ClientSession } from "./session";
import { browserStorage, jsonStore, type StorageLike } from "./storage";

export type { QueuedEvent, StorageLike };

/** A flat property value, as the anti-PII guard accepts it (docs/ingestion.md §3). */
export type PropertyValue = string | number | boolean | null | (string | number | boolean | null)[];
export type Properties = Record<string, PropertyValue>;

export interface AnalyticsOptions {
  /** The edgeloop Worker's base URL, e.g. `https://edgeloop.example.com`. */
  endpoint: string;
  /** A publishable key (`pk_…`): the browser's credential. The page's origin must be in its allowed origins. */
  key?: string;
  /** A JWT (backends, signed-in users), or a function that returns a fresh one. Needed for decide(). */
  token?: string | (() => string | Promise<string>);
  /** Events per request, and the queue length that sends at once (default 20). */
  batchSize?: number;
  /** How long an event may wait for companions before it is sent, in ms (default 5000). */
  flushInterval?: number;
  /** Most events kept while they cannot be sent (offline); the oldest go first (default 500). */
  maxQueue?: number;
  /** Idle time that ends a client session, in ms (default 30 minutes). */
  sessionTimeout?: number;
  /** The events' `src` (default "web"). */
  src?: string;
  /** The event that identify() sends (default "identify"; register it for the project), or false for none. */
  identifyEvent?: string | false;
  /** Where the queue and ids persist (default localStorage when usable; null: memory only). */
  storage?: StorageLike | null;
  /** Prefix of the storage keys (default "edgeloop"). */
  storagePrefix?: string;
  /** Told about events the server refused and requests that were blocked (default: console.error). */
  onError?: (error: AnalyticsError) => void;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
}

export interface AnalyticsError {
  /** The server's error code (`origin_not_allowed`, `unknown_event_name`, …), or `request_blocked`, `queue_full`. */
  code: string;
  message: string;
  status?: number;
  /** The events concerned; they are not sent again. */
  events: QueuedEvent[];
}

export interface Decision {
  decision_id: string;
  decision_type: string;
  action: string;
  policy_id: string;
  policy_version: number;
  bucket: string;
  propensity: number;
  explored: boolean;
  fallback_reason?: string;
}

export interface DecideOptions {
  /** Who the decision is for (default the identified user, else the anonymous id). */
  unit_id?: string;
  /** The idempotency key: the same one returns the same decision (default a new UUID, kept across retries). */
  request_id?: string;
  resource_type?: string;
  resource_id?: string;
}

export interface Analytics {
  /** Queues an event; returns its event_id. */
  track(name: string, properties?: Properties): string;
  /** A `page_view` with the path and the referrer (without query strings, which can carry personal data). */
  page(properties?: Properties): string;
  /** Later events carry `userId` as their user_id; sends the identify event with `traits` as properties. */
  identify(userId: string, traits?: Properties): void;
  /** Forgets the user, the decision and the session, and starts a new anonymous id (sign-out). */
  reset(): void;
  /** Sends everything queued now; resolves when the queue is empty or a retry has been scheduled. */
  flush(): Promise<void>;
  /** POST /v1/decisions (a JWT is needed); later events carry the answer's decision_id and policy_id. */
  decide(decisionType: string, context?: Properties, options?: DecideOptions): Promise<Decision>;
  readonly anonymousId: string;
  readonly userId: string | undefined;
}

const isQueuedEvent = (e: unknown): e is QueuedEvent =>
  typeof e === "object" && e !== null && typeof (e as QueuedEvent).event_id === "string" && typeof (e as QueuedEvent).event_name === "string";

// sendBeacon and keepalive fetches share 64 KiB in flight per page; stay below it with room for multi-byte text.
const MAX_BODY = 48_000;

export function createAnalytics(options: AnalyticsOptions): Analytics {
  const o = { batchSize: 20, flushInterval: 5000, maxQueue: 500, sessionTimeout: 1_800_000, src: "web", identifyEvent: "identify" as string | false, ...options };
  const endpoint = o.endpoint.replace(/\/+$/, "");
  const store = jsonStore(o.storage === undefined ? browserStorage() : o.storage ?? undefined, o.storagePrefix ?? "edgeloop");
  const send = o.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const report = o.onError ?? ((e: AnalyticsError) => console.error(`[edgeloop] ${e.code}: ${e.message}`));
  const win = typeof window == "object" ? window : undefined;
  const nav = typeof navigator == "object" ? navigator : undefined;

  const newAnonymousId = () => {
    const id = uuid();
    store.set("anon", id);
    return id;
  };
  // Stored values are read as untrusted: another script, an older SDK or a hand edit may have left any JSON there, and
  // a wrong shape (an object as the anonymous id, null in the queue) would make every later event refused or every
  // flush throw. Such values are set aside as absent.
  const storedString = (key: string) => {
    const v = store.get<unknown>(key);
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  let anonymousId = storedString("anon") ?? newAnonymousId();
  let userId = storedString("user");
  let decision: { decision_id: string; policy_id: string } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retryAt = 0;
  let attempt = 0;
  let sending: Promise<void> | undefined;

  const queue = (): QueuedEvent[] => {
    const q = store.get<unknown>("queue");
    return Array.isArray(q) ? q.filter(isQueuedEvent) : [];
  };
  const schedule = (ms: number, replace?: boolean) => {
    if (timer !== undefined && !replace) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, ms);
  };
  const headers = async (): Promise<Record<string, string>> => {
    const token = typeof o.token == "function" ? await o.token() : o.token;
    return { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : o.key ? { "x-edgeloop-key": o.key } : {}) };
  };
  // A browser hides why a cross-origin request failed. If the server answers a no-cors probe, it was not the network:
  // the page's origin (or the key) was refused, and that answer carried no CORS headers.
  const reachable = () => send(`${endpoint}/healthz`, { mode: "no-cors", cache: "no-store" }).then(() => true, () => false);

  async function drain(): Promise<void> {
    for (;;) {
      const batch = chunk(queue(), o.batchSize, MAX_BODY)[0];
      if (!batch) return;
      let outcome: Outcome = { retry: batch, dropped: [] };
      let status: number | undefined;
      let wait: number | undefined;
      try {
        const body = JSON.stringify({ batch });
        const res = await send(`${endpoint}/v1/events`, { method: "POST", headers: await headers(), body, keepalive: body.length < MAX_BODY });
        status = res.status;
        wait = parseRetryAfter(res.headers.get("retry-after"), Date.now());
        outcome = outcomeOf(status, await res.json().catch(() => undefined), batch);
      } catch {
        if (nav?.onLine !== false && (await reachable())) {
          report({
            code: "request_blocked",
            message: `${endpoint} is reachable but refused the request without CORS headers: is this page's origin in the key's allowed origins, and is the key active? The events are kept and retried`,
            events: batch,
          });
        }
      }
      const retryIds = new Set(outcome.retry.map((e) => e.event_id));
      store.set("queue", withoutIds(queue(), batch.filter((e) => !retryIds.has(e.event_id)).map((e) => e.event_id)));
      const byCode = new Map<string, AnalyticsError>();
      for (const r of outcome.dropped) {
        const group = byCode.get(r.code) ?? { code: r.code, message: r.message, status, events: [] };
        group.events.push(r.event);
        byCode.set(r.code, group);
      }
      byCode.forEach(report);
      if (retryIds.size > 0) {
        const delay = retryDelay(attempt++, Math.random(), wait);
        retryAt = Date.now() + delay;
        schedule(delay, true);
        return;
      }
      attempt = 0;
      retryAt = 0;
    }
  }

  function flush(): Promise<void> {
    return (sending ??= drain().finally(() => (sending = undefined)));
  }

  function track(name: string, properties?: Properties): string {
    const now = Date.now();
    const session: ClientSession = touchSession(store.get<ClientSession>("session") ?? undefined, now, o.sessionTimeout, uuid);
    store.set("session", session);
    const event: QueuedEvent = {
      event_id: uuid(),
      event_name: name,
      occurred_at: new Date(now).toISOString(),
      user_id: userId ?? anonymousId,
      client_session_id: session.id,
      src: o.src,
      ...decision,
      context: { anonymous_id: anonymousId, ...(win ? { path: win.location.pathname } : {}) },
      ...(properties && Object.keys(properties).length > 0 ? { properties } : {}),
    };
    const { queue: next, dropped } = pushBounded(queue(), event, o.maxQueue);
    store.set("queue", next);
    if (dropped.length > 0) report({ code: "queue_full", message: `More than ${o.maxQueue} events waited to be sent; the oldest were dropped`, events: dropped });
    if (next.length >= o.batchSize && now >= retryAt) void flush();
    else schedule(Math.max(o.flushInterval, retryAt - now));
    return event.event_id;
  }

  // Leaving the page (or hiding it, the last moment a mobile browser guarantees): a beacon outlives the page. Offline,
  // the events stay queued for the next page instead.
  function unload(): void {
    if (nav?.onLine === false) return;
    if (!o.key || !nav?.sendBeacon) {
      void flush();
      return;
    }
    const url = `${endpoint}/v1/collect?key=${encodeURIComponent(o.key)}`;
    for (const part of chunk(queue(), 100, MAX_BODY)) {
      if (!nav.sendBeacon(url, JSON.stringify({ batch: part }))) return;
      store.set("queue", withoutIds(queue(), part.map((e) => e.event_id)));
    }
  }

  if (win) {
    win.addEventListener("pagehide", unload);
    win.addEventListener("online", () => void flush());
    win.document?.addEventListener("visibilitychange", () => win.document.visibilityState == "hidden" && unload());
  }
  if (queue().length > 0) schedule(0);

  return {
    track,
    flush,
    page(properties) {
      const strip = (url: string) => url.split(/[?#]/)[0]!;
      return track("page_view", { ...(win ? { page: win.location.pathname, referrer: strip(win.document.referrer) } : {}), ...properties });
    },
    identify(id, traits) {
      userId = id;
      store.set("user", id);
      if (o.identifyEvent) track(o.identifyEvent, traits);
    },
    reset() {
      userId = undefined;
      decision = undefined;
      store.set("user", null);
      store.set("session", null);
      anonymousId = newAnonymousId();
    },
    async decide(decisionType, context = {}, opts = {}) {
      // Field by field: an option given as undefined must not wipe its default.
      const { unit_id = userId ?? anonymousId, request_id = uuid(), resource_type, resource_id } = opts;
      const body = JSON.stringify({ decision_type: decisionType, unit_id, context, request_id, resource_type, resource_id });
      for (let n = 0; ; n++) {
        const res = await send(`${endpoint}/v1/decisions`, { method: "POST", headers: await headers(), body });
        const json = await res.json().catch(() => ({}));
        if (res.ok) {
          decision = { decision_id: json.decision_id, policy_id: json.policy_id };
          return json as Decision;
        }
        const wait = retryDelay(n, Math.random(), parseRetryAfter(res.headers.get("retry-after"), Date.now()), 250);
        if (n < 2 && retryableStatus(res.status) && wait <= 10_000) {
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        throw Object.assign(new Error(json.error?.message ?? `POST /v1/decisions answered ${res.status}`), { code: json.error?.code ?? `http_${res.status}`, status: res.status });
      }
    },
    get anonymousId() {
      return anonymousId;
    },
    get userId() {
      return userId;
    },
  };
}
