// CSV: RFC 4180 quoting (commas, quotes, CR/LF) and spreadsheet formula injection neutralised, read back strictly.
import { describe, expect, it } from "vitest";
import { csvField, csvRecord, neutraliseFormula } from "../../../../src/reports/exports/csv";
import { parseCsv } from "../../../reports/exports-readers";

describe("csvField", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\r\nlf", '"cr\r\nlf"'],
    ["", ""],
    ["ünïcødé 🚀", "ünïcødé 🚀"],
  ])("quotes %j as RFC 4180 asks", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it("writes numbers as numbers and null as an empty field", () => {
    expect(csvField(42)).toBe("42");
    expect(csvField(-3.5)).toBe("-3.5");
    expect(csvField(null)).toBe("");
    expect(csvField(Number.NaN)).toBe("");
  });

  it.each([
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-2", "'-2"],
    ["@SUM(A1:A2)", "'@SUM(A1:A2)"],
    ["\tx", "'\tx"],
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ["＝1+1", "'＝1+1"],
    ["\r=1", `"'\r=1"`],
  ])("neutralises the formula %j", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it("leaves text that merely contains an operator alone", () => {
    for (const s of ["a=b", "1+1", "e-mail", "user@example.com", " =not at the start"]) expect(neutraliseFormula(s)).toBe(s);
  });
});

describe("csvRecord", () => {
  it("ends every record with CRLF and reads back field for field", () => {
    const rows = [
      ["id", "note", "n"],
      ["a,1", 'quote " inside', 7],
      ["multi\r\nline", "", null],
      ["=2*3", "@x", -1],
    ] as const;
    const text = rows.map((r) => csvRecord([...r])).join("");
    expect(text.endsWith("\r\n")).toBe(true);
    expect(parseCsv(text)).toEqual([
      ["id", "note", "n"],
      ["a,1", 'quote " inside', "7"],
      ["multi\r\nline", "", ""],
      ["'=2*3", "'@x", "-1"],
    ]);
  });
});
