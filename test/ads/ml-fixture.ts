// A small ad account with the situations, written with SQL (the data-in routes are another capability's).
import { env } from "cloudflare:workers";

const DAY_MS = 86_400_000;
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Yesterday (UTC), the day the jobs and routes judge by default, and the 05:00 cron instant of today. */
export function clock() {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  return { asOfDate: isoDay(today - DAY_MS), cronAsOf: today + 5 * 3_600_000, today };
}

type Daily = { spend: number; impressions: number; reach: number; clicks: number; leads: number };
const d = (spend: number, impressions: number, reach: number, clicks: number, leads: number): Daily => ({ spend, impressions, reach, clicks, leads });
/** Leads on alternate days of the week: 1, 0, 1, 0, 1, 0, 1 (4 in all). */
const alternate = (i: number) => (i % 2 === 0 ? 1 : 0);

/**
 * Days 0–6 are the previous week, 7–13 the 7 days ending on as_of_date.
 * - AD_WIN / AD_LOSE (S_OK, C_OK): CPL 10 (21 leads) against 40 (7 leads): a clear sibling winner and its poor sibling.
 * - AD_FAT (S_REV): reach halves (frequency 2 → 4) while clicks halve (CTR 2% → 1%): creative fatigue.
 * - S_REV (C_REV) = AD_FAT + AD_REV2: CPL 13.33 → 39.38 while leads fall 21 → 8.
 * - C_DEAD (S_DEAD: AD_DEAD1, AD_DEAD2): 30/day and no lead all week.
 * - C_OLD: paused this week; the week before 7 leads at CPL 10.
 * Account CPL this week, at every level: 1015 / 36 = 28.19.
 */
const ADS: Record<string, { parent: string; prev: (i: number) => Daily; week: (i: number) => Daily }> = {
  AD_WIN: { parent: "S_OK", prev: () => d(30, 3000, 1500, 60, 3), week: () => d(30, 3000, 1500, 60, 3) },
  AD_LOSE: { parent: "S_OK", prev: () => d(40, 3000, 1500, 30, 1), week: () => d(40, 3000, 1500, 30, 1) },
  AD_FAT: { parent: "S_REV", prev: () => d(20, 2000, 1000, 40, 1), week: (i) => d(20, 2000, 500, 20, alternate(i)) },
  AD_REV2: { parent: "S_REV", prev: () => d(20, 2000, 1000, 40, 2), week: (i) => d(25, 2000, 1000, 40, alternate(i)) },
  AD_DEAD1: { parent: "S_DEAD", prev: () => d(15, 1500, 750, 15, 1), week: () => d(15, 1500, 750, 15, 0) },
  AD_DEAD2: { parent: "S_DEAD", prev: () => d(15, 1500, 750, 15, 1), week: () => d(15, 1500, 750, 15, 0) },
};
const ADSETS: Record<string, string> = { S_OK: "C_OK", S_REV: "C_REV", S_DEAD: "C_DEAD" };

export async function buildAccount(projectId: string, configId: number, asOfDate: string): Promise<void> {
  const now = Date.now();
  const stmts: D1PreparedStatement[] = [];
  const entity = (id: string, type: string, parent: string | null, status = "active") =>
    stmts.push(
      env.DB.prepare("INSERT INTO ad_entities (project_id, config_id, entity_id, entity_type, parent_id, name, status, daily_budget, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8)").bind(
        projectId, configId, id, type, parent, `${id} name`, status, now,
      ),
    );
  const insight = (id: string, type: string, date: string, v: Daily) =>
    stmts.push(
      env.DB.prepare(
        "INSERT INTO ad_insights (project_id, config_id, entity_id, entity_type, date, spend, impressions, reach, clicks, leads, frequency, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
      ).bind(projectId, configId, id, type, date, v.spend, v.impressions, v.reach, v.clicks, v.leads, v.reach > 0 ? v.impressions / v.reach : null, now),
    );
  for (const c of ["C_OK", "C_REV", "C_DEAD"]) entity(c, "campaign", null);
  entity("C_OLD", "campaign", null, "paused");
  for (const [s, c] of Object.entries(ADSETS)) entity(s, "adset", c);
  for (const [a, { parent }] of Object.entries(ADS)) entity(a, "ad", parent);

  const start = Date.parse(`${asOfDate}T00:00:00Z`) - 13 * DAY_MS;
  for (let i = 0; i < 14; i++) {
    const date = isoDay(start + i * DAY_MS);
    const adsets = new Map<string, Daily>();
    for (const [a, spec] of Object.entries(ADS)) {
      const v = i < 7 ? spec.prev(i) : spec.week(i - 7);
      insight(a, "ad", date, v);
      const s = adsets.get(spec.parent) ?? d(0, 0, 0, 0, 0);
      adsets.set(spec.parent, d(s.spend + v.spend, s.impressions + v.impressions, s.reach + v.reach, s.clicks + v.clicks, s.leads + v.leads));
    }
    // One ad set per campaign: the campaign's day is its ad set's.
    for (const [s, v] of adsets) {
      insight(s, "adset", date, v);
      insight(ADSETS[s]!, "campaign", date, v);
    }
    if (i < 7) insight("C_OLD", "campaign", date, d(10, 1000, 500, 20, 1));
  }
  await env.DB.batch(stmts);
}

/** What the account should get: every entity's open recommendation types, and nothing else. */
export const EXPECTED_OPEN: Record<string, Record<string, string[]>> = {
  campaign: { C_OK: ["SCALE_UP"], C_REV: [], C_DEAD: ["PAUSE"], C_OLD: ["REACTIVATE"] },
  adset: { S_OK: ["SCALE_UP"], S_REV: ["AUDIENCE_REVIEW"], S_DEAD: ["PAUSE"] },
  ad: { AD_WIN: ["CREATIVE_WINNER", "SCALE_UP"], AD_LOSE: ["PAUSE"], AD_FAT: ["CREATIVE_REFRESH"], AD_REV2: [], AD_DEAD1: ["PAUSE"], AD_DEAD2: ["PAUSE"] },
};
