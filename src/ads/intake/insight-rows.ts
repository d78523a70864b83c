// What a daily insight row must say, and the hierarchy rules a batch of them is held to (pure).
import { z } from "zod";
import { AD_ENTITY_TYPES, CHILD_TYPE, type EntityType } from "../entity-levels";
import { entityIdSchema, type StoredEntity } from "./entity-rows";
import { invalidRow, type RowRejection } from "./row-rejection";

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const insightRowSchema = z.strictObject({
  entity_id: entityIdSchema,
  date: z.iso.date(),
  spend: z.number().finite().nonnegative(),
  impressions: count,
  reach: count,
  clicks: count,
  leads: count,
  /** impressions / reach for the day; derived from them when absent. */
  frequency: z.number().finite().min(0).nullish(),
});
export type InsightRow = z.infer<typeof insightRowSchema>;

/** An insight accepted for storage, with the level it is stored under. */
export type AcceptedInsight = { index: number; row: InsightRow & { frequency: number | null }; entityType: EntityType };

/** Stored spend of one entity on one day. */
export type StoredSpend = { entityId: string; date: string; spend: number };

/** Money is compared in cents: platforms round spend per level, and a cent of rounding is not a contradiction. */
const cents = (x: number) => Math.round(x * 100);

const dayKey = (entityId: string, date: string) => `${entityId}\u0000${date}`;

export type InsightContext = {
  /** Every entity the rows or their parents name, as stored. */
  entities: ReadonlyMap<string, StoredEntity>;
  /** Stored spend of the rows' parents and children on the rows' dates. */
  storedSpend: readonly StoredSpend[];
  /** The last date accepted (tomorrow in UTC: an account's day can be ahead of UTC's). */
  latestDate: string;
};

/**
 * Validates each row and then the hierarchy, top-down (campaigns, ad sets, ads): a row's spend may not exceed its
 * parent's on the same day (the parent's row in this request if it was accepted, else the stored one: parents are checked first), nor be
 * below a child's stored spend that day (a child whose row for that day is in this request is checked against this
 * row instead, when its level comes). A day absent at the other level cannot contradict anything.
 */
export function checkInsightRows(raw: readonly unknown[], ctx: InsightContext): { accepted: AcceptedInsight[]; rejected: RowRejection[] } {
  const rejected: RowRejection[] = [];
  const candidates = new Map<string, AcceptedInsight>();
  raw.forEach((value, index) => {
    const r = insightRowSchema.safeParse(value);
    if (!r.success) return rejected.push(invalidRow(index, "invalid_insight", r.error));
    const row = r.data;
    const entity = ctx.entities.get(row.entity_id);
    if (!entity) return rejected.push({ index, code: "unknown_entity", message: `No entity ${row.entity_id} in this account: send it first (PUT /v1/ads/entities)` });
    if (row.date > ctx.latestDate) return rejected.push({ index, code: "future_date", message: `${row.date} is after ${ctx.latestDate}` });
    if (row.clicks > row.impressions) return rejected.push({ index, code: "clicks_exceed_impressions", message: "clicks may not exceed impressions" });
    if (row.reach > row.impressions) return rejected.push({ index, code: "reach_exceeds_impressions", message: "reach may not exceed impressions" });
    const key = dayKey(row.entity_id, row.date);
    if (candidates.has(key)) return rejected.push({ index, code: "duplicate_row", message: `${row.entity_id} on ${row.date} appears earlier in this request` });
    const frequency = row.frequency ?? (row.reach > 0 ? row.impressions / row.reach : null);
    candidates.set(key, { index, row: { ...row, frequency }, entityType: entity.entityType });
  });

  const stored = new Map(ctx.storedSpend.map((s) => [dayKey(s.entityId, s.date), s.spend]));
  // Stored children per (parent, day): the lower bound a parent's new row must respect.
  const storedChildren = new Map<string, Array<{ entityId: string; spend: number }>>();
  for (const s of ctx.storedSpend) {
    const parentId = ctx.entities.get(s.entityId)?.parentId;
    if (!parentId) continue;
    const key = dayKey(parentId, s.date);
    const list = storedChildren.get(key) ?? [];
    list.push({ entityId: s.entityId, spend: s.spend });
    storedChildren.set(key, list);
  }

  const accepted = new Map<string, AcceptedInsight>();
  for (const level of AD_ENTITY_TYPES) {
    for (const [key, candidate] of candidates) {
      if (candidate.entityType !== level) continue;
      const { row, index } = candidate;
      const parentId = ctx.entities.get(row.entity_id)!.parentId;
      if (parentId) {
        const parentKey = dayKey(parentId, row.date);
        const parentSpend = accepted.get(parentKey)?.row.spend ?? stored.get(parentKey);
        if (parentSpend !== undefined && cents(row.spend) > cents(parentSpend)) {
          rejected.push({ index, code: "spend_exceeds_parent", message: `spend ${row.spend} is more than ${parentId}'s ${parentSpend} on ${row.date}` });
          continue;
        }
      }
      if (CHILD_TYPE[level] !== null) {
        const child = (storedChildren.get(key) ?? []).find((c) => !candidates.has(dayKey(c.entityId, row.date)) && cents(c.spend) > cents(row.spend));
        if (child) {
          rejected.push({ index, code: "spend_below_child", message: `spend ${row.spend} is less than ${child.entityId}'s stored ${child.spend} on ${row.date}` });
          continue;
        }
      }
      accepted.set(key, candidate);
    }
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted: [...accepted.values()].sort((a, b) => a.index - b.index), rejected };
}
