// An ads upload end to end: check the rows against the stored hierarchy, store what passed, say what was refused.
import { ApiError } from "../../http/errors";
import type { AccountScope } from "../ads-store";
import { checkEntityRows } from "./entity-rows";
import { checkInsightRows } from "./insight-rows";
import { insightNeighbourhood, storedEntities, upsertEntities, upsertInsights } from "./intake-store";
import type { RowRejection } from "./row-rejection";

export type UploadResult = {
  config_id: number;
  /** Rows that passed (stored, or already stored exactly so). */
  accepted: number;
  /** Accepted rows that were new or differed from what was stored. */
  written: number;
  rejected: RowRejection[];
};

/** A request whose every row was refused is a 400 (nothing stored), as with event ingest; the reasons are in details. */
function result(scope: AccountScope, accepted: number, written: number, rejected: RowRejection[]): UploadResult {
  if (accepted === 0 && rejected.length > 0) throw new ApiError(400, "no_valid_rows", "No row in the request was accepted", { rejected });
  return { config_id: scope.configId, accepted, written, rejected };
}

const stringField = (row: unknown, key: string): string[] => {
  const v = row && typeof row === "object" ? (row as Record<string, unknown>)[key] : undefined;
  return typeof v === "string" ? [v] : [];
};

export type StoreOutcome = { accepted: number; written: number; rejected: RowRejection[] };

/** Checks entity rows against the stored hierarchy and stores those that pass. */
export async function storeEntities(d1: D1Database, scope: AccountScope, rows: readonly unknown[], now: number): Promise<StoreOutcome> {
  const ids = [...new Set(rows.flatMap((r) => [...stringField(r, "entity_id"), ...stringField(r, "parent_id")]))];
  const { accepted, rejected } = checkEntityRows(rows, await storedEntities(d1, scope, ids));
  const written = await upsertEntities(d1, scope, accepted.map((a) => a.row), now);
  return { accepted: accepted.length, written, rejected };
}

export async function uploadEntities(d1: D1Database, scope: AccountScope, rows: readonly unknown[], now = Date.now()): Promise<UploadResult> {
  const { accepted, written, rejected } = await storeEntities(d1, scope, rows, now);
  return result(scope, accepted, written, rejected);
}

/** The latest reporting day accepted: tomorrow in UTC, since an account's day can run ahead of UTC's. */
export const latestInsightDate = (now: number) => new Date(now + 86_400_000).toISOString().slice(0, 10);

/** Checks insight rows against the stored hierarchy and the same day at the levels around them; stores those that pass. */
export async function storeInsights(d1: D1Database, scope: AccountScope, rows: readonly unknown[], now: number): Promise<StoreOutcome> {
  const ids = [...new Set(rows.flatMap((r) => stringField(r, "entity_id")))];
  const dates = [...new Set(rows.flatMap((r) => stringField(r, "date")))];
  const { entities, storedSpend } = await insightNeighbourhood(d1, scope, ids, dates);
  const { accepted, rejected } = checkInsightRows(rows, { entities, storedSpend, latestDate: latestInsightDate(now) });
  const written = await upsertInsights(d1, scope, accepted, now);
  return { accepted: accepted.length, written, rejected };
}

export async function uploadInsights(d1: D1Database, scope: AccountScope, rows: readonly unknown[], now = Date.now()): Promise<UploadResult> {
  const { accepted, written, rejected } = await storeInsights(d1, scope, rows, now);
  return result(scope, accepted, written, rejected);
}
