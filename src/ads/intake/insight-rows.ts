// What a daily insight row must say, and the hierarchy rules a batch of them is held to (pure).
import { z } from "zod";
import { AD_ENTITY_TYPES, type EntityType } from "../entity-levels";
import { entityIdSchema, type StoredEntity } from "./entity-rows";
import { invalidRow, type RowRejection } from "./row-rejection";

/**
 * A day's spend of one entity is at most a trillion currency units (far above any account, in any currency): the
 * features and forecasts add and square up to 120 days of it, and values near the double limit overflowed (a 500).
 */
export const MAX_DAILY_SPEND = 1e12;

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const insightRowSchema = z.strictObject({
  entity_id: entityIdSchema,
  date: z.iso.date(),
  spend: z.number().nonnegative().max(MAX_DAILY_SPEND),
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
 * row instead, when its level comes). Then no accepted row may contradict what the others leave stored (a parent whose
 * child's row was refused). A day absent at the other level cannot contradict anything.
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
  // Per (parent, day), the children with a stored row or a row in this request that day.
  const childrenOn = new Map<string, Set<string>>();
  const addChild = (childId: string, date: string) => {
    const parentId = ctx.entities.get(childId)?.parentId;
    if (!parentId) return;
    const key = dayKey(parentId, date);
    childrenOn.set(key, (childrenOn.get(key) ?? new Set()).add(childId));
  };
  for (const s of ctx.storedSpend) addChild(s.entityId, s.date);
  for (const c of candidates.values()) addChild(c.row.entity_id, c.row.date);

  const accepted = new Map<string, AcceptedInsight>();
  /** What would be stored for an entity and day: the accepted row, else the stored one. */
  const spendAfter = (key: string) => accepted.get(key)?.row.spend ?? stored.get(key);
  /** The row's first contradiction with its parent's or a child's spend that day; children for which `pending` holds are skipped. */
  const contradiction = ({ row, index }: AcceptedInsight, pending: (childKey: string) => boolean): RowRejection | null => {
    const parentId = ctx.entities.get(row.entity_id)!.parentId;
    const parentSpend = parentId ? spendAfter(dayKey(parentId, row.date)) : undefined;
    if (parentSpend !== undefined && cents(row.spend) > cents(parentSpend)) {
      return { index, code: "spend_exceeds_parent", message: `spend ${row.spend} is more than ${parentId}'s ${parentSpend} on ${row.date}` };
    }
    for (const childId of childrenOn.get(dayKey(row.entity_id, row.date)) ?? []) {
      const childKey = dayKey(childId, row.date);
      const childSpend = pending(childKey) ? undefined : spendAfter(childKey);
      if (childSpend !== undefined && cents(childSpend) > cents(row.spend)) {
        return { index, code: "spend_below_child", message: `spend ${row.spend} is less than ${childId}'s ${childSpend} on ${row.date}` };
      }
    }
    return null;
  };

  // Top-down: a parent's row is held to its children's stored spend, except children re-sent here, which are held to
  // the parent's row when their level comes.
  for (const level of AD_ENTITY_TYPES) {
    for (const [key, candidate] of candidates) {
      if (candidate.entityType !== level) continue;
      const problem = contradiction(candidate, (childKey) => candidates.has(childKey));
      if (problem) rejected.push(problem);
      else accepted.set(key, candidate);
    }
  }
  // A child refused above keeps its stored spend, which its parent's new row may be below: that row is refused too, and
  // the rows checked against it are checked again against what stays stored. Each round refuses a row, so this ends
  // with nothing stored above its parent.
  for (let settled = false; !settled; ) {
    settled = true;
    for (const [key, candidate] of accepted) {
      const problem = contradiction(candidate, () => false);
      if (!problem) continue;
      accepted.delete(key);
      rejected.push(problem);
      settled = false;
    }
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted: [...accepted.values()].sort((a, b) => a.index - b.index), rejected };
}
