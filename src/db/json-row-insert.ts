// Multi-row INSERTs whose rows travel as one JSON parameter (json_each): hundreds of rows a statement, not 100 ÷ columns.
// D1 allows 100 bound parameters per statement, but one parameter may be a string of up to 2,000,000 bytes.
// https://developers.cloudflare.com/d1/platform/limits/

/** UTF-16 code units of JSON per statement: at most 3 UTF-8 bytes each, so a chunk stays under 1.8 MB in UTF-8. */
export const MAX_JSON_CHARS = 600_000;

/**
 * INSERT … SELECT value ->> 0, value ->> 1, … FROM json_each(?1): each row is a JSON array in `columns`' order.
 * Values must be JSON-safe: strings, finite numbers (doubles round-trip exactly through SQLite's JSON parser) and
 * null; booleans arrive as 1/0. `suffix` follows the SELECT (an ON CONFLICT clause; the `WHERE true` before it is
 * SQLite's rule for an UPSERT on a SELECT). Send the result in one d1.batch so every chunk commits together.
 */
export function jsonRowInserts(
  d1: D1Database,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  suffix = "",
  maxChars = MAX_JSON_CHARS,
): D1PreparedStatement[] {
  const sql = `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${columns.map((_, i) => `value ->> ${i}`).join(", ")} FROM json_each(?1) WHERE true ${suffix}`;
  const statements: D1PreparedStatement[] = [];
  let chunk: string[] = [];
  let chars = 2;
  const flush = () => {
    if (chunk.length) statements.push(d1.prepare(sql).bind(`[${chunk.join(",")}]`));
    chunk = [];
    chars = 2;
  };
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`a row of ${row.length} values for ${columns.length} columns of ${table}`);
    const json = JSON.stringify(row);
    if (chunk.length && chars + json.length + 1 > maxChars) flush();
    chunk.push(json);
    chars += json.length + 1;
  }
  flush();
  return statements;
}
