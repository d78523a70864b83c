// A seeded simulated population with known per-bucket behaviour, driven through the HTTP API for several cycles of
// decide → events → jobs: Thompson ends up favouring each bucket's better action.
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { seededRng } from "../../src/stats/random";
import { BASE, bearer, call, json, newProject, waitForEvents } from "../helpers/api";
import type { Decision } from "../decisions/helpers";
import { HOUR, runJob } from "./helpers";

/**
 * How people behave, per bucket and action: the probability that the image gets downloaded. In "reel" buckets a
 * pre-generated image is wanted (0.8 vs 0.3 when it must be asked for); in "story" buckets people rarely want one unless
 * they ask (0.2 vs 0.7). With image_pregen's reward spec the better action is pre_generate for reel, on_demand for story.
 */
const DOWNLOAD_RATE: Record<string, Record<string, number>> = {
  reel: { pre_generate: 0.8, on_demand: 0.3 },
  story: { pre_generate: 0.2, on_demand: 0.7 },
};
const BETTER: Record<string, string> = { reel: "pre_generate", story: "on_demand" };
const THOMPSON = { IMAGE_PREGEN_POLICY_ID: "image_pregen_bandit_v1" };

async function decide(token: string, postType: string, unit: string): Promise<Decision> {
  const res = await worker.fetch(
    new Request(`${BASE}/v1/decisions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(token) },
      body: JSON.stringify({ decision_type: "image_pregen", unit_id: unit, context: { post_type: postType, objective: "reach" } }),
    }),
    { ...env, ...THOMPSON } as never,
    createExecutionContext(),
  );
  return (await res.json()) as Decision;
}

describe("simulated population", () => {
  it("after a few cycles Thompson prefers each bucket's better action", { timeout: 120_000 }, async () => {
    const p = await newProject();
    const rng = seededRng("population-2026");
    const perCycle = 30;
    let posted = 0;
    let asOf = Date.now() + 25 * HOUR;
    for (let cycle = 0; cycle < 4; cycle++) {
      const events: Array<Record<string, unknown>> = [];
      for (const postType of ["reel", "story"]) {
        for (let i = 0; i < perCycle; i++) {
          const d = await decide(p.admin, postType, `${postType}-${cycle}-${i}`);
          const wantsImage = rng() < DOWNLOAD_RATE[postType]![d.action]!;
          const names = d.action === "on_demand" && wantsImage ? ["image_generate_clicked", "image_download_succeeded"] : wantsImage ? ["image_download_succeeded"] : ["idea_view_opened"];
          for (const event_name of names) events.push({ event_name, decision_id: d.decision_id });
        }
      }
      for (let i = 0; i < events.length; i += 200) {
        const res = await json("/v1/events", events.slice(i, i + 200), { "x-edgeloop-key": p.key });
        expect(res.status).toBe(202);
      }
      posted += events.length;
      await waitForEvents(p.id, posted, 20_000);
      await runJob("build_bandit_dataset", { project: p.id, as_of: asOf });
      expect((await runJob("rebuild_bandit_stats", { project: p.id, policy_id: "image_pregen_bandit_v1", as_of: asOf })).status).toBe("ok");
      asOf += 1;
    }

    const status = (await (await call("/v1/learning/status?decision_type=image_pregen", { headers: bearer(p.admin) })).json()) as {
      decision_types: Array<{ active_policy: string; policies: Array<{ policy_id: string; stats_version: number; buckets: Array<{ bucket: string; actions: Array<{ action: string; posterior_mean: number }> }> }> }>;
    };
    const ts = status.decision_types[0]!.policies.find((x) => x.policy_id === "image_pregen_bandit_v1")!;
    expect(ts.stats_version).toBe(4);
    for (const postType of ["reel", "story"]) {
      const bucket = ts.buckets.find((b) => b.bucket === `post_type=${postType}|objective=reach`)!;
      const mean = Object.fromEntries(bucket.actions.map((a) => [a.action, a.posterior_mean]));
      const worse = BETTER[postType] === "pre_generate" ? "on_demand" : "pre_generate";
      expect(mean[BETTER[postType]!]!).toBeGreaterThan(mean[worse]!);
      // Thompson's own probability of the better action, as it logs it, is now well above a coin's.
      const next = await decide(p.admin, postType, `${postType}-final`);
      expect(next.policy_id).toBe("image_pregen_bandit_v1");
      const propensityOfBetter = next.action === BETTER[postType] ? next.propensity : 1 - next.propensity;
      expect(propensityOfBetter).toBeGreaterThan(0.6);
    }
  });
});
