// What one fuzz property reports: its counts by status class, status, error code and endpoint (read by scripts/fuzz-reporter.ts).
export type StatusClass = "2xx" | "4xx" | "5xx" | "other";

export type EndpointCounts = { requests: number; duration_ms: number } & Record<StatusClass, number>;

export type RouteStats = {
  route: string;
  seed: number;
  /** Generated cases run before the property passed or first failed (shrinking not included). */
  runs: number;
  /** Every request sent, shrinking included. */
  requests: number;
  "2xx": number;
  "4xx": number;
  "5xx": number;
  other: number;
  /** 429s, also counted in 4xx: a run that meets mostly rate limits would prove little. */
  rate_limited: number;
  statuses: Record<string, number>;
  /** error.code of the 4xx answers: how deep the generated requests reached. */
  codes: Record<string, number>;
  /** The same counts per endpoint, for a property that spans a route family. */
  endpoints: Record<string, EndpointCounts>;
  duration_ms: number;
  /** Each kind of failure (an endpoint's 5xx, a malformed answer, a failed check): how often, and how to replay its first. */
  failures?: Array<{ signature: string; count: number; seed: number; path: string | null; counterexample: string; error: string; replay: string }>;
};

// Each property's figures travel from workerd to the reporter as the test's meta.
declare module "vitest" {
  interface TaskMeta {
    fuzz?: RouteStats;
  }
}
