// XLSX as minimal SpreadsheetML (ECMA-376) streamed into a ZipStream: inline strings, one sheet per 1,048,575 rows.
//
// Inline strings (t="inlineStr") need no shared-string table, so rows can be written as they come; cells are
// never formulas, so nothing in an XLSX export is evaluated (CSV needs its own neutralising for that).
import type { CellValue, Column, Row } from "./columns";
import { newZipState, ZipStream, type ZipState } from "./zip-stream";

/** Excel's limits: 1,048,576 rows a sheet (one is the header), 32,767 characters a cell. */
export const XLSX_MAX_ROWS_PER_SHEET = 1_048_576;
export const XLSX_MAX_CELL_CHARS = 32_767;

export type XlsxState = { zip: ZipState; sheet: number; rowInSheet: number };

const encoder = new TextEncoder();
const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A, B, …, Z, AA, …: the column part of a cell reference. */
export function columnLetters(index: number): string {
  let s = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * Text as an XML text node that Excel reads back exactly: & < > escaped, CR as a character reference (XML parsers
 * turn a raw CR into LF), control characters XML 1.0 forbids as ECMA-376's _xHHHH_ escapes, and a literal "_xHHHH_"
 * protected by escaping its underscore (§22.9.2.19 ST_Xstring). Lone surrogates and U+FFFE/U+FFFF become U+FFFD.
 */
export function xmlText(text: string): string {
  return text.replace(/[&<>\r]|_(?=x[0-9A-Fa-f]{4}_)|[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF]/g, (ch) => {
    switch (ch) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case "\r":
        return "&#13;";
      case "_":
        return "_x005F_";
    }
    const code = ch.charCodeAt(0);
    return code < 0x20 ? `_x${code.toString(16).toUpperCase().padStart(4, "0")}_` : "\uFFFD";
  });
}

const escapeAttr = (s: string) => xmlText(s).replace(/"/g, "&quot;");

function cellXml(ref: string, value: CellValue, style: string): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? `<c r="${ref}"${style}><v>${value}</v></c>` : "";
  const text = value.length > XLSX_MAX_CELL_CHARS ? value.slice(0, XLSX_MAX_CELL_CHARS) : value;
  // Leading/trailing spaces and line breaks survive only with xml:space="preserve".
  const space = /^\s|\s$|\n/.test(text) ? ' xml:space="preserve"' : "";
  return `<c r="${ref}"${style} t="inlineStr"><is><t${space}>${xmlText(text)}</t></is></c>`;
}

export function rowXml(rowNumber: number, values: readonly CellValue[], letters: readonly string[], header = false): string {
  const style = header ? ' s="1"' : "";
  let xml = `<row r="${rowNumber}">`;
  for (let i = 0; i < values.length; i++) xml += cellXml(`${letters[i]}${rowNumber}`, values[i] ?? null, style);
  return `${xml}</row>`;
}

const sheetStart = (): string =>
  `${XML_DECL}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>`;
const SHEET_END = "</sheetData></worksheet>";

function sheetName(base: string, sheet: number): string {
  // Sheet names: at most 31 characters, none of \ / ? * [ ] :.
  const clean = base.replace(/[\\/?*[\]:]/g, "_").slice(0, 24) || "Sheet";
  return sheet === 1 ? clean : `${clean} (${sheet})`;
}

/** The parts every workbook needs, written once the number of sheets is known. */
export function workbookParts(sheets: number, baseName: string): Array<[string, string]> {
  const n = Array.from({ length: sheets }, (_, i) => i + 1);
  return [
    [
      "[Content_Types].xml",
      `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${n.map((i) => `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("")}</Types>`,
    ],
    [
      "_rels/.rels",
      `${XML_DECL}<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ],
    [
      "xl/workbook.xml",
      `${XML_DECL}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>${n.map((i) => `<sheet name="${escapeAttr(sheetName(baseName, i))}" sheetId="${i}" r:id="rId${i}"/>`).join("")}</sheets></workbook>`,
    ],
    [
      "xl/_rels/workbook.xml.rels",
      `${XML_DECL}<Relationships xmlns="${PKG_REL_NS}">${n.map((i) => `<Relationship Id="rId${i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i}.xml"/>`).join("")}<Relationship Id="rId${sheets + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
    ],
    [
      "xl/styles.xml",
      // Style 0: the default; style 1: bold, for the header row.
      `${XML_DECL}<styleSheet xmlns="${MAIN_NS}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
    ],
  ];
}

/** Streams rows into sheets; `suspend` hands back a state that a later invocation continues from. */
export class XlsxWriter {
  private readonly zip: ZipStream;
  private readonly letters: string[];
  private sheet: number;
  private rowInSheet: number;

  constructor(
    out: (chunk: Uint8Array) => void,
    private readonly columns: readonly Column[],
    private readonly sheetBaseName: string,
    state: XlsxState | { modified: number },
    private readonly maxRowsPerSheet = XLSX_MAX_ROWS_PER_SHEET,
  ) {
    const resumed = "zip" in state ? state : null;
    this.zip = new ZipStream(out, "zip" in state ? state.zip : newZipState(state.modified));
    this.letters = columns.map((_, i) => columnLetters(i));
    this.sheet = resumed?.sheet ?? 0;
    this.rowInSheet = resumed?.rowInSheet ?? 0;
  }

  get bytesWritten(): number {
    return this.zip.bytesWritten;
  }

  /** The first sheet and its header row. */
  start(): void {
    this.openSheet();
  }

  rows(rows: readonly Row[]): void {
    let xml = "";
    for (const row of rows) {
      if (this.rowInSheet >= this.maxRowsPerSheet) {
        this.zip.write(encoder.encode(xml + SHEET_END));
        xml = "";
        this.zip.end();
        this.openSheet();
      }
      this.rowInSheet++;
      xml += rowXml(this.rowInSheet, row, this.letters);
    }
    if (xml) this.zip.write(encoder.encode(xml));
  }

  suspend(): XlsxState {
    return { zip: this.zip.suspend(), sheet: this.sheet, rowInSheet: this.rowInSheet };
  }

  finish(): void {
    this.zip.write(encoder.encode(SHEET_END));
    this.zip.end();
    for (const [name, xml] of workbookParts(this.sheet, this.sheetBaseName)) this.zip.addStored(name, encoder.encode(xml));
    this.zip.finish();
  }

  private openSheet(): void {
    this.sheet++;
    this.rowInSheet = 1;
    this.zip.begin(`xl/worksheets/sheet${this.sheet}.xml`);
    this.zip.write(encoder.encode(sheetStart() + rowXml(1, this.columns.map((c) => c.name), this.letters, true)));
  }
}
