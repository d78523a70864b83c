// One entity's delivery on one day, as the feature, anomaly and forecast code reads it.
import type { EntityType } from "./entity-levels";

export type InsightDay = {
  entityId: string;
  /** YYYY-MM-DD, the account's reporting day. */
  date: string;
  spend: number;
  impressions: number;
  reach: number;
  clicks: number;
  leads: number;
  /** impressions / reach for the day, as the platform reported it; null when it did not. */
  frequency: number | null;
};

/** An entity as the ML code sees it: its place in the hierarchy and its state. */
export type AdEntity = {
  configId: number;
  entityType: EntityType;
  entityId: string;
  parentId: string | null;
  name: string;
  status: "active" | "paused";
  dailyBudget: number | null;
};
