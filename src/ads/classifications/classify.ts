// classify: an entity's performance tier against its account and siblings, with a confidence and its drivers (pure).
import { normalCdf } from "../../stats/experiments/normal-distribution";
import type { EntityFeatures } from "../entity-features";

export const TIERS = ["top", "average", "under_performing", "no_data"] as const;
export type Tier = (typeof TIERS)[number];

/** r = reference CPL / own CPL: ≥ 1.25 is top (leads ≥ 20% cheaper), ≤ 0.8 under-performing (≥ 25% dearer). */
export const TIER_BOUNDS = { top: 1.25, underPerforming: 0.8 } as const;

export type Driver = {
  feature: string;
  value: number | null;
  /** What the value was compared with (null when nothing). */
  reference: number | null;
  /** The comparison in words, so a person sees why. */
  comparison: string;
};

export type Classification = { tier: Tier; confidence: number; drivers: Driver[] };

const fmt = (x: number | null) => (x === null ? "none" : Number.isInteger(x) ? String(x) : x.toFixed(2));
const pct = (r: number) => `${Math.round(Math.abs(r - 1) * 100)}%`;

function cheaperOrDearer(own: number, ref: number, refName: string): string {
  const r = ref / own;
  if (Math.abs(r - 1) < 0.005) return `in line with ${refName} (${fmt(ref)})`;
  // own / ref − 1: how much more (or less) a lead costs here than there.
  return own < ref ? `${pct(own / ref)} cheaper than ${refName} (${fmt(ref)})` : `${pct(own / ref)} dearer than ${refName} (${fmt(ref)})`;
}

/**
 * The tier from the 7-day CPL. Too little to judge (no_data): no spend, no account CPL to compare with, or no leads
 * after spending less than one account CPL. No leads after spending at least one account CPL: under-performing, with
 * confidence 1 − exp(−spend / account CPL), the Poisson chance it would have had ≥ 1 lead had it converted like the
 * account. Otherwise r = account CPL / own CPL, or with siblings the geometric mean of that and siblings CPL / own CPL;
 * the confidence is Φ(d / se), d the distance in log space from ln r to the nearest tier boundary and se ≈ 1/√leads
 * (a Poisson count's relative standard error, which is log-CPL's when spend is known).
 */
export function classify(f: EntityFeatures): Classification {
  const ref = f.account_cpl_7d;
  const spendDriver = (comparison: string): Driver => ({ feature: "spend_7d", value: f.spend_7d, reference: ref, comparison });
  if (f.spend_7d <= 0) return { tier: "no_data", confidence: 1, drivers: [spendDriver("no spend in the 7 days")] };
  if (ref === null) return { tier: "no_data", confidence: 1, drivers: [{ feature: "account_cpl_7d", value: null, reference: null, comparison: "no leads anywhere at this level in the account: nothing to compare with" }] };
  if (f.leads_7d === 0) {
    if (f.spend_7d < ref) return { tier: "no_data", confidence: 1, drivers: [spendDriver(`no leads yet, but spent less than one account CPL (${fmt(ref)})`)] };
    return {
      tier: "under_performing",
      confidence: 1 - Math.exp(-f.spend_7d / ref),
      drivers: [
        { feature: "leads_7d", value: 0, reference: f.spend_7d / ref, comparison: `no leads where the account's CPL predicts ${fmt(f.spend_7d / ref)}` },
        spendDriver(`spent ${fmt(f.spend_7d / ref)} account CPLs`),
      ],
    };
  }
  const cpl = f.cpl_7d!;
  const drivers: Driver[] = [{ feature: "cpl_7d", value: cpl, reference: ref, comparison: cheaperOrDearer(cpl, ref, "the account's pooled CPL") }];
  let r = ref / cpl;
  if (f.siblings_cpl_7d !== null && f.siblings_cpl_7d > 0) {
    r = Math.sqrt(r * (f.siblings_cpl_7d / cpl));
    drivers.push({ feature: "performance_vs_siblings", value: f.performance_vs_siblings, reference: f.siblings_cpl_7d, comparison: cheaperOrDearer(cpl, f.siblings_cpl_7d, "its siblings' pooled CPL") });
  }
  drivers.push({ feature: "leads_7d", value: f.leads_7d, reference: null, comparison: `${f.leads_7d} leads: the CPL is known to about ±${Math.round(100 / Math.sqrt(f.leads_7d))}%` });

  const lnR = Math.log(r);
  const lnTop = Math.log(TIER_BOUNDS.top);
  const lnUnder = Math.log(TIER_BOUNDS.underPerforming);
  const tier: Tier = r >= TIER_BOUNDS.top ? "top" : r <= TIER_BOUNDS.underPerforming ? "under_performing" : "average";
  const distance = tier === "top" ? lnR - lnTop : tier === "under_performing" ? lnUnder - lnR : Math.min(lnR - lnUnder, lnTop - lnR);
  const se = 1 / Math.sqrt(f.leads_7d);
  return { tier, confidence: normalCdf(distance / se), drivers };
}
