// Nested client objects (Segment's context, PostHog's $set) as one flat object with dotted keys, within bounds.

export type Flattened = { flat: Record<string, unknown>; dropped: number };

/** Deeper than this, or past MAX_FLAT_KEYS keys, a value is dropped and counted rather than stored. */
export const MAX_FLATTEN_DEPTH = 6;
export const MAX_FLAT_KEYS = 256;

const isScalar = (v: unknown) => v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * `{page: {path: "/"}, tags: ["a"], brands: [{brand: "x"}]}` → `{"page.path": "/", tags: ["a"], "brands.0.brand": "x"}`.
 * Arrays of scalars stay arrays (the guard bounds their length); arrays holding objects are indexed like objects.
 * Empty objects and undefined values disappear. Key syntax and value rules are the PII guard's to judge, not this.
 */
export function flatten(value: unknown, prefix = ""): Flattened {
  const out: Flattened = { flat: {}, dropped: 0 };
  if (!isPlainObject(value)) return out;
  walk(value, prefix, 0, out);
  return out;
}

function walk(obj: Record<string, unknown> | unknown[], prefix: string, depth: number, out: Flattened): void {
  for (const [key, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (isScalar(v) || (Array.isArray(v) && v.every(isScalar))) {
      if (Object.keys(out.flat).length >= MAX_FLAT_KEYS) out.dropped++;
      else out.flat[path] = v;
    } else if (isPlainObject(v) || Array.isArray(v)) {
      if (depth + 1 >= MAX_FLATTEN_DEPTH) out.dropped++;
      else walk(v, path, depth + 1, out);
    } else {
      out.dropped++;
    }
  }
}
