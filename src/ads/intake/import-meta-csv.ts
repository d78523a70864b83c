// POST /v1/ads/insights/import's work: parse an Ads Manager CSV, store the entities it names, then its daily rows.
import Papa from "papaparse";
import { ApiError } from "../../http/errors";
import type { AccountScope } from "../ads-store";
import { CsvShapeError, mapMetaExport } from "./meta-csv";
import type { RowRejection } from "./row-rejection";
import { storeEntities, storeInsights, type StoreOutcome } from "./upload";

export type ImportResult = { config_id: number; level: string; rows: number; entities: StoreOutcome; insights: StoreOutcome };

/**
 * The header and the data rows, and which rows have a different number of cells than the header: a row cut short or
 * with an unquoted comma in a name, whose cells would be read into the wrong columns (or as blank, that is 0).
 */
export function parseCsv(text: string, maxRows: number): { headers: string[]; records: Record<string, string>[]; misshapen: Map<number, string> } {
  // Ads Manager writes a UTF-8 BOM; papaparse would keep it in the first header's name.
  const parsed = Papa.parse<Record<string, string> & { __parsed_extra?: string[] }>(text.replace(/^\uFEFF/, ""), { header: true, skipEmptyLines: "greedy" });
  const fatal = parsed.errors.find((e) => e.type === "Quotes" || e.type === "Delimiter");
  if (fatal) throw new ApiError(400, "invalid_csv", `The CSV could not be read: ${fatal.message}`, { row: fatal.row ?? null });
  const headers = parsed.meta.fields ?? [];
  if (headers.length === 0) throw new ApiError(400, "invalid_csv", "The CSV has no header row");
  if (parsed.data.length === 0) throw new ApiError(400, "invalid_csv", "The CSV has a header but no rows");
  if (parsed.data.length > maxRows) {
    throw new ApiError(413, "payload_too_large", `An import may hold at most ${maxRows} rows (ADS_MAX_ROWS); split the export by date range`, { limit: "ADS_MAX_ROWS", value: parsed.data.length });
  }
  const misshapen = new Map<number, string>();
  for (const e of parsed.errors) {
    if (e.type !== "FieldMismatch" || e.row === undefined) continue;
    // Trailing empty cells (a separator at the end of the line) shift nothing.
    if (e.code === "TooManyFields" && (parsed.data[e.row]?.__parsed_extra ?? []).every((x) => x.trim() === "")) continue;
    misshapen.set(e.row, e.message);
  }
  return { headers, records: parsed.data, misshapen };
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
  const { headers, records, misshapen } = parseCsv(text, maxRows);
  // Misshapen rows are refused whole, entities included: their cells are not where the header says.
  const kept = records.flatMap((_, i) => (misshapen.has(i) ? [] : [i]));
  let mapped;
  try {
    mapped = mapMetaExport(headers, kept.map((i) => records[i]!));
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
  // Refusals are reported by CSV data row: an entity's by the row that first named it.
  entities.rejected = entities.rejected.map((r): RowRejection => ({ ...r, index: kept[mapped.entities[r.index]!.csvIndex]! }));
  const insights = await storeInsights(d1, scope, mapped.insights, now);
  insights.rejected = [
    ...insights.rejected.map((r): RowRejection => ({ ...r, index: kept[r.index]! })),
    ...[...misshapen].map(([index, message]): RowRejection => ({ index, code: "csv_row_shape", message: `${message} (the header has ${headers.length})` })),
  ].sort((a, b) => a.index - b.index);
  if (insights.accepted === 0) throw new ApiError(400, "no_valid_rows", "No row in the CSV was accepted", { entities: entities.rejected, rejected: insights.rejected });
  return { config_id: scope.configId, level: mapped.level, rows: records.length, entities, insights };
}
