// Issue 8 §3's key and value reproducers as events through validateEvent (identifier ones: test/decisions, test/ingest).
import { describe, expect, it } from "vitest";
import { validateEvent } from "../../../src/ingest/validate-events";
import { CORPUS } from "./pii-corpus";

// Only the context every version of validateEvent takes, so this file runs against the guard before the rebuild too.
const ctx = { now: Date.parse("2026-11-10T12:00:00Z"), registeredNames: new Set(["page_view"]), historicalMigration: false, maxEventBytes: 32_768 };

const cases = CORPUS.filter((c) => c.issue && c.via !== "identifier").map(
  (c) => [`${c.field ?? "properties"}.${c.key}=${JSON.stringify(c.value)}`, c.pii ? "refused" : "accepted", c] as const,
);

describe("issue 8 §3 reproducers, sent as events", () => {
  it("covers every key and value case of the issue", () => {
    // 11 keys, 14 values, 9 posthog-js properties.
    expect(cases).toHaveLength(34);
  });

  it.each(cases)("%s is %s", (_, __, c) => {
    const result = validateEvent({ event_name: "page_view", [c.field ?? "properties"]: { [c.key]: c.value } }, 0, ctx);
    if (c.pii) expect(result).toMatchObject({ code: expect.stringMatching(/^pii_(key|value)$/) });
    else expect(result).toMatchObject({ index: 0, occurredAt: ctx.now });
  });
});
