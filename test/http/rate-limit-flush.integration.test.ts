// The isolate answers rate limits from its own count and tells the subject's RateLimiter object afterwards.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ev, json, newProject } from "../helpers/api";

describe("rate-limit counts reach the RateLimiter object after the response", () => {
  it("sums an isolate's hits in the key's object, so other isolates learn them", async () => {
    const p = await newProject();
    for (let i = 0; i < 4; i++) expect((await json("/v1/events", ev(), { "x-edgeloop-key": p.key })).status).toBe(202);
    const window = Date.now() - (Date.now() % 60_000);
    const object = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`ingest:key:${p.keyId}`));
    // Adding nothing reads the window's total. The first hit was flushed at once; the rest within about a second.
    const deadline = Date.now() + 5000;
    let sent = 4;
    let total = await object.add(window, 0);
    // Each further request counts too and may carry the flush; the object's total can never exceed what was sent.
    while ((total ?? 0) < 4 && Date.now() < deadline) {
      await json("/v1/events", [], { "x-edgeloop-key": p.key }); // an empty batch is a 400, but it counts
      sent++;
      total = await object.add(window, 0);
    }
    expect(total).toBeGreaterThanOrEqual(4);
    expect(total).toBeLessThanOrEqual(sent);
  });
});
