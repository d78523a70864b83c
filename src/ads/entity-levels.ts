// The three levels of an ad account and how they nest: campaign → adset → ad.
import { AD_ENTITY_TYPES } from "../db/schema";

export { AD_ENTITY_TYPES };
export type EntityType = (typeof AD_ENTITY_TYPES)[number];

/** The level an entity's parent must be at; a campaign has none. */
export const PARENT_TYPE: Readonly<Record<EntityType, EntityType | null>> = { campaign: null, adset: "campaign", ad: "adset" };
