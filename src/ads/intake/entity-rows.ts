// What an entity row must say, and the hierarchy rules a batch of them is held to (pure).
import { z } from "zod";
import { AD_ENTITY_TYPES, PARENT_TYPE, type EntityType } from "../entity-levels";
import { invalidRow, type RowRejection } from "./row-rejection";

/** Meta's ids are digits; other platforms' are short tokens. No spaces, no control characters. */
export const entityIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only");

export const entityRowSchema = z.strictObject({
  entity_type: z.enum(AD_ENTITY_TYPES),
  entity_id: entityIdSchema,
  /** The campaign of an ad set, the ad set of an ad; absent for a campaign. */
  parent_id: entityIdSchema.nullish(),
  name: z.string().min(1).max(256),
  status: z.enum(["active", "paused"]),
  daily_budget: z.number().finite().nonnegative().nullish(),
});
export type EntityRow = z.infer<typeof entityRowSchema>;

/** What is already stored about an entity, as far as the hierarchy checks care. */
export type StoredEntity = { entityType: EntityType; parentId: string | null };

export type CheckedEntities = { accepted: Array<{ index: number; row: EntityRow }>; rejected: RowRejection[] };

/**
 * Validates each row, then the hierarchy: a campaign has no parent; an ad set's parent is a campaign and an ad's an ad
 * set, either stored or accepted in the same request (in any order); an entity keeps its level and its parent; an id
 * appears once.
 * A row whose parent was itself refused is refused too (`unknown_parent`), so nothing is stored under a missing parent.
 */
export function checkEntityRows(raw: readonly unknown[], stored: ReadonlyMap<string, StoredEntity>): CheckedEntities {
  const rejected: RowRejection[] = [];
  const parsed = new Map<string, { index: number; row: EntityRow }>();
  raw.forEach((value, index) => {
    const r = entityRowSchema.safeParse(value);
    if (!r.success) return rejected.push(invalidRow(index, "invalid_entity", r.error));
    const row = r.data;
    if (parsed.has(row.entity_id)) return rejected.push({ index, code: "duplicate_row", message: `entity_id ${row.entity_id} appears earlier in this request` });
    const before = stored.get(row.entity_id);
    if (before && before.entityType !== row.entity_type) {
      return rejected.push({ index, code: "entity_type_conflict", message: `${row.entity_id} is stored as a ${before.entityType}; an entity keeps its level` });
    }
    const parentType = PARENT_TYPE[row.entity_type];
    if (parentType === null && row.parent_id) return rejected.push({ index, code: "unexpected_parent", message: "A campaign has no parent" });
    if (parentType !== null && !row.parent_id) return rejected.push({ index, code: "missing_parent", message: `An ${row.entity_type} needs parent_id (its ${parentType})` });
    // Moving an entity would leave its stored days under a parent whose spend never included them (Ads Manager does not
    // move ad sets or ads either: it duplicates them under a new id).
    if (before && (row.parent_id ?? null) !== before.parentId) {
      return rejected.push({ index, code: "parent_conflict", message: `${row.entity_id} is stored under ${before.parentId}; an entity keeps its parent` });
    }
    parsed.set(row.entity_id, { index, row });
  });

  // Parents resolve against the stored hierarchy and this batch; resolving top-down lets an ad's ad set arrive in
  // the same request as the ad, and a refused ad set take its ads with it.
  const accepted = new Map<string, { index: number; row: EntityRow }>();
  for (const level of AD_ENTITY_TYPES) {
    for (const entry of parsed.values()) {
      const { row, index } = entry;
      if (row.entity_type !== level) continue;
      const parentType = PARENT_TYPE[level];
      if (parentType !== null) {
        const parentId = row.parent_id!;
        const parentLevel = accepted.get(parentId)?.row.entity_type ?? (parsed.has(parentId) ? undefined : stored.get(parentId)?.entityType);
        if (parentLevel === undefined) {
          rejected.push({ index, code: "unknown_parent", message: `No ${parentType} ${parentId} in this account (stored or accepted in this request)` });
          continue;
        }
        if (parentLevel !== parentType) {
          rejected.push({ index, code: "parent_level_mismatch", message: `${parentId} is a ${parentLevel}; an ${level}'s parent must be a ${parentType}` });
          continue;
        }
      }
      accepted.set(row.entity_id, entry);
    }
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted: [...accepted.values()].sort((a, b) => a.index - b.index), rejected };
}
