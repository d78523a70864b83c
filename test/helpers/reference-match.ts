// Comparing a computed result with reference values field by field: the same keys, equal strings and nulls, close numbers.

/**
 * The paths where `got` differs from `want` (empty when it matches). Numbers match when |got − want| ≤
 * tolerance·max(1, |want|): absolute below 1, relative above (sums of revenue, say). Objects must have exactly the
 * keys `want` has, so an output field that should be absent (a p-value from the Bayesian engine) is caught too.
 */
export function referenceMismatches(got: unknown, want: unknown, tolerance = 1e-6, path = "$"): string[] {
  if (typeof want === "number") {
    if (typeof got !== "number") return [`${path}: got ${String(got)}, want ${want}`];
    const gap = Math.abs(got - want);
    return gap <= tolerance * Math.max(1, Math.abs(want)) ? [] : [`${path}: got ${got}, want ${want} (gap ${gap})`];
  }
  if (want === null || typeof want !== "object") {
    return got === want ? [] : [`${path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`];
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return [`${path}: got ${JSON.stringify(got)}, want an array of ${want.length}`];
    return want.flatMap((w, i) => referenceMismatches(got[i], w, tolerance, `${path}[${i}]`));
  }
  if (got === null || typeof got !== "object") return [`${path}: got ${JSON.stringify(got)}, want an object`];
  const gotKeys = Object.keys(got).sort();
  const wantKeys = Object.keys(want).sort();
  if (gotKeys.join() !== wantKeys.join()) return [`${path}: keys ${gotKeys.join(",")}, want ${wantKeys.join(",")}`];
  return wantKeys.flatMap((k) =>
    referenceMismatches((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], tolerance, `${path}.${k}`),
  );
}
