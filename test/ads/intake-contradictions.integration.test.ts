// Ads uploads that must never leave the stored hierarchy contradicting itself, found in review: rows refused together, moved
// entities, spend past what the forecasts can compute, and CSV rows whose cells do not line up with the header.
import { describe, expect, it } from "vitest";
import { bearer, call, json, newProject } from "../helpers/api";
import { putEntities, putInsights, storedEntities, storedInsights } from "./helpers";

const hierarchy = [
  { entity_type: "campaign", entity_id: "c1", name: "Leads", status: "active" },
  { entity_type: "adset", entity_id: "s1", parent_id: "c1", name: "Broad", status: "active" },
  { entity_type: "adset", entity_id: "s2", parent_id: "c1", name: "Narrow", status: "active" },
  { entity_type: "ad", entity_id: "a1", parent_id: "s1", name: "Video", status: "active" },
];
const day = (entity_id: string, date: string, spend: number) => ({ entity_id, date, spend, impressions: 1000, reach: 800, clicks: 20, leads: 2 });
const spendOf = async (projectId: string, configId: number) => (await storedInsights(projectId, configId)).map((r) => [r.entity_id, r.date, r.spend]);

describe("ads uploads never store a child above its parent", () => {
  it("refuses a parent's lower row when the child's row that would have matched it is refused", async () => {
    const p = await newProject();
    await putEntities(p.admin, 1, hierarchy);
    await putInsights(p.admin, 1, [day("c1", "2026-11-02", 10), day("s1", "2026-11-02", 10)]);
    // c1 down to 5 would be fine if s1 came down with it; s1's new 6 is above c1's new 5, so s1 stays at its stored 10,
    // and c1 at 5 would then be below it.
    const r = await putInsights(p.admin, 1, [day("c1", "2026-11-02", 5), day("s1", "2026-11-02", 6)]);
    expect(r.status).toBe(400);
    expect(r.body.error?.details?.rejected?.map((x) => [x.index, x.code])).toEqual([
      [0, "spend_below_child"],
      [1, "spend_exceeds_parent"],
    ]);
    expect(await spendOf(p.id, 1)).toEqual([
      ["c1", "2026-11-02", 10],
      ["s1", "2026-11-02", 10],
    ]);
    // Sent consistently, both are stored.
    expect((await putInsights(p.admin, 1, [day("c1", "2026-11-02", 5), day("s1", "2026-11-02", 4)])).body).toMatchObject({ accepted: 2, rejected: [] });
  });

  it("refuses to move an entity to another parent (its stored days would contradict the new one's)", async () => {
    const p = await newProject();
    await putEntities(p.admin, 1, hierarchy);
    await putInsights(p.admin, 1, [day("c1", "2026-11-02", 10), day("s1", "2026-11-02", 10), day("s2", "2026-11-02", 1), day("a1", "2026-11-02", 10)]);
    const r = await putEntities(p.admin, 1, [{ entity_type: "ad", entity_id: "a1", parent_id: "s2", name: "Video", status: "paused" }]);
    expect(r.status).toBe(400);
    expect(r.body.error?.details?.rejected?.map((x) => [x.index, x.code])).toEqual([[0, "parent_conflict"]]);
    expect((await storedEntities(p.id, 1)).find((e) => e.entity_id === "a1")).toMatchObject({ parent_id: "s1", status: "active" });
    // The same parent with a new name and status is an ordinary update.
    expect((await putEntities(p.admin, 1, [{ entity_type: "ad", entity_id: "a1", parent_id: "s1", name: "Video 2", status: "paused" }])).body).toMatchObject({ accepted: 1, written: 1 });
  });

  it("refuses spend beyond a trillion a day, which the forecasts cannot add up (it answered 500)", async () => {
    const p = await newProject();
    await putEntities(p.admin, 2, [{ entity_type: "campaign", entity_id: "big", name: "b", status: "active" }]);
    const days = Array.from({ length: 30 }, (_, i) => day("big", new Date(Date.UTC(2026, 9, 1 + i)).toISOString().slice(0, 10), i === 29 ? 1.7e308 : 1e12));
    const r = await putInsights(p.admin, 2, days);
    expect(r.body).toMatchObject({ accepted: 29, rejected: [{ index: 29, code: "invalid_insight" }] });
    const forecast = await json("/v1/ml/forecasts/generate", { config_id: 2, horizon_days: 90, as_of: "2026-11-01T00:00:00Z" }, bearer(p.admin));
    expect(forecast.status).toBe(200);
  });
});

describe("POST /v1/ads/insights/import with rows that do not line up with the header", () => {
  const head = "Campaign name,Campaign ID,Day,Amount spent (USD),Impressions,Reach,Link clicks,Leads";
  const post = (token: string, body: string) => call("/v1/ads/insights/import?config_id=3", { method: "POST", headers: { ...bearer(token), "content-type": "text/csv" }, body });

  it("refuses a row with too few or too many cells instead of storing zeros or shifted values, and stores no entity from it", async () => {
    const p = await newProject();
    const res = await post(
      p.admin,
      [
        head,
        "Ok,70,2026-11-01,5,1000,800,10,2",
        "Cut short,77,2026-11-01,50", // the rest of the row is missing, not blank
        "Leads, BR,78,2026-11-01,50,1000,800,10,2", // an unquoted comma shifts every cell after the name
      ].join("\n"),
    );
    expect(res.status).toBe(200);
    const out = (await res.json()) as { insights: { accepted: number; rejected: Array<{ index: number; code: string }> } };
    expect(out.insights.accepted).toBe(1);
    expect(out.insights.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, "csv_row_shape"],
      [2, "csv_row_shape"],
    ]);
    expect(await spendOf(p.id, 3)).toEqual([["70", "2026-11-01", 5]]);
    expect((await storedEntities(p.id, 3)).map((e) => e.entity_id)).toEqual(["70"]);
  });
});
