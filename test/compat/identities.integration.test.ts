// Identity links in the reports: user analytics and cohorts count an anonymous id's events as its identified user's.
import { describe, expect, it } from "vitest";
import { bearer, call, json } from "../helpers/api";
import { basic, compatProject, identitiesOf, settledEvents } from "./helpers";

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

describe("identity links: chains, cycles, a second user", () => {
  const alias = (previousId: string, userId: string) => ({ type: "alias", previousId, userId, messageId: `alias-${previousId}-${userId}` });
  const send = async (key: string, batch: unknown[]) => expect((await json("/v1/batch", { batch }, basic(key))).status).toBe(200);
  const links = async (projectId: string) => Object.fromEntries((await identitiesOf(projectId)).map((r) => [r.anonymous_id, r.user_id]));

  it("an alias chain written oldest first resolves every id to the last user (user analytics counts them all)", async () => {
    const p = await compatProject();
    await send(p.key, [{ type: "page", anonymousId: "anon-c", messageId: "p1" }, alias("anon-c", "mid-c")]);
    await send(p.key, [alias("mid-c", "user-c")]);
    await settledEvents(p.id, p.key, 3);
    expect(await links(p.id)).toEqual({ "anon-c": "user-c", "mid-c": "user-c" });
    const res = await call(`/v1/users/user-c/analytics`, { headers: bearer(p.admin) });
    // The page view under anon-c and both aliases.
    expect(((await res.json()) as { total_events: number }).total_events).toBe(3);
  });

  it("links across requests and inside one batch in any order end flat: no id points at a linked id", async () => {
    const p = await compatProject();
    await send(p.key, [alias("p", "q")]);
    // In one batch: q joins r, then s is linked to p (already q's, so r's).
    await send(p.key, [alias("q", "r"), alias("s", "p"), alias("t", "u"), alias("u", "v")]);
    await settledEvents(p.id, p.key, 5);
    expect(await links(p.id)).toEqual({ p: "r", q: "r", s: "r", t: "v", u: "v" });
  });

  it("a link back to an id's own user makes no cycle, and an anonymous id linked to a second user stays with the first", async () => {
    const p = await compatProject();
    await send(p.key, [alias("a", "b")]);
    await send(p.key, [alias("b", "a"), { type: "identify", anonymousId: "a", userId: "other", messageId: "i-other" }]);
    // Inside one batch too: the first identify of a device stands.
    await send(p.key, [
      { type: "identify", anonymousId: "d", userId: "first", messageId: "i-d1" },
      { type: "identify", anonymousId: "d", userId: "second", messageId: "i-d2" },
    ]);
    await settledEvents(p.id, p.key, 5);
    expect(await links(p.id)).toEqual({ a: "b", d: "first" });
  });

  it("a link is written only in the project of the key that sent it", async () => {
    const p = await compatProject();
    const other = await compatProject();
    await send(other.key, [alias("x", "y")]);
    await settledEvents(other.id, other.key, 1);
    expect(await links(p.id)).toEqual({});
    expect(await links(other.id)).toEqual({ x: "y" });
  });
});
