// How deep a parsed JSON value nests, measured without recursion so that measuring cannot overflow the stack.

/**
 * Deeper than any body the API's contracts allow (contexts and properties are flat; decision-type configs nest a few
 * levels). JSON.parse builds 10,000-deep values from a 20 KB body, and JSON.stringify, zod and the PII guard recurse
 * into them: without this bound such a body overflowed the stack, a 500.
 */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` holds an object or array more than `limit` levels below the top (the top is level 0). */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [v, depth] = pending.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) pending.push([child, depth + 1]);
  }
  return false;
}
