// Readers for export tests: RFC 4180 CSV, strictly, and XLSX through read-excel-file (independent of our writer).
import { unzipSync, zipSync } from "fflate";
import readXlsxFile from "read-excel-file/universal";

/** RFC 4180, strictly: quoted fields may hold commas, CRLF and doubled quotes; records end with CRLF. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== "," && !text.startsWith("\r\n", i)) throw new Error(`garbage after a quoted field at ${i}`);
    } else {
      while (i < text.length && text[i] !== "," && !text.startsWith("\r\n", i)) {
        if (text[i] === '"' || text[i] === "\n" || text[i] === "\r") throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    field = "";
    if (text[i] === ",") {
      i++;
      if (i === text.length) record.push("");
    } else {
      if (!text.startsWith("\r\n", i)) throw new Error(`records must end with CRLF (at ${i})`);
      i += 2;
      records.push(record);
      record = [];
    }
  }
  if (record.length) throw new Error("the last record has no CRLF");
  return records;
}

/**
 * Every sheet of an XLSX file, rows as arrays, read by read-excel-file (a reader independent of our writer).
 * read-excel-file unzips with fflate's async unzip, which hands entries over 512 KB to Web Workers, and workerd has
 * none: so a large file is unzipped here with fflate's unzipSync (itself a check of our ZIP and DEFLATE) and
 * re-zipped stored, which read-excel-file then unzips synchronously. Small files go to it as written.
 */
export async function readXlsx(data: ArrayBuffer): Promise<{ names: string[]; rows: Array<Array<string | number | null>> }> {
  const files = unzipSync(new Uint8Array(data));
  const large = Object.values(files).some((f) => f.length >= 512 * 1024);
  const input = large ? (zipSync(Object.fromEntries(Object.entries(files).map(([name, f]) => [name, [f, { level: 0 }]]))).buffer as ArrayBuffer) : data;
  const sheets = await readXlsxFile(input, { trim: false });
  // Every sheet repeats the header row; read-excel-file leaves empty cells null.
  const rows = sheets.flatMap((s, i) => (i === 0 ? s.data : s.data.slice(1)).map((r) => r.map((v) => (v === undefined ? null : (v as string | number | null)))));
  return { names: sheets.map((s) => s.sheet), rows };
}
