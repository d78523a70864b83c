// What an export is made of: named, typed columns and rows of cells, the same for CSV and XLSX.
export type CellValue = string | number | null;
export type Row = CellValue[];

export type Column = { name: string; type: "text" | "number" };

export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  // RFC 4180 §3 registers the optional `header` parameter; our first record is always the column names.
  csv: "text/csv; charset=utf-8; header=present",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};
