// Test doubles for the SDK's unit tests: a Web Storage in memory and a scripted fetch.
import type { StorageLike } from "../src/storage";

/** A Web Storage in memory; a value longer than `limit` characters throws as a full localStorage does. */
export function memoryStorage(limit = Infinity): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => {
      if (v.length > limit) throw new Error("QuotaExceededError");
      data.set(k, v);
    },
    removeItem: (k) => void data.delete(k),
  };
}

export interface Call {
  url: string;
  init: RequestInit;
  body: any;
}

/**
 * A fetch that answers from `answers` in order (a Response, an Error to throw, or a function of the call), records
 * every call, and treats the no-cors reachability probe separately (`probe`: does the server answer it?).
 */
export function scriptedFetch(answers: Array<Response | Error | ((call: Call) => Response)>, probe = true) {
  const calls: Call[] = [];
  const probes: string[] = [];
  const fn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    if (init.mode === "no-cors") {
      probes.push(url);
      if (!probe) throw new TypeError("Failed to fetch");
      return new Response(null, { status: 200 });
    }
    const call = { url, init, body: init.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const answer = answers.shift() ?? accepted(call.body?.batch?.length ?? 1);
    if (answer instanceof Error) throw answer;
    return typeof answer === "function" ? answer(call) : answer;
  };
  return { fetch: fn as typeof fetch, calls, probes };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

export const accepted = (n: number) => json(202, { accepted: n, rejected: [], event_ids: [] });
