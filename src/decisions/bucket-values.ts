// Caps the distinct values a bucket field may take: the first N seen are kept, later ones become "other".
import type { Database } from "../db/client";
import { TtlCache } from "../http/ttl-cache";
import { bucketValue, canonicalBucket, OTHER, UNKNOWN } from "./bucket";

// Values once admitted stay admitted, so a positive answer can be cached for long.
const admitted = new TtlCache<true>(50_000);

/**
 * Admits a value if the field has fewer than `cap` values. The count and the insert are one statement, and D1 has
 * one writer, so concurrent callers cannot push a field past its cap.
 */
async function admit(db: Database, projectId: string, decisionType: string, field: string, value: string, cap: number, now: number): Promise<string> {
  if (value === UNKNOWN) return value;
  const key = `${projectId}\u0000${decisionType}\u0000${field}\u0000${value}`;
  if (admitted.get(key)) return value;
  const d1 = db.$client;
  const [, found] = await d1.batch([
    d1
      .prepare(
        `INSERT INTO bucket_values (project_id, decision_type, field, value, created_at)
         SELECT ?1, ?2, ?3, ?4, ?6
          WHERE (SELECT count(*) FROM bucket_values WHERE project_id = ?1 AND decision_type = ?2 AND field = ?3) < ?5
         ON CONFLICT DO NOTHING`,
      )
      .bind(projectId, decisionType, field, value, cap, now),
    d1.prepare("SELECT 1 AS ok FROM bucket_values WHERE project_id = ?1 AND decision_type = ?2 AND field = ?3 AND value = ?4").bind(projectId, decisionType, field, value),
  ]);
  if (found!.results.length === 0) return OTHER;
  admitted.set(key, true, 3_600_000);
  return value;
}

export async function resolveBucket(
  db: Database,
  projectId: string,
  decisionType: string,
  fields: readonly string[],
  context: Readonly<Record<string, unknown>>,
  cap: number,
  now = Date.now(),
): Promise<string> {
  const values: Record<string, string> = {};
  await Promise.all(
    fields.map(async (field) => {
      values[field] = await admit(db, projectId, decisionType, field, bucketValue(context[field]), cap, now);
    }),
  );
  return canonicalBucket(fields, values);
}
