// The ads uploads in workerd against real D1: the hierarchy, per-row refusals, idempotent re-sends, CSV import, limits and who may call.
import { describe, expect, it } from "vitest";
import { asOperator, bearer, call, hs256, newProject } from "../helpers/api";
import { putEntities, putInsights, storedEntities, storedInsights } from "./helpers";

const hierarchy = [
  { entity_type: "campaign", entity_id: "c1", name: "Leads", status: "active", daily_budget: 100 },
  { entity_type: "adset", entity_id: "s1", parent_id: "c1", name: "Broad", status: "active" },
  { entity_type: "ad", entity_id: "a1", parent_id: "s1", name: "Video", status: "active" },
  { entity_type: "ad", entity_id: "a2", parent_id: "s1", name: "Carousel", status: "paused" },
];
const day = (entity_id: string, date: string, spend: number, extra = {}) => ({ entity_id, date, spend, impressions: 1000, reach: 800, clicks: 20, leads: 2, ...extra });

describe("PUT /v1/ads/entities and /v1/ads/insights", () => {
  it("stores the hierarchy and its days; re-sending changes nothing; re-sending a day with new numbers replaces it", async () => {
    const p = await newProject();
    const first = await putEntities(p.admin, 7, hierarchy);
    expect(first).toMatchObject({ status: 200, body: { config_id: 7, accepted: 4, written: 4, rejected: [] } });
    const days = [day("c1", "2026-11-01", 30), day("s1", "2026-11-01", 30), day("a1", "2026-11-01", 20), day("a2", "2026-11-01", 10)];
    expect((await putInsights(p.admin, 7, days)).body).toMatchObject({ accepted: 4, written: 4, rejected: [] });
    const before = { entities: await storedEntities(p.id, 7), insights: await storedInsights(p.id, 7) };
    expect(before.insights.map((r) => [r.entity_id, r.entity_type, r.spend, r.frequency])).toEqual([
      ["a1", "ad", 20, 1.25],
      ["a2", "ad", 10, 1.25],
      ["c1", "campaign", 30, 1.25],
      ["s1", "adset", 30, 1.25],
    ]);

    // The same requests again: accepted, nothing written, not even updated_at.
    expect((await putEntities(p.admin, 7, hierarchy)).body).toMatchObject({ accepted: 4, written: 0 });
    expect((await putInsights(p.admin, 7, days)).body).toMatchObject({ accepted: 4, written: 0 });
    expect({ entities: await storedEntities(p.id, 7), insights: await storedInsights(p.id, 7) }).toEqual(before);

    // A corrected day replaces the stored one.
    expect((await putInsights(p.admin, 7, [day("a1", "2026-11-01", 18, { leads: 3 })])).body).toMatchObject({ accepted: 1, written: 1 });
    const a1 = (await storedInsights(p.id, 7)).find((r) => r.entity_id === "a1")!;
    expect([a1.spend, a1.leads]).toEqual([18, 3]);
    // Another account of the same project is separate.
    expect(await storedInsights(p.id, 8)).toEqual([]);
  });

  it("refuses the rows that contradict the hierarchy, by index, and stores the rest", async () => {
    const p = await newProject();
    await putEntities(p.admin, 1, hierarchy);
    await putInsights(p.admin, 1, [day("s1", "2026-11-02", 15)]);
    const r = await putInsights(p.admin, 1, [
      day("a1", "2026-11-02", 16), // more than its ad set's stored 15
      day("a2", "2026-11-02", 5),
      day("ghost", "2026-11-02", 1),
      day("c1", "2026-11-02", 14), // less than its ad set's stored 15
    ]);
    expect(r.status).toBe(200);
    expect(r.body.rejected.map((x) => [x.index, x.code])).toEqual([
      [0, "spend_exceeds_parent"],
      [2, "unknown_entity"],
      [3, "spend_below_child"],
    ]);
    expect((await storedInsights(p.id, 1)).map((x) => x.entity_id)).toEqual(["a2", "s1"]);

    const orphan = await putEntities(p.admin, 1, [{ entity_type: "ad", entity_id: "a9", parent_id: "s9", name: "x", status: "active" }]);
    expect(orphan.status).toBe(400);
    expect(orphan.body.error).toMatchObject({ code: "no_valid_rows", details: { rejected: [{ index: 0, code: "unknown_parent" }] } });
    expect((await storedEntities(p.id, 1)).map((e) => e.entity_id)).toEqual(["a1", "a2", "c1", "s1"]);
  });

  it("answers 413 past ADS_MAX_ROWS and 400 for malformed JSON or a missing config_id, storing nothing", async () => {
    const p = await newProject();
    const many = Array.from({ length: 5001 }, (_, i) => ({ entity_type: "campaign", entity_id: `c${i}`, name: "c", status: "active" }));
    const tooMany = await putEntities(p.admin, 1, many);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toMatchObject({ code: "payload_too_large", details: { limit: "ADS_MAX_ROWS", value: 5001 } });
    const malformed = await call("/v1/ads/entities", { method: "PUT", headers: { ...bearer(p.admin), "content-type": "application/json" }, body: "{" });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe("malformed_json");
    const noConfig = await call("/v1/ads/entities", { method: "PUT", headers: { ...bearer(p.admin), "content-type": "application/json" }, body: JSON.stringify({ entities: hierarchy }) });
    expect(noConfig.status).toBe(400);
    expect(await storedEntities(p.id, 1)).toEqual([]);
  });

  it("lets only the project's admins and the operator (naming the project) upload", async () => {
    const p = await newProject();
    const other = await newProject();
    expect((await call("/v1/ads/entities", { method: "PUT", body: "{}" })).status).toBe(401);
    expect((await putEntities(await p.user("u1"), 1, hierarchy)).status).toBe(403);
    expect((await putEntities(other.admin, 1, hierarchy, `?project=${p.id}`)).status).toBe(403);
    expect((await putEntities(await hs256({ sub: "a", role: "admin", project: p.id }, { expiresIn: -10 }), 1, hierarchy)).status).toBe(401);
    expect((await putEntities(asOperator.authorization.slice(7), 1, hierarchy)).body.error?.code).toBe("project_required");
    expect((await putEntities(asOperator.authorization.slice(7), 1, hierarchy, `?project=${p.id}`)).body).toMatchObject({ accepted: 4 });
    // The other project's admin writing its own account 1 does not touch p's.
    await putEntities(other.admin, 1, [hierarchy[0]]);
    expect((await storedEntities(p.id, 1)).length).toBe(4);
  });
});

describe("POST /v1/ads/insights/import", () => {
  const csv = (rows: string[]) =>
    ["\uFEFFCampaign name,Campaign ID,Ad set name,Ad set ID,Ad name,Ad ID,Day,Amount spent (USD),Impressions,Reach,Frequency,Link clicks,Leads,Ad delivery", ...rows].join("\r\n");
  const post = (token: string, body: string, query = "?config_id=3") =>
    call(`/v1/ads/insights/import${query}`, { method: "POST", headers: { ...bearer(token), "content-type": "text/csv" }, body });

  it("stores the entities an ad-level export names and each row's day; a second import changes nothing", async () => {
    const p = await newProject();
    const body = csv([
      `"Leads, BR",100,Broad,200,Video,300,2026-11-01,12.50,1000,800,1.25,12,3,active`,
      `"Leads, BR",100,Broad,200,Video,300,2026-11-02,7,900,700,,10,,inactive`,
      `"Leads, BR",100,Broad,200,Static,301,2026-11-02,abc,900,700,,10,1,active`,
    ]);
    const res = await post(p.admin, body);
    expect(res.status).toBe(200);
    const out = (await res.json()) as { level: string; rows: number; entities: { accepted: number; written: number }; insights: { accepted: number; rejected: Array<{ index: number; code: string }> } };
    expect(out).toMatchObject({ level: "ad", rows: 3, entities: { accepted: 4, written: 4 }, insights: { accepted: 2 } });
    expect(out.insights.rejected.map((r) => [r.index, r.code])).toEqual([[2, "invalid_insight"]]);
    const entities = await storedEntities(p.id, 3);
    expect(entities.map((e) => [e.entity_id, e.entity_type, e.parent_id, e.name, e.status])).toEqual([
      ["100", "campaign", null, "Leads, BR", "active"],
      ["200", "adset", "100", "Broad", "active"],
      ["300", "ad", "200", "Video", "active"],
      ["301", "ad", "200", "Static", "active"],
    ]);
    const days = await storedInsights(p.id, 3);
    expect(days.map((d) => [d.entity_id, d.date, d.spend, d.leads, d.frequency])).toEqual([
      ["300", "2026-11-01", 12.5, 3, 1.25],
      ["300", "2026-11-02", 7, 0, 900 / 700],
    ]);
    const again = (await (await post(p.admin, body)).json()) as { entities: { written: number }; insights: { written: number } };
    expect([again.entities.written, again.insights.written]).toEqual([0, 0]);
  });

  it("refuses a CSV without the columns it needs, an empty one, and callers who are not the project's admins", async () => {
    const p = await newProject();
    const missing = await post(p.admin, "Campaign ID,Amount spent (USD)\n1,2");
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "invalid_csv", message: expect.stringContaining("date") });
    expect((await post(p.admin, "Day,Campaign ID\n")).status).toBe(400);
    expect((await post(p.admin, csv([]), "")).status).toBe(400);
    expect((await post(await p.user("u"), csv([]))).status).toBe(403);
  });
});
