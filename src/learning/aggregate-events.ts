// aggregateEvents: a decision's attributed events, up to the window's end, as counts, numeric sums and latest values.
import type { EventAggregate } from "./reward-spec";

/** One attributed event as the outcomes job reads it from D1 (properties is the stored JSON text). */
export type AttributedEvent = { event_name: string; occurred_at: number; properties: string | null };

/**
 * The window is closed at windowEnd (an event at exactly windowEnd counts), open below: events are attributed by
 * decision_id, so anything earlier already belongs to this decision, and client clocks may run slightly behind.
 * Only finite numbers become sums and latest values; strings, booleans, nested objects and unparsable JSON are
 * ignored rather than rejected, because one malformed event must not cost a decision its outcome.
 */
export function aggregateEvents(events: readonly AttributedEvent[], windowEnd: number): EventAggregate {
  // Maps, not object literals: an event or property named "__proto__" must stay data, never a prototype.
  const counts = new Map<string, number>();
  const sums = new Map<string, number>();
  const latest = new Map<string, { at: number; value: number }>();
  for (const event of events) {
    if (!(event.occurred_at <= windowEnd)) continue; // also drops a NaN occurred_at
    counts.set(event.event_name, (counts.get(event.event_name) ?? 0) + 1);
    for (const [property, value] of numericProperties(event.properties)) {
      const key = `${event.event_name}.${property}`;
      sums.set(key, (sums.get(key) ?? 0) + value);
      const seen = latest.get(key);
      // ">=": of two events at the same instant the later one in input order wins, so a re-sent snapshot replaces.
      if (seen === undefined || event.occurred_at >= seen.at) latest.set(key, { at: event.occurred_at, value });
    }
  }
  return {
    counts: Object.fromEntries(counts),
    sums: Object.fromEntries(sums),
    latest: Object.fromEntries([...latest].map(([key, { value }]) => [key, value])),
  };
}

function numericProperties(properties: string | null): Array<[string, number]> {
  if (properties === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(properties);
  } catch {
    return [];
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return [];
  return Object.entries(parsed).filter((entry): entry is [string, number] => Number.isFinite(entry[1]));
}
