// The loop both paths share: read a page, encode it, move the cursor; the caller decides where bytes go and when to stop.
import type { FileEncoder } from "./file-encoder";
import type { Cursor, ExportSource, SourceQuery } from "./sources";

/** Rows per D1 read: events are at most MAX_EVENT_BYTES (32 KB), so a page stays under ~16 MB even at the worst. */
export const PAGE_ROWS = 500;

export type PageResult = { rows: number; next: Cursor | null };

export async function writePage(db: D1Database, source: ExportSource, q: SourceQuery, after: Cursor | null, encoder: FileEncoder, limit = PAGE_ROWS): Promise<PageResult> {
  const page = await source.page(db, q, after, limit);
  encoder.rows(page.rows);
  return { rows: page.rows.length, next: page.next };
}
