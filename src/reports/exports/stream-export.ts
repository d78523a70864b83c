// A small export straight into the HTTP response: pages are read as the client reads, so nothing is held whole.
import { log } from "../../http/log";
import type { ExportFormat } from "./columns";
import { fileEncoder } from "./file-encoder";
import type { ExportSource, Page, SourceQuery } from "./sources";
import { encodePage, readAhead } from "./write-rows";

export function streamExport(db: D1Database, source: ExportSource, q: SourceQuery, o: { format: ExportFormat; sheetName: string; now: number }): ReadableStream<Uint8Array> {
  const ready: Uint8Array[] = [];
  const encoder = fileEncoder((chunk) => ready.push(chunk), { format: o.format, columns: source.columns, sheetName: o.sheetName, modified: o.now });
  let ahead: Promise<Page> | null = null;
  return new ReadableStream<Uint8Array>({
    // One page per pull: the stream asks for more only as the client drains it; the page after it is already being read.
    async pull(controller) {
      try {
        if (!ahead) {
          encoder.start();
          ahead = readAhead(db, source, q, null);
        }
        const page = await ahead;
        if (page.next) ahead = readAhead(db, source, q, page.next);
        const { next } = encodePage(page, encoder);
        if (!next) encoder.finish();
        for (const chunk of ready.splice(0)) controller.enqueue(chunk);
        if (!next) controller.close();
      } catch (err) {
        // Headers are gone by now: the client sees a broken download, the log says why.
        log.error("export_stream_failed", { project: q.projectId, error: err instanceof Error ? err.message : String(err) });
        controller.error(err);
      }
    },
  });
}
