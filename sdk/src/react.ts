// useAnalytics: seed 002's React hook over createAnalytics, one shared client per endpoint and key.
import { useEffect, useMemo } from "react";
import { createAnalytics, type Analytics, type AnalyticsOptions } from "./index.js";

export type { Analytics, AnalyticsOptions, AnalyticsError, Decision, Properties } from "./index.js";

const clients = new Map<string, Analytics>();

/**
 * The client for these options, created once per endpoint, key and storage prefix and shared by every component
 * (two clients would race for the same stored queue). Options other than those three count only the first time.
 */
export function getAnalytics(options: AnalyticsOptions): Analytics {
  const id = `${options.endpoint} ${options.key ?? ""} ${options.storagePrefix ?? ""}`;
  let client = clients.get(id);
  if (!client) clients.set(id, (client = createAnalytics(options)));
  return client;
}

/**
 * `const analytics = useAnalytics({ endpoint, key })`, then `analytics.track("button_click", { button: "save" })`.
 * The client beacons its queue on pagehide by itself; a component that unmounts also sends what is queued.
 */
export function useAnalytics(options: AnalyticsOptions): Analytics {
  const client = useMemo(() => getAnalytics(options), [options.endpoint, options.key, options.storagePrefix]);
  useEffect(() => () => void client.flush(), [client]);
  return client;
}
