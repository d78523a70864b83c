// The bucket: a canonical string from the decision type's context fields, e.g. "objective=sales|post_type=carousel".
export const UNKNOWN = "unknown";
export const OTHER = "other";
export const NO_FIELDS_BUCKET = "all";

/** Pure: a context value as it appears in a bucket (missing → unknown; lower-cased, trimmed, at most 64 characters). */
export function bucketValue(raw: unknown): string {
  if (raw === undefined || raw === null || raw === "") return UNKNOWN;
  if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") return UNKNOWN;
  const value = String(raw).trim().toLowerCase().replace(/[|=]/g, "_").slice(0, 64);
  return value === "" ? UNKNOWN : value;
}

/** Pure: fields in configuration order, so the same context always names the same bucket. */
export function canonicalBucket(fields: readonly string[], values: Readonly<Record<string, string>>): string {
  if (fields.length === 0) return NO_FIELDS_BUCKET;
  return fields.map((f) => `${f}=${values[f] ?? UNKNOWN}`).join("|");
}
