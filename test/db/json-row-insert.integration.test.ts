// jsonRowInserts against workerd's D1: every value arrives as bound (doubles bit for bit), and chunks commit together.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonRowInserts } from "../../src/db/json-row-insert";

const TABLE = "json_row_insert_test";

beforeAll(async () => {
  await env.DB.prepare(`CREATE TABLE IF NOT EXISTS ${TABLE} (k TEXT PRIMARY KEY, i INTEGER NOT NULL, r REAL NOT NULL, t TEXT)`).run();
});

describe("jsonRowInserts", () => {
  it("stores integers, doubles (bit for bit), text with quotes and non-ASCII, and NULL as the bound values would be", async () => {
    const doubles = [0.1 + 0.2, 2 / 3, 0.5833333333333334, 1e-300, 123456.789e10, -7.25, 1, 5e-324, 1.7976931348623157e308];
    const rows = doubles.map((r, n) => [`a${n}`, 1_795_995_300_000 + n, r, n % 3 === 0 ? null : `{"x":"é \\"q\\" ${n}"}\n`]);
    await env.DB.batch(jsonRowInserts(env.DB, TABLE, ["k", "i", "r", "t"], rows));
    const { results } = await env.DB.prepare(`SELECT k, i, r, t, typeof(i) AS ti, typeof(r) AS tr FROM ${TABLE} WHERE k LIKE 'a%' ORDER BY i`).all();
    expect(results.map((x) => [x.k, x.i, x.r, x.t])).toEqual(rows);
    expect(results.every((x) => x.ti === "integer" && x.tr === "real")).toBe(true);
  });

  it("splits rows over statements by size; one batch commits all of them or none", async () => {
    const rows = Array.from({ length: 50 }, (_, n) => [`b${n}`, n, n / 7, "x".repeat(40)]);
    const statements = jsonRowInserts(env.DB, TABLE, ["k", "i", "r", "t"], rows, "", 500);
    expect(statements.length).toBeGreaterThan(5);
    // The last chunk collides with an existing key: the whole batch rolls back.
    await env.DB.prepare(`INSERT INTO ${TABLE} (k, i, r) VALUES ('b49', 0, 0)`).run();
    await expect(env.DB.batch(statements)).rejects.toThrow();
    expect((await env.DB.prepare(`SELECT count(*) AS n FROM ${TABLE} WHERE k LIKE 'b%'`).first<{ n: number }>())!.n).toBe(1);
    await env.DB.prepare(`DELETE FROM ${TABLE} WHERE k = 'b49'`).run();
    await env.DB.batch(statements);
    const { results } = await env.DB.prepare(`SELECT k, i, r, t FROM ${TABLE} WHERE k LIKE 'b%' ORDER BY i`).all();
    expect(results.map((x) => [x.k, x.i, x.r, x.t])).toEqual(rows);
  });

  it("refuses a row whose length is not the columns'", () => {
    expect(() => jsonRowInserts(env.DB, TABLE, ["k", "i"], [["only-one"]])).toThrow(/1 values for 2 columns/);
  });
});
