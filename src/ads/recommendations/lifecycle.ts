// planRecommendations: what one generation run writes, given what fired and what is stored (open, applied, dismissed) (pure).
import type { Candidate } from "./recommend";
import type { RecommendationType } from "./rules";

export const DAY_MS = 86_400_000;
/** An open recommendation lives this long past its last refresh (regeneration refreshes it while its rule fires). */
export const OPEN_TTL_MS = 7 * DAY_MS;
/** Applied advice is not raised again for a week: the change needs that long to show in the 7-day features. */
export const APPLIED_HOLD_MS = 7 * DAY_MS;
/** Dismissed advice is not raised again for two weeks: a person said no; asking again the next day is noise. */
export const DISMISSED_HOLD_MS = 14 * DAY_MS;

export type OpenRow = { id: string; entityId: string; type: string; expiresAt: number };
/** The latest applied / dismissed time per (entity, type). */
export type ResolvedRow = { entityId: string; type: string; status: "applied" | "dismissed"; resolvedAt: number };

export type Plan = {
  /** Insert a new open row, or refresh the one open row of this (entity, type). */
  upserts: Candidate[];
  /** Open rows to mark expired: their rule stopped firing, or they outlived expires_at. */
  expire: string[];
  /** Candidates not raised because the same advice was applied or dismissed recently. */
  heldBack: Array<{ entityId: string; type: RecommendationType; status: "applied" | "dismissed" }>;
};

const key = (entityId: string, type: string) => `${entityId}\u0000${type}`;

/**
 * `entities` are the entities this run judged (its level, or the entity_ids asked for): only their open rows can
 * expire for not firing; any open row in `open` past its expires_at expires regardless.
 */
export function planRecommendations(input: { candidates: readonly Candidate[]; open: readonly OpenRow[]; resolved: readonly ResolvedRow[]; entities: ReadonlySet<string>; now: number }): Plan {
  const held = new Map<string, "applied" | "dismissed">();
  for (const r of input.resolved) {
    const within = r.status === "applied" ? r.resolvedAt > input.now - APPLIED_HOLD_MS : r.resolvedAt > input.now - DISMISSED_HOLD_MS;
    if (within) held.set(key(r.entityId, r.type), r.status);
  }
  const upserts: Candidate[] = [];
  const heldBack: Plan["heldBack"] = [];
  const firing = new Set<string>();
  for (const c of input.candidates) {
    const hold = held.get(key(c.entityId, c.type));
    if (hold) {
      heldBack.push({ entityId: c.entityId, type: c.type, status: hold });
      continue;
    }
    firing.add(key(c.entityId, c.type));
    upserts.push(c);
  }
  const expire = input.open
    .filter((o) => (input.entities.has(o.entityId) && !firing.has(key(o.entityId, o.type))) || (o.expiresAt <= input.now && !firing.has(key(o.entityId, o.type))))
    .map((o) => o.id);
  return { upserts, expire, heldBack };
}
