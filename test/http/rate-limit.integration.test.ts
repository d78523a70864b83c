// Rate limits through the RateLimiter Durable Object: per credential (with a per-project quota) and per client IP.
import { describe, expect, it } from "vitest";
import { ev, json, newProject, waitForEvents } from "../helpers/api";

const headersOf = (res: Response) => ({
  limit: res.headers.get("x-ratelimit-limit"),
  remaining: res.headers.get("x-ratelimit-remaining"),
  retryAfter: res.headers.get("retry-after"),
});

describe("rate limits", () => {
  it("counts a key's requests against its project's quota, then answers 429 with Retry-After", async () => {
    const p = await newProject({ ingestLimit: 3 });
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const res = await json("/v1/events", ev(), { "x-edgeloop-key": p.key });
      expect(res.status).toBe(202);
      seen.push(headersOf(res));
    }
    expect(seen.map((h) => [h.limit, h.remaining])).toEqual([
      ["3", "2"],
      ["3", "1"],
      ["3", "0"],
    ]);
    const limited = await json("/v1/events", ev(), { "x-edgeloop-key": p.key });
    expect(limited.status).toBe(429);
    const h = headersOf(limited);
    expect(h.limit).toBe("3");
    expect(h.remaining).toBe("0");
    expect(Number(h.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(h.retryAfter)).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limited", details: { limit: 3, scope: "credential" } } });
    // The limited request was not accepted: only three events reach D1.
    await waitForEvents(p.id, 3);
  });

  it("limits one client IP across keys (IP_RATE_LIMIT_PER_MINUTE=100 in tests), and not other IPs", async () => {
    const a = await newProject();
    const b = await newProject();
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    // Empty batches are cheap 400s, but every request counts.
    const statuses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => json("/v1/events", [], { "x-edgeloop-key": i % 2 ? a.key : b.key, "cf-connecting-ip": ip }).then((r) => r.status)),
    );
    expect(statuses.every((s) => s === 400)).toBe(true);
    const limited = await json("/v1/events", [], { "x-edgeloop-key": a.key, "cf-connecting-ip": ip });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limited", details: { scope: "ip", limit: 100 } } });
    const elsewhere = await json("/v1/events", [], { "x-edgeloop-key": a.key, "cf-connecting-ip": "198.51.100.7" });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({ error: { code: "empty_batch" } });
    expect(elsewhere.headers.get("x-ratelimit-remaining")).not.toBeNull();
  });
});
