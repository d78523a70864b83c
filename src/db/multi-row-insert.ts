// Multi-row INSERT statements chunked to D1's limit of 100 bound parameters per statement, for db.batch.
// https://developers.cloudflare.com/d1/platform/limits/
export const MAX_BOUND_PARAMETERS = 100;

/**
 * One prepared INSERT per chunk of rows: as many rows as fit in 100 parameters. `suffix` follows the VALUES list
 * (an ON CONFLICT clause). Send the result in one d1.batch so all chunks commit together or not at all.
 */
export function multiRowInserts(d1: D1Database, table: string, columns: readonly string[], rows: readonly unknown[][], suffix = ""): D1PreparedStatement[] {
  const perStatement = Math.floor(MAX_BOUND_PARAMETERS / columns.length);
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const values = chunk.map((_, r) => `(${columns.map((__, c) => `?${r * columns.length + c + 1}`).join(", ")})`).join(", ");
    statements.push(d1.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values} ${suffix}`).bind(...chunk.flat()));
  }
  return statements;
}
