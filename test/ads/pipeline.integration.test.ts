// From an Ads Manager export to advice, through the API only: CSV imports per level, the ML routes, the entity view, dismissal.
import { describe, expect, it } from "vitest";
import { bearer, call, json, newProject } from "../helpers/api";
import { addDays } from "../../src/ads/report-day";

type Day = { spend: number; impressions: number; reach: number; clicks: number; leads: number };
const DAY_MS = 86_400_000;

/**
 * 14 days ending yesterday (UTC). C1 → S1 → A_OK (steady: 20/day, CTR 2%, frequency 2, a lead a day) and A_FAT (the
 * last 7 days: reach halves, so frequency 2 → 4, while clicks halve, CTR 2% → 1%). C2 → S2 → A_DEAD: 30/day, a lead a
 * day the week before and none in the last 7 days.
 */
function account() {
  const yesterday = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS).toISOString().slice(0, 10);
  const ads = {
    A_OK: { adset: "S1", day: (): Day => ({ spend: 20, impressions: 2000, reach: 1000, clicks: 40, leads: 1 }) },
    A_FAT: { adset: "S1", day: (late: boolean, i: number): Day => (late ? { spend: 20, impressions: 2000, reach: 500, clicks: 20, leads: i % 2 } : { spend: 20, impressions: 2000, reach: 1000, clicks: 40, leads: 1 }) },
    A_DEAD: { adset: "S2", day: (late: boolean): Day => ({ spend: 30, impressions: 3000, reach: 1500, clicks: 30, leads: late ? 0 : 1 }) },
  } as const;
  const campaignOf: Record<string, string> = { S1: "C1", S2: "C2" };
  const rows: Record<"campaign" | "adset" | "ad", string[]> = { campaign: [], adset: [], ad: [] };
  const line = (d: Day) => `${d.spend},${d.impressions},${d.reach},${d.clicks},${d.leads}`;
  for (let i = 0; i < 14; i++) {
    const date = addDays(yesterday, i - 13);
    const sums = new Map<string, Day>();
    for (const [id, ad] of Object.entries(ads)) {
      const d = ad.day(i >= 7, i);
      rows.ad.push(`Campaign ${campaignOf[ad.adset]},${campaignOf[ad.adset]},Ad set ${ad.adset},${ad.adset},"Ad ${id}, v1",${id},${date},${line(d)},active`);
      for (const key of [ad.adset, campaignOf[ad.adset]!]) {
        const s = sums.get(key) ?? { spend: 0, impressions: 0, reach: 0, clicks: 0, leads: 0 };
        sums.set(key, { spend: s.spend + d.spend, impressions: s.impressions + d.impressions, reach: s.reach + d.reach, clicks: s.clicks + d.clicks, leads: s.leads + d.leads });
      }
    }
    for (const s of ["S1", "S2"]) rows.adset.push(`Campaign ${campaignOf[s]},${campaignOf[s]},Ad set ${s},${s},${date},${line(sums.get(s)!)},active`);
    for (const c of ["C1", "C2"]) rows.campaign.push(`Campaign ${c},${c},${date},${line(sums.get(c)!)},active`);
  }
  const metrics = "Day,Amount spent (USD),Impressions,Reach,Link clicks,Leads";
  return {
    campaign: [`Campaign name,Campaign ID,${metrics},Campaign delivery`, ...rows.campaign].join("\n"),
    adset: [`Campaign name,Campaign ID,Ad set name,Ad set ID,${metrics},Ad set delivery`, ...rows.adset].join("\n"),
    ad: [`Campaign name,Campaign ID,Ad set name,Ad set ID,Ad name,Ad ID,${metrics},Ad delivery`, ...rows.ad].join("\n"),
  };
}

type Recommendation = { id: string; entity_id: string; entity_type: string; type: string; evidence: unknown };

describe("the ads pipeline through the API", () => {
  it("imports three levels of Ads Manager CSV, then advises a creative refresh for the fatigued ad and a pause for the campaign without leads", async () => {
    const p = await newProject();
    const csv = account();
    // Parents first, so each child's spend is checked against its parent's day.
    for (const level of ["campaign", "adset", "ad"] as const) {
      const res = await call("/v1/ads/insights/import?config_id=9", { method: "POST", headers: { ...bearer(p.admin), "content-type": "text/csv" }, body: csv[level] });
      const body = (await res.json()) as { level: string; insights: { accepted: number; rejected: unknown[] } };
      expect([res.status, body.level, body.insights.accepted, body.insights.rejected]).toEqual([200, level, level === "ad" ? 42 : 28, []]);
    }

    const generated = await json("/v1/ml/recommendations/generate", { config_id: 9, force_refresh: false }, bearer(p.admin));
    expect(generated.status).toBe(200);
    const list = async (level: string) =>
      ((await (await call(`/v1/ml/recommendations?config_id=9&entity_type=${level}`, { headers: bearer(p.admin) })).json()) as { recommendations: Recommendation[] }).recommendations;
    const byEntity = (recs: Recommendation[]) => Object.fromEntries([...new Set(recs.map((r) => r.entity_id))].map((id) => [id, recs.filter((r) => r.entity_id === id).map((r) => r.type).sort()]));
    const ads = byEntity(await list("ad"));
    const campaigns = byEntity(await list("campaign"));
    expect(ads.A_FAT).toContain("CREATIVE_REFRESH");
    expect(ads.A_OK ?? []).not.toContain("CREATIVE_REFRESH");
    expect(campaigns.C2).toContain("PAUSE");
    expect(campaigns.C2).not.toContain("SCALE_UP");
    expect(campaigns.C1 ?? []).not.toContain("PAUSE");

    // The entity view has it all together: the fatigue in the features, the open advice with its evidence.
    const view = (await (await call("/v1/ml/entities/A_FAT?config_id=9", { headers: bearer(p.admin) })).json()) as {
      name: string; parent_id: string; features: { frequency_7d: number; ctr_7d: number; creative_fatigue_score: number }; recommendations: Recommendation[];
    };
    expect(view).toMatchObject({ name: "Ad A_FAT, v1", parent_id: "S1" });
    expect(view.features.frequency_7d).toBeCloseTo(4, 9);
    expect(view.features.ctr_7d).toBeCloseTo(0.01, 9);
    expect(view.features.creative_fatigue_score).toBe(1);
    const refresh = view.recommendations.find((r) => r.type === "CREATIVE_REFRESH")!;
    expect(refresh.evidence).toBeTruthy();

    // Dismissed advice is not raised again by the next day's run.
    expect((await json(`/v1/ml/recommendations/${refresh.id}`, { status: "dismissed" }, bearer(p.admin), "PATCH")).status).toBe(200);
    await json("/v1/ml/recommendations/generate", { config_id: 9, entity_type: "ad", force_refresh: true }, bearer(p.admin));
    expect(byEntity(await list("ad")).A_FAT ?? []).not.toContain("CREATIVE_REFRESH");
  });
});
