// POST /v1/ads/insights/import's work: parse an Ads Manager CSV, store the entities it names, then its daily rows.
import Papa from "papaparse";
import { ApiError } from "../../http/errors";
import type { AccountScope } from "../ads-store";
import { CsvShapeError, mapMetaExport } from "./meta-csv";
import type { RowRejection } from "./row-rejection";
import { storeEntities, storeInsights, type StoreOutcome } from "./upload";

export type ImportResult = { config_id: number; level: string; rows: number; entities: StoreOutcome; insights: StoreOutcome };

export function parseCsv(text: string, maxRows: number): { headers: string[]; records: Record<string, string>[] } {
  // Ads Manager writes a UTF-8 BOM; papaparse would keep it in the first header's name.
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), { header: true, skipEmptyLines: "greedy" });
  const fatal = parsed.errors.find((e) => e.type === "Quotes" || e.type === "Delimiter");
  if (fatal) throw new ApiError(400, "invalid_csv", `The CSV could not be read: ${fatal.message}`, { row: fatal.row ?? null });
  const headers = parsed.meta.fields ?? [];
  if (headers.length === 0) throw new ApiError(400, "invalid_csv", "The CSV has no header row");
  if (parsed.data.length === 0) throw new ApiError(400, "invalid_csv", "The CSV has a header but no rows");
  if (parsed.data.length > maxRows) {
    throw new ApiError(413, "payload_too_large", `An import may hold at most ${maxRows} rows (ADS_MAX_ROWS); split the export by date range`, { limit: "ADS_MAX_ROWS", value: parsed.data.length });
  }
  return { headers, records: parsed.data };
}

/** Status and budget the export did not carry stay as stored (a new entity starts active). */
async function storedState(d1: D1Database, scope: AccountScope, ids: string[]) {
  const { results } = await d1
    .prepare("SELECT entity_id, status, daily_budget FROM ad_entities WHERE project_id = ?1 AND config_id = ?2 AND entity_id IN (SELECT value FROM json_each(?3))")
    .bind(scope.projectId, scope.configId, JSON.stringify(ids))
    .all<{ entity_id: string; status: "active" | "paused"; daily_budget: number | null }>();
  return new Map(results.map((r) => [r.entity_id, r]));
}

export async function importMetaCsv(d1: D1Database, scope: AccountScope, text: string, maxRows: number, now = Date.now()): Promise<ImportResult> {
  const { headers, records } = parseCsv(text, maxRows);
  let mapped;
  try {
    mapped = mapMetaExport(headers, records);
  } catch (e) {
    if (e instanceof CsvShapeError) throw new ApiError(400, "invalid_csv", e.message, { headers });
    throw e;
  }
  const stored = await storedState(d1, scope, mapped.entities.map((e) => e.entity.entity_id));
  const entityRows = mapped.entities.map(({ entity }) => {
    const before = stored.get(entity.entity_id);
    return { ...entity, status: entity.status ?? before?.status ?? "active", daily_budget: entity.daily_budget === undefined ? (before?.daily_budget ?? null) : entity.daily_budget };
  });
  const entities = await storeEntities(d1, scope, entityRows, now);
  // Entity refusals are reported by the CSV row that first named the entity.
  entities.rejected = entities.rejected.map((r): RowRejection => ({ ...r, index: mapped.entities[r.index]!.csvIndex }));
  const insights = await storeInsights(d1, scope, mapped.insights, now);
  if (insights.accepted === 0) throw new ApiError(400, "no_valid_rows", "No row in the CSV was accepted", { entities: entities.rejected, rejected: insights.rejected });
  return { config_id: scope.configId, level: mapped.level, rows: records.length, entities, insights };
}
