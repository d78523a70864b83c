// Identity links in the reports: user analytics and cohorts count an anonymous id's events as its identified user's.
import { describe, expect, it } from "vitest";
import { bearer, call, json } from "../helpers/api";
import { basic, compatProject, settledEvents } from "./helpers";

const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function browseThenSignIn() {
  const p = await compatProject(["signed_in"]);
  const now = Date.now();
  const batch = [
    // Two anonymous visits a week apart, on the same device, then the sign-in links the device to the account.
    { type: "page", anonymousId: "anon-x", timestamp: iso(now - 8 * day), messageId: "m1" },
    { type: "page", anonymousId: "anon-x", timestamp: iso(now - 1 * day), messageId: "m2" },
    { type: "identify", userId: "user-x", anonymousId: "anon-x", timestamp: iso(now - 1 * day + 1000), messageId: "m3" },
    { type: "track", event: "Signed In", userId: "user-x", timestamp: iso(now - 1 * day + 2000), messageId: "m4" },
    // Someone else, never identified.
    { type: "page", anonymousId: "anon-y", timestamp: iso(now - 8 * day), messageId: "m5" },
  ];
  const res = await json("/v1/batch", { batch }, basic(p.key));
  expect(res.status).toBe(200);
  await settledEvents(p.id, p.key, batch.length);
  return { p, now };
}

describe("identity links in reports", () => {
  it("user analytics of the identified user includes the events sent before sign-in", async () => {
    const { p } = await browseThenSignIn();
    const res = await call(`/v1/users/user-x/analytics`, { headers: bearer(p.admin) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total_events: number; active_days: number };
    expect(body.total_events).toBe(4);
    expect(body.active_days).toBe(2);
  });

  it("first-seen cohorts count the anonymous visitor and the user as one person, first seen on the anonymous visit", async () => {
    const { p, now } = await browseThenSignIn();
    const res = await json("/v1/reports/cohorts", { start_date: iso(now - 30 * day).slice(0, 10), end_date: iso(now).slice(0, 10), cohort_type: "first_seen" }, bearer(p.admin));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total_users_analyzed: number; cohorts: Array<{ cohort_size: number; retention_week_1: number | null }> };
    // anon-x and user-x are one user; anon-y is the other.
    expect(body.total_users_analyzed).toBe(2);
    expect(body.cohorts.reduce((s, c) => s + c.cohort_size, 0)).toBe(2);
  });
});
