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
  return aggregateEventsPerWindow(events, [windowEnd])[0]!;
}

/**
 * aggregateEvents for several window ends in one pass, each event's properties parsed once: the build job computes
 * both passes of a decision from the same events (bench:jobs: aggregation was a third of the job's time).
 */
export function aggregateEventsPerWindow(events: readonly AttributedEvent[], windowEnds: readonly number[]): EventAggregate[] {
  // Maps, not object literals: an event or property named "__proto__" must stay data, never a prototype. Sums and
  // latest values are made only when an event has a numeric property (most have none).
  const counts = windowEnds.map(() => new Map<string, number>());
  let sums: Array<Map<string, number>> | undefined;
  let latestAt: Array<Map<string, number>> | undefined;
  let latest: Array<Map<string, number>> | undefined;
  for (const event of events) {
    let numeric: Array<[key: string, value: number]> | undefined;
    for (let w = 0; w < windowEnds.length; w++) {
      if (!(event.occurred_at <= windowEnds[w]!)) continue; // also drops a NaN occurred_at
      const c = counts[w]!;
      c.set(event.event_name, (c.get(event.event_name) ?? 0) + 1);
      numeric ??= numericProperties(event.event_name, event.properties);
      if (numeric.length === 0) continue;
      sums ??= windowEnds.map(() => new Map());
      latestAt ??= windowEnds.map(() => new Map());
      latest ??= windowEnds.map(() => new Map());
      const s = sums[w]!;
      const at = latestAt[w]!;
      const l = latest[w]!;
      for (const [key, value] of numeric) {
        s.set(key, (s.get(key) ?? 0) + value);
        const seen = at.get(key);
        // ">=": of two events at the same instant the later one in input order wins, so a re-sent snapshot replaces.
        if (seen === undefined || event.occurred_at >= seen) {
          at.set(key, event.occurred_at);
          l.set(key, value);
        }
      }
    }
  }
  return counts.map((c, w) => ({
    counts: Object.fromEntries(c),
    sums: sums ? Object.fromEntries(sums[w]!) : {},
    latest: latest ? Object.fromEntries(latest[w]!) : {},
  }));
}

const NO_PROPERTIES: Array<[string, number]> = [];

/** The finite numbers among an event's properties, keyed "event_name.property". */
function numericProperties(eventName: string, properties: string | null): Array<[string, number]> {
  if (properties === null) return NO_PROPERTIES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(properties);
  } catch {
    return NO_PROPERTIES;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return NO_PROPERTIES;
  let out: Array<[string, number]> | undefined;
  for (const [key, value] of Object.entries(parsed)) if (Number.isFinite(value)) (out ??= []).push([`${eventName}.${key}`, value as number]);
  return out ?? NO_PROPERTIES;
}
