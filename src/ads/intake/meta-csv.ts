// A Meta Ads Manager daily export (one level, broken down by Day) as entity and insight rows (pure; docs/ads.md §1).
import type { EntityType } from "../entity-levels";

/**
 * Ads Manager's column names (English and Brazilian Portuguese interfaces) for each field, compared after lower-casing,
 * trimming and dropping a trailing "(…)" such as the currency in "Amount spent (USD)". Our own field names work too.
 */
export const META_COLUMNS = {
  date: ["day", "dia", "date", "reporting starts", "início dos relatórios"],
  campaign_id: ["campaign id", "identificação da campanha", "campaign_id"],
  campaign_name: ["campaign name", "nome da campanha", "campaign_name"],
  adset_id: ["ad set id", "identificação do conjunto de anúncios", "adset_id"],
  adset_name: ["ad set name", "nome do conjunto de anúncios", "adset_name"],
  ad_id: ["ad id", "identificação do anúncio", "ad_id"],
  ad_name: ["ad name", "nome do anúncio", "ad_name"],
  spend: ["amount spent", "valor usado", "spend"],
  impressions: ["impressions", "impressões"],
  reach: ["reach", "alcance"],
  // Link clicks first: CTR and CPC here mean clicks that leave for the advertiser's page; "all" clicks are a fallback.
  clicks: ["link clicks", "cliques no link", "clicks", "clicks (all)", "cliques (todos)"],
  leads: ["leads", "cadastros"],
  frequency: ["frequency", "frequência"],
  campaign_delivery: ["campaign delivery", "veiculação da campanha"],
  adset_delivery: ["ad set delivery", "veiculação do conjunto de anúncios"],
  ad_delivery: ["ad delivery", "veiculação do anúncio", "delivery", "veiculação"],
  campaign_budget: ["campaign budget", "orçamento da campanha"],
  campaign_budget_type: ["campaign budget type", "tipo de orçamento da campanha"],
  adset_budget: ["ad set budget", "orçamento do conjunto de anúncios"],
  adset_budget_type: ["ad set budget type", "tipo de orçamento do conjunto de anúncios"],
} as const;
type Field = keyof typeof META_COLUMNS;

/** A header by its lower-cased name, and by that name without a trailing "(…)" such as the currency. */
function headerNames(headers: readonly string[]): Map<string, string> {
  const byName = new Map<string, string>();
  for (const h of headers) {
    const name = h.trim().toLowerCase();
    if (!byName.has(name)) byName.set(name, h);
    const bare = name.replace(/\s*\([^)]*\)$/, "");
    if (!byName.has(bare)) byName.set(bare, h);
  }
  return byName;
}

/** Which CSV header holds each field (the first alias found, in the order listed). */
export function mapColumns(headers: readonly string[]): Partial<Record<Field, string>> {
  const byName = headerNames(headers);
  const mapped: Partial<Record<Field, string>> = {};
  for (const field of Object.keys(META_COLUMNS) as Field[]) {
    const alias = META_COLUMNS[field].find((a) => byName.has(a));
    if (alias) mapped[field] = byName.get(alias);
  }
  return mapped;
}

export type CsvEntity = { entity_type: EntityType; entity_id: string; parent_id: string | null; name: string; status?: "active" | "paused"; daily_budget?: number | null };
export type CsvRows = {
  level: EntityType;
  /** Entities the rows name, each once (first mention wins), with the CSV row that first named it. */
  entities: Array<{ csvIndex: number; entity: CsvEntity }>;
  /** One insight per CSV row, in row order (index = the CSV data row, 0 = the first after the header). */
  insights: unknown[];
};

/** Delivery states Ads Manager prints; anything but active (off, inactive, not delivering, completed…) is paused here. */
const ACTIVE = new Set(["active", "ativo", "ativa"]);
const status = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : ACTIVE.has(v.trim().toLowerCase()) ? ("active" as const) : ("paused" as const));

/** A number cell: empty means 0 (Ads Manager leaves a metric blank when nothing happened); otherwise a plain decimal. */
function numberCell(v: string | undefined): number | string {
  if (v === undefined || v.trim() === "") return 0;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : v; // left as text: the row check refuses it by name
}

/** A daily budget, when the budget type says daily (a lifetime budget is not a daily one). */
function dailyBudget(amount: string | undefined, type: string | undefined): number | null | undefined {
  if (amount === undefined || amount.trim() === "") return undefined;
  if (type !== undefined && !/daily|diário/i.test(type)) return null;
  const n = Number(amount.trim());
  return Number.isFinite(n) ? n : undefined;
}

export class CsvShapeError extends Error {}

/** Maps parsed CSV records (header → cell) onto entity and insight rows; the deepest id column sets the level. */
export function mapMetaExport(headers: readonly string[], records: ReadonlyArray<Record<string, string>>): CsvRows {
  const col = mapColumns(headers);
  const need = (f: Field) => {
    if (!col[f]) throw new CsvShapeError(`The CSV has no column for ${f} (any of: ${META_COLUMNS[f].join(", ")})`);
    return col[f]!;
  };
  need("date");
  need("campaign_id");
  const level: EntityType = col.ad_id ? "ad" : col.adset_id ? "adset" : "campaign";
  if (level === "ad") need("adset_id");
  const get = (r: Record<string, string>, f: Field) => (col[f] ? r[col[f]!] : undefined);
  const seen = new Set<string>();
  const entities: CsvRows["entities"] = [];
  const mention = (csvIndex: number, e: CsvEntity) => {
    if (!e.entity_id || seen.has(e.entity_id)) return;
    seen.add(e.entity_id);
    entities.push({ csvIndex, entity: e });
  };
  const insights = records.map((r, i) => {
    const campaignId = get(r, "campaign_id")?.trim() ?? "";
    const adsetId = get(r, "adset_id")?.trim() ?? "";
    const adId = get(r, "ad_id")?.trim() ?? "";
    mention(i, { entity_type: "campaign", entity_id: campaignId, parent_id: null, name: get(r, "campaign_name")?.trim() || campaignId, status: level === "campaign" ? status(get(r, "campaign_delivery") ?? get(r, "ad_delivery")) : status(get(r, "campaign_delivery")), daily_budget: dailyBudget(get(r, "campaign_budget"), get(r, "campaign_budget_type")) });
    if (level !== "campaign") mention(i, { entity_type: "adset", entity_id: adsetId, parent_id: campaignId, name: get(r, "adset_name")?.trim() || adsetId, status: level === "adset" ? status(get(r, "adset_delivery") ?? get(r, "ad_delivery")) : status(get(r, "adset_delivery")), daily_budget: dailyBudget(get(r, "adset_budget"), get(r, "adset_budget_type")) });
    if (level === "ad") mention(i, { entity_type: "ad", entity_id: adId, parent_id: adsetId, name: get(r, "ad_name")?.trim() || adId, status: status(get(r, "ad_delivery")) });
    const frequency = get(r, "frequency");
    return {
      entity_id: level === "ad" ? adId : level === "adset" ? adsetId : campaignId,
      date: get(r, "date")?.trim() ?? "",
      spend: numberCell(get(r, "spend")),
      impressions: numberCell(get(r, "impressions")),
      reach: numberCell(get(r, "reach")),
      clicks: numberCell(get(r, "clicks")),
      leads: numberCell(get(r, "leads")),
      ...(frequency !== undefined && frequency.trim() !== "" ? { frequency: numberCell(frequency) } : {}),
    };
  });
  return { level, entities, insights };
}
