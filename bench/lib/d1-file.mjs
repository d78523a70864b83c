// The local D1 database as a file: miniflare keeps it as WAL-mode SQLite under --persist-to, so node:sqlite can seed
// it before the Worker starts and read it while the Worker writes (a reader never blocks the writer).
import fs from "node:fs";
import path from "node:path";

let DatabaseSync = null;

/** node:sqlite (Node ≥ 22.5); its ExperimentalWarning on import is expected and kept quiet. */
export async function loadSqlite() {
  if (DatabaseSync) return DatabaseSync;
  const emit = process.emitWarning;
  process.emitWarning = (w, ...rest) => (String(w).includes("SQLite") ? undefined : emit.call(process, w, ...rest));
  ({ DatabaseSync } = await import("node:sqlite"));
  process.emitWarning = emit;
  return DatabaseSync;
}

/** The D1 file under persistDir that holds `table` (the migrations must have been applied). */
export async function d1File(persistDir, table) {
  const Db = await loadSqlite();
  const dir = path.join(persistDir, "v3", "d1", "miniflare-D1DatabaseObject");
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".sqlite") && x !== "metadata.sqlite")) {
    const db = new Db(path.join(dir, f), { readOnly: true });
    const ok = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
    db.close();
    if (ok) return path.join(dir, f);
  }
  throw new Error(`No local D1 database with a ${table} table under ${dir}`);
}

/** A read-only connection to the D1 file that holds `table`. */
export async function openD1Reader(persistDir, table) {
  const Db = await loadSqlite();
  return new Db(await d1File(persistDir, table), { readOnly: true, timeout: 5000 });
}

/** A WAL reader can meet SQLITE_BUSY for an instant while the writer resets the log: retry. */
export function retrying(fn) {
  for (let attempt = 1; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (attempt >= 20) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
}

/** The SQLite version node:sqlite links (not workerd's). */
export async function nodeSqliteVersion() {
  const Db = await loadSqlite();
  const db = new Db(":memory:");
  const v = db.prepare("SELECT sqlite_version() AS v").get().v;
  db.close();
  return v;
}

/** The columns a table needs that a seed does not give: NOT NULL without a default (a newer migration's). */
export function missingRequiredColumns(db, table, given) {
  return db
    .prepare(`PRAGMA table_info(${table})`)
    .all()
    .filter((c) => c.notnull && c.dflt_value === null && !c.pk && !given.includes(c.name))
    .map((c) => c.name);
}
