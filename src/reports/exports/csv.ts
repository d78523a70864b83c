// CSV as RFC 4180 (CRLF records, quoted fields, doubled quotes) with spreadsheet formula injection neutralised.
import type { CellValue } from "./columns";

/**
 * A cell a spreadsheet would evaluate: OWASP's list (= + - @ tab CR) plus the full-width forms some Excel locales
 * also read as operators. Such text gets a leading apostrophe, which spreadsheets show as plain text.
 * https://owasp.org/www-community/attacks/CSV_Injection
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** RFC 4180 §2.6: fields holding a comma, a quote or a line break are quoted. */
const NEEDS_QUOTES = /[",\r\n]/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field. Numbers are written as numbers (a negative number is data, not a formula); text is neutralised, then quoted. */
export function csvField(value: CellValue): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = neutraliseFormula(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated (RFC 4180 §2.1–2.2: the last record's line break is optional; we always write it). */
export function csvRecord(values: readonly CellValue[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) line += (i ? "," : "") + csvField(values[i] ?? null);
  return `${line}\r\n`;
}
