// The drizzle client factory: one place that turns the D1 binding into a typed database.
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

function create(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Database = ReturnType<typeof create>;
export { schema };

// drizzle derives its relational config from the schema on every construction: once per binding is enough (the
// binding object lives as long as the isolate).
const clients = new WeakMap<D1Database, Database>();

export function database(d1: D1Database): Database {
  let db = clients.get(d1);
  if (!db) {
    db = create(d1);
    clients.set(d1, db);
  }
  return db;
}
