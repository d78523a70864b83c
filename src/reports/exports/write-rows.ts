// The loop both paths share: read a page, encode it, move the cursor; the caller decides where bytes go and when to stop.
import type { FileEncoder } from "./file-encoder";
import type { Cursor, ExportSource, Page, SourceQuery } from "./sources";

/**
 * Rows per D1 read: events are at most MAX_EVENT_BYTES (32 KB), so a page stays under ~16 MB even at the worst, and
 * the two a reader holds (one encoding, one read ahead) under ~32 MB. Larger pages would save D1 round trips (~5 ms
 * each under wrangler dev, bench:reports' layer probe), but a run of maximal events would then exceed the Worker's
 * 128 MB; a byte-bounded page (a running sum in SQL) cost more SQL time than the round trips it saved.
 */
export const PAGE_ROWS = 500;

export type PageResult = { rows: number; next: Cursor | null };

/**
 * A page read started now and awaited later, so the next page's D1 round trip runs while this one is encoded and
 * shipped (two pages in memory at most). A read nobody awaits (the caller stopped) cannot become an unhandled
 * rejection; an awaited one still throws.
 */
export function readAhead(db: D1Database, source: ExportSource, q: SourceQuery, after: Cursor | null, limit = PAGE_ROWS): Promise<Page> {
  const page = source.page(db, q, after, limit);
  page.catch(() => undefined);
  return page;
}

export function encodePage(page: Page, encoder: FileEncoder): PageResult {
  encoder.rows(page.rows);
  return { rows: page.rows.length, next: page.next };
}
