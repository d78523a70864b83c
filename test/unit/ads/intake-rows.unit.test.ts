// The ads upload checks: each row's shape, the hierarchy, and spend against the level above and below on the same day.
import { describe, expect, it } from "vitest";
import { checkEntityRows, type StoredEntity } from "../../../src/ads/intake/entity-rows";
import { checkInsightRows, type InsightContext } from "../../../src/ads/intake/insight-rows";

const campaign = (id: string, extra = {}) => ({ entity_type: "campaign", entity_id: id, name: id, status: "active", ...extra });
const adset = (id: string, parent: string) => ({ entity_type: "adset", entity_id: id, parent_id: parent, name: id, status: "active" });
const ad = (id: string, parent: string) => ({ entity_type: "ad", entity_id: id, parent_id: parent, name: id, status: "paused" });
const codes = (r: { rejected: Array<{ index: number; code: string }> }) => r.rejected.map((x) => [x.index, x.code]);

describe("checkEntityRows", () => {
  it("refuses moving a stored entity to another parent, and lets its name and status change", () => {
    const stored = new Map<string, StoredEntity>([
      ["c0", { entityType: "campaign", parentId: null }],
      ["s0", { entityType: "adset", parentId: "c0" }],
      ["s1", { entityType: "adset", parentId: "c0" }],
      ["a0", { entityType: "ad", parentId: "s0" }],
    ]);
    const r = checkEntityRows([ad("a0", "s1"), { ...ad("a0", "s0"), name: "renamed" }, adset("s1", "c0")], stored);
    expect(codes(r)).toEqual([[0, "parent_conflict"]]);
    expect(r.accepted.map((a) => a.index)).toEqual([1, 2]);
  });

  it("accepts a hierarchy sent children-first in one request", () => {
    const r = checkEntityRows([ad("a1", "s1"), adset("s1", "c1"), campaign("c1", { daily_budget: 50 })], new Map());
    expect(r.rejected).toEqual([]);
    expect(r.accepted.map((a) => a.index)).toEqual([0, 1, 2]);
  });

  it("refuses unknown parents, wrong levels, changed levels, duplicates and a parent on a campaign, and takes a refused parent's children with it", () => {
    const stored = new Map<string, StoredEntity>([
      ["c0", { entityType: "campaign", parentId: null }],
      ["s0", { entityType: "adset", parentId: "c0" }],
    ]);
    const r = checkEntityRows(
      [
        adset("s1", "nope"), // 0 unknown_parent
        ad("a1", "s1"), // 1 its ad set was refused → unknown_parent
        ad("a2", "c0"), // 2 an ad under a campaign
        campaign("s0"), // 3 s0 is stored as an ad set
        adset("s2", "c0"), // 4 ok
        adset("s2", "c0"), // 5 duplicate
        campaign("c9", { parent_id: "c0" }), // 6 campaigns have no parent
        { entity_type: "ad", entity_id: "a3", name: "x", status: "active" }, // 7 missing parent
        { entity_type: "ad", entity_id: "bad id", parent_id: "s0", name: "x", status: "active" }, // 8 invalid id
        ad("a4", "s0"), // 9 ok, under a stored ad set
      ],
      stored,
    );
    expect(codes(r)).toEqual([
      [0, "unknown_parent"],
      [1, "unknown_parent"],
      [2, "parent_level_mismatch"],
      [3, "entity_type_conflict"],
      [5, "duplicate_row"],
      [6, "unexpected_parent"],
      [7, "missing_parent"],
      [8, "invalid_entity"],
    ]);
    expect(r.accepted.map((a) => a.row.entity_id)).toEqual(["s2", "a4"]);
    expect(r.rejected[7]!.message).toContain("entity_id");
  });
});

describe("checkInsightRows", () => {
  const entities = new Map<string, StoredEntity>([
    ["c1", { entityType: "campaign", parentId: null }],
    ["s1", { entityType: "adset", parentId: "c1" }],
    ["a1", { entityType: "ad", parentId: "s1" }],
    ["a2", { entityType: "ad", parentId: "s1" }],
  ]);
  const day = (entity_id: string, spend: number, extra = {}) => ({ entity_id, date: "2026-11-20", spend, impressions: 1000, reach: 500, clicks: 20, leads: 2, ...extra });
  const ctx = (storedSpend: InsightContext["storedSpend"] = []): InsightContext => ({ entities, storedSpend, latestDate: "2026-11-30" });

  it("derives frequency from impressions and reach when it is absent, and keeps a reported one", () => {
    const r = checkInsightRows([day("a1", 5), day("a2", 5, { frequency: 1.7 }), day("c1", 9, { reach: 0 })], ctx());
    expect(r.accepted.map((a) => [a.row.entity_id, a.row.frequency, a.entityType])).toEqual([
      ["a1", 2, "ad"],
      ["a2", 1.7, "ad"],
      ["c1", null, "campaign"],
    ]);
  });

  it("refuses a child that spent more than its parent that day, against the parent's row in the same request or the stored one", () => {
    // In the request: s1 spent 10, so a1 at 10.004 (rounds to the same cent) passes and a2 at 10.02 does not.
    const inRequest = checkInsightRows([day("a1", 10.004), day("s1", 10), day("a2", 10.02)], ctx());
    expect(codes(inRequest)).toEqual([[2, "spend_exceeds_parent"]]);
    // Stored: s1 spent 4 on that day.
    const stored = checkInsightRows([day("a1", 4.5)], ctx([{ entityId: "s1", date: "2026-11-20", spend: 4 }]));
    expect(codes(stored)).toEqual([[0, "spend_exceeds_parent"]]);
    // A parent row in the request that was itself refused does not vouch for its children: the stored one counts.
    const refusedParent = checkInsightRows([day("s1", 50, { clicks: 5000 }), day("a1", 4.5)], ctx([{ entityId: "s1", date: "2026-11-20", spend: 4 }]));
    expect(codes(refusedParent)).toEqual([[0, "clicks_exceed_impressions"], [1, "spend_exceeds_parent"]]);
  });

  it("refuses a parent below a stored child's spend, unless that child's day is re-sent in the same request", () => {
    const storedChild = [{ entityId: "a1", date: "2026-11-20", spend: 8 }];
    expect(codes(checkInsightRows([day("s1", 7)], ctx(storedChild)))).toEqual([[0, "spend_below_child"]]);
    expect(codes(checkInsightRows([day("s1", 7), day("a1", 6)], ctx(storedChild)))).toEqual([]);
    // Another day's child does not matter.
    expect(codes(checkInsightRows([day("s1", 7, { date: "2026-11-21" })], ctx(storedChild)))).toEqual([]);
  });

  it("refuses a parent's row when the child row it made room for is refused, down the levels, so nothing stays above its parent", () => {
    const stored = [
      { entityId: "c1", date: "2026-11-20", spend: 10 },
      { entityId: "s1", date: "2026-11-20", spend: 10 },
      { entityId: "a1", date: "2026-11-20", spend: 10 },
    ];
    // Every level lowered, but a1's new row is malformed: a1 stays at 10, so s1 at 5 and then c1 at 6 cannot stand.
    const r = checkInsightRows([day("c1", 6), day("s1", 5), day("a1", 4, { clicks: 5000 })], ctx(stored));
    expect(codes(r)).toEqual([[0, "spend_below_child"], [1, "spend_below_child"], [2, "clicks_exceed_impressions"]]);
    // a1 lowered below its lowered parent: all three stand.
    expect(codes(checkInsightRows([day("c1", 5), day("s1", 5), day("a1", 4)], ctx(stored)))).toEqual([]);
  });

  it("refuses unknown entities, future dates, impossible counts, duplicates and malformed rows, and keeps the rest", () => {
    const r = checkInsightRows(
      [
        day("zz", 1), // 0
        day("a1", 1, { date: "2026-12-01" }), // 1 after latestDate
        day("a1", 1, { clicks: 1001 }), // 2
        day("a1", 1, { reach: 1001 }), // 3
        day("a2", 1), // 4 ok
        day("a2", 1), // 5 duplicate
        day("a1", -1), // 6 negative spend
        day("a1", 1, { impressions: 1.5 }), // 7 not an integer
        day("a1", 1, { date: "2026-02-30" }), // 8 not a date
        { ...day("a1", 1), cpm: 3 }, // 9 unknown field
      ],
      ctx(),
    );
    expect(codes(r)).toEqual([
      [0, "unknown_entity"],
      [1, "future_date"],
      [2, "clicks_exceed_impressions"],
      [3, "reach_exceeds_impressions"],
      [5, "duplicate_row"],
      [6, "invalid_insight"],
      [7, "invalid_insight"],
      [8, "invalid_insight"],
      [9, "invalid_insight"],
    ]);
    expect(r.accepted.map((a) => a.index)).toEqual([4]);
  });
});
