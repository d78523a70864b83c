// One interface over the two formats: a header, rows, and either a suspension state or the end of the file.
import { csvRecord } from "./csv";
import type { Column, ExportFormat, Row } from "./columns";
import { XlsxWriter, type XlsxState } from "./xlsx";

/** What a later invocation needs to go on writing the same file (CSV keeps none: records are independent). */
export type EncoderState = { format: "csv" } | { format: "xlsx"; xlsx: XlsxState };

export interface FileEncoder {
  /** The header row (or, for XLSX, the workbook's first sheet); only for a new file. */
  start(): void;
  rows(rows: readonly Row[]): void;
  suspend(): EncoderState;
  finish(): void;
}

const utf8 = new TextEncoder();

class CsvEncoder implements FileEncoder {
  constructor(
    private readonly out: (chunk: Uint8Array) => void,
    private readonly columns: readonly Column[],
  ) {}
  start() {
    this.out(utf8.encode(csvRecord(this.columns.map((c) => c.name))));
  }
  rows(rows: readonly Row[]) {
    let text = "";
    for (const row of rows) text += csvRecord(row);
    if (text) this.out(utf8.encode(text));
  }
  suspend(): EncoderState {
    return { format: "csv" };
  }
  finish() {}
}

class XlsxEncoder implements FileEncoder {
  private readonly writer: XlsxWriter;
  constructor(out: (chunk: Uint8Array) => void, columns: readonly Column[], sheetName: string, state: XlsxState | { modified: number }, maxRowsPerSheet?: number) {
    this.writer = new XlsxWriter(out, columns, sheetName, state, maxRowsPerSheet);
  }
  start() {
    this.writer.start();
  }
  rows(rows: readonly Row[]) {
    this.writer.rows(rows);
  }
  suspend(): EncoderState {
    return { format: "xlsx", xlsx: this.writer.suspend() };
  }
  finish() {
    this.writer.finish();
  }
}

export type EncoderOptions = {
  format: ExportFormat;
  columns: readonly Column[];
  /** The XLSX sheet's name (the report type). */
  sheetName: string;
  /** The files' modification time in ZIP headers: the export's creation, so a retried page writes identical bytes. */
  modified: number;
  /** Set when continuing a file a previous invocation suspended. */
  resume?: EncoderState;
  /** Tests only: a smaller sheet, to see the rollover without a million rows. */
  maxRowsPerSheet?: number;
};

export function fileEncoder(out: (chunk: Uint8Array) => void, o: EncoderOptions): FileEncoder {
  if (o.resume && o.resume.format !== o.format) throw new Error(`cannot continue a ${o.resume.format} file as ${o.format}`);
  if (o.format === "csv") return new CsvEncoder(out, o.columns);
  const state = o.resume?.format === "xlsx" ? o.resume.xlsx : { modified: o.modified };
  return new XlsxEncoder(out, o.columns, o.sheetName, state, o.maxRowsPerSheet);
}
