// planRecommendations: raise, refresh, expire (stopped firing or past expiry), and hold back recent applies and dismissals.
import { describe, expect, it } from "vitest";
import { DAY_MS, planRecommendations } from "../../../src/ads/recommendations/lifecycle";
import type { Candidate } from "../../../src/ads/recommendations/recommend";

const NOW = Date.UTC(2026, 2, 15, 5);
const cand = (entityId: string, type: Candidate["type"]): Candidate => ({ entityId, type, priority: "high", reason: "r", evidence: { rule: "x", thresholds: {}, features: {} } });

describe("planRecommendations", () => {
  it("upserts what fires, expires judged entities' open rows that stopped firing, leaves the others", () => {
    const plan = planRecommendations({
      candidates: [cand("A", "PAUSE"), cand("B", "SCALE_UP")],
      open: [
        { id: "1", entityId: "A", type: "PAUSE", expiresAt: NOW + DAY_MS }, // still fires: refreshed
        { id: "2", entityId: "A", type: "CREATIVE_TEST", expiresAt: NOW + DAY_MS }, // A judged, no longer fires: expired
        { id: "3", entityId: "C", type: "PAUSE", expiresAt: NOW + DAY_MS }, // C not judged this run: kept
        { id: "4", entityId: "D", type: "PAUSE", expiresAt: NOW }, // not judged, but past its expiry: expired
        { id: "5", entityId: "B", type: "SCALE_UP", expiresAt: NOW - 1 }, // past expiry, yet fires again: refreshed
      ],
      resolved: [],
      entities: new Set(["A", "B"]),
      now: NOW,
    });
    expect(plan.upserts.map((c) => `${c.entityId}:${c.type}`)).toEqual(["A:PAUSE", "B:SCALE_UP"]);
    expect(plan.expire.sort()).toEqual(["2", "4"]);
    expect(plan.heldBack).toEqual([]);
  });

  it("holds back a type applied within 7 days or dismissed within 14, and only that type for that entity", () => {
    const resolved = [
      { entityId: "A", type: "PAUSE", status: "dismissed" as const, resolvedAt: NOW - 14 * DAY_MS + 1 },
      { entityId: "B", type: "PAUSE", status: "dismissed" as const, resolvedAt: NOW - 14 * DAY_MS },
      { entityId: "C", type: "SCALE_UP", status: "applied" as const, resolvedAt: NOW - 7 * DAY_MS + 1 },
      { entityId: "D", type: "SCALE_UP", status: "applied" as const, resolvedAt: NOW - 7 * DAY_MS },
    ];
    const plan = planRecommendations({
      candidates: [cand("A", "PAUSE"), cand("A", "CREATIVE_TEST"), cand("B", "PAUSE"), cand("C", "SCALE_UP"), cand("D", "SCALE_UP")],
      open: [],
      resolved,
      entities: new Set(["A", "B", "C", "D"]),
      now: NOW,
    });
    expect(plan.upserts.map((c) => `${c.entityId}:${c.type}`)).toEqual(["A:CREATIVE_TEST", "B:PAUSE", "D:SCALE_UP"]);
    expect(plan.heldBack).toEqual([
      { entityId: "A", type: "PAUSE", status: "dismissed" },
      { entityId: "C", type: "SCALE_UP", status: "applied" },
    ]);
  });
});
