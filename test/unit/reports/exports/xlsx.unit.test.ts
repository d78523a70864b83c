// XLSX: minimal SpreadsheetML streamed through the resumable ZIP, read back by read-excel-file cell for cell.
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { Column, Row } from "../../../../src/reports/exports/columns";
import { fileEncoder, type EncoderState } from "../../../../src/reports/exports/file-encoder";
import { columnLetters, xmlText } from "../../../../src/reports/exports/xlsx";
import { readXlsx } from "../../../reports/exports-readers";

const COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "text", type: "text" },
  { name: "n", type: "number" },
];

function collect() {
  const chunks: Uint8Array[] = [];
  return {
    out: (c: Uint8Array) => chunks.push(c),
    bytes: () => {
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let o = 0;
      for (const c of chunks) all.set(c, (o += c.length) - c.length);
      return all;
    },
  };
}

function xlsxOf(rows: Row[], opts: { maxRowsPerSheet?: number } = {}) {
  const sink = collect();
  const enc = fileEncoder(sink.out, { format: "xlsx", columns: COLUMNS, sheetName: "events", modified: 0, ...opts });
  enc.start();
  enc.rows(rows);
  enc.finish();
  return sink.bytes();
}

const TRICKY: Row[] = [
  ["amp", "Tom & Jerry <b> \"quoted\" 'single'", 1],
  ["newlines", "line 1\nline 2\r\nline 3\rend", -2.5],
  ["tab", "a\tb", 0],
  ["control", "bell\u0007 and \u0001", 1e21],
  ["escape-like", "_x0041_ stays literal, _x005F_ too", 123456789012],
  ["spaces", "  padded  ", null],
  ["formula", "=1+1", 3],
  ["unicode", "ünïcødé — 🚀 中文", 0.1],
  ["empty", "", 4],
  ["nulls", null, null],
];

describe("xlsx pieces", () => {
  it("names columns A…Z, AA…", () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetters)).toEqual(["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
  });

  it("escapes XML and ECMA-376's _xHHHH_ forms", () => {
    expect(xmlText("a & b < c > d")).toBe("a &amp; b &lt; c &gt; d");
    expect(xmlText("cr\r")).toBe("cr&#13;");
    expect(xmlText("\u0001")).toBe("_x0001_");
    expect(xmlText("_x0041_")).toBe("_x005F_x0041_");
    expect(xmlText("lone \uD800 surrogate")).toBe("lone \uFFFD surrogate");
    expect(xmlText("pair 🚀")).toBe("pair 🚀");
  });
});

describe("XLSX files", () => {
  it("read back equal to the source rows, header first, with text never turned into formulas", async () => {
    const file = xlsxOf(TRICKY);
    const { names, rows } = await readXlsx(file.buffer as ArrayBuffer);
    expect(names).toEqual(["events"]);
    // "" is an empty cell to a spreadsheet reader, as null is.
    expect(rows).toEqual([COLUMNS.map((c) => c.name), ...TRICKY.map((r) => r.map((v) => (v === "" ? null : v)))]);
    const sheet = strFromU8(unzipSync(file)["xl/worksheets/sheet1.xml"]!);
    expect(sheet).not.toContain("<f>");
    expect(sheet).toContain('<pane ySplit="1"');
  });

  it("rolls over to a new sheet (with the header again) when one is full", async () => {
    const rows: Row[] = Array.from({ length: 5 }, (_, i) => [`r${i}`, `text ${i}`, i]);
    const { names, rows: back } = await readXlsx(xlsxOf(rows, { maxRowsPerSheet: 3 }).buffer as ArrayBuffer);
    expect(names).toEqual(["events", "events (2)", "events (3)"]);
    expect(back).toEqual([["id", "text", "n"], ...rows]);
  });

  it("continues one file across invocations from a JSON state, and reads back whole", async () => {
    const sink = collect();
    const all: Row[] = [];
    let state: EncoderState | undefined;
    for (let invocation = 0; invocation < 4; invocation++) {
      const enc = fileEncoder(sink.out, { format: "xlsx", columns: COLUMNS, sheetName: "events", modified: 0, resume: state, maxRowsPerSheet: 150 });
      if (!state) enc.start();
      const rows: Row[] = Array.from({ length: 100 }, (_, i) => [`inv${invocation}-${i}`, `value ${i * invocation} ${"x".repeat(i % 7)}`, i * 0.5]);
      enc.rows(rows);
      all.push(...rows);
      if (invocation === 3) enc.finish();
      else state = JSON.parse(JSON.stringify(enc.suspend())) as EncoderState;
    }
    const { names, rows } = await readXlsx(sink.bytes().buffer as ArrayBuffer);
    expect(names).toHaveLength(3);
    expect(rows).toEqual([["id", "text", "n"], ...all]);
  });

  it("truncates a cell at Excel's 32,767 characters", async () => {
    const long = "y".repeat(40_000);
    const { rows } = await readXlsx(xlsxOf([["long", long, 1]]).buffer as ArrayBuffer);
    expect((rows[1]![1] as string).length).toBe(32_767);
  });
});
