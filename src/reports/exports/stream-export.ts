// A small export straight into the HTTP response: pages are read as the client reads, so nothing is held whole.
import { log } from "../../http/log";
import type { ExportFormat } from "./columns";
import { fileEncoder } from "./file-encoder";
import type { Cursor, ExportSource, SourceQuery } from "./sources";
import { writePage } from "./write-rows";

export function streamExport(db: D1Database, source: ExportSource, q: SourceQuery, o: { format: ExportFormat; sheetName: string; now: number }): ReadableStream<Uint8Array> {
  const ready: Uint8Array[] = [];
  const encoder = fileEncoder((chunk) => ready.push(chunk), { format: o.format, columns: source.columns, sheetName: o.sheetName, modified: o.now });
  let started = false;
  let cursor: Cursor | null = null;
  return new ReadableStream<Uint8Array>({
    // One page per pull: the stream asks for more only as the client drains it.
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          encoder.start();
        }
        const page = await writePage(db, source, q, cursor, encoder);
        cursor = page.next;
        if (!cursor) encoder.finish();
        for (const chunk of ready.splice(0)) controller.enqueue(chunk);
        if (!cursor) controller.close();
      } catch (err) {
        // Headers are gone by now: the client sees a broken download, the log says why.
        log.error("export_stream_failed", { project: q.projectId, error: err instanceof Error ? err.message : String(err) });
        controller.error(err);
      }
    },
  });
}
