// Ads Manager exports mapped onto entity and insight rows: header aliases, the level, blanks, budgets and delivery.
import { describe, expect, it } from "vitest";
import { mapColumns, mapMetaExport } from "../../../src/ads/intake/meta-csv";

describe("mapMetaExport", () => {
  it("maps an ad-level English export broken down by day", () => {
    const headers = ["Campaign name", "Campaign ID", "Ad set name", "Ad set ID", "Ad name", "Ad ID", "Day", "Amount spent (USD)", "Impressions", "Reach", "Frequency", "Link clicks", "Clicks (all)", "Leads", "Ad delivery", "Ad set budget", "Ad set budget type"];
    const row = (day: string, spend: string, leads: string, delivery: string) => ({
      "Campaign name": "Leads BR", "Campaign ID": "120001", "Ad set name": "Lookalike 1%", "Ad set ID": "120011", "Ad name": "Video A", "Ad ID": "120111",
      Day: day, "Amount spent (USD)": spend, Impressions: "1000", Reach: "800", Frequency: "1.25", "Link clicks": "12", "Clicks (all)": "30", Leads: leads, "Ad delivery": delivery,
      "Ad set budget": "40", "Ad set budget type": "Daily",
    });
    const out = mapMetaExport(headers, [row("2026-11-01", "12.5", "3", "active"), row("2026-11-02", "7", "", "inactive")]);
    expect(out.level).toBe("ad");
    expect(out.entities.map((e) => e.entity)).toEqual([
      { entity_type: "campaign", entity_id: "120001", parent_id: null, name: "Leads BR", status: undefined, daily_budget: undefined },
      { entity_type: "adset", entity_id: "120011", parent_id: "120001", name: "Lookalike 1%", status: undefined, daily_budget: 40 },
      { entity_type: "ad", entity_id: "120111", parent_id: "120011", name: "Video A", status: "active" },
    ]);
    // Link clicks win over all clicks; a blank leads cell is 0.
    expect(out.insights).toEqual([
      { entity_id: "120111", date: "2026-11-01", spend: 12.5, impressions: 1000, reach: 800, clicks: 12, leads: 3, frequency: 1.25 },
      { entity_id: "120111", date: "2026-11-02", spend: 7, impressions: 1000, reach: 800, clicks: 12, leads: 0, frequency: 1.25 },
    ]);
  });

  it("maps a campaign-level Portuguese export; a lifetime budget is not a daily one; a non-number is left for the row check", () => {
    const headers = ["Nome da campanha", "Identificação da campanha", "Dia", "Valor usado (BRL)", "Impressões", "Alcance", "Cliques no link", "Leads", "Veiculação da campanha", "Orçamento da campanha", "Tipo de orçamento da campanha"];
    const out = mapMetaExport(headers, [
      { "Nome da campanha": "Captação", "Identificação da campanha": "9", Dia: "2026-11-03", "Valor usado (BRL)": "1,5", Impressões: "10", Alcance: "9", "Cliques no link": "1", Leads: "0", "Veiculação da campanha": "Ativa", "Orçamento da campanha": "300", "Tipo de orçamento da campanha": "Vitalício" },
    ]);
    expect(out.level).toBe("campaign");
    expect(out.entities[0]!.entity).toEqual({ entity_type: "campaign", entity_id: "9", parent_id: null, name: "Captação", status: "active", daily_budget: null });
    expect(out.insights[0]).toMatchObject({ entity_id: "9", spend: "1,5" });
  });

  it("names the column it could not find", () => {
    expect(() => mapMetaExport(["Campaign ID", "Amount spent (USD)"], [])).toThrow(/date/);
    expect(() => mapMetaExport(["Day", "Ad ID", "Campaign ID"], [])).toThrow(/adset_id/);
  });

  it("reads our own field names too", () => {
    expect(mapColumns(["date", "campaign_id", "spend", "clicks"])).toEqual({ date: "date", campaign_id: "campaign_id", spend: "spend", clicks: "clicks" });
  });
});
