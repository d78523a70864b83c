// request_id idempotency across a project's buckets: twins in another bucket, concurrent twins, failed halves, stale claims.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newDecisionId } from "../../src/decisions/decision-ids";
import { claimsStub } from "../../src/decisions/request-claims";
import { newProject } from "../helpers/api";
import { flushDecisions } from "../helpers/decisions";
import { askDecision, bucketStub, decideWithEnv } from "./helpers";

const CAROUSEL = { post_type: "carousel", objective: "sales" };
const STORY = { post_type: "story", objective: "reach" };
const SHARDS = 16; // REQUEST_CLAIM_SHARDS' default
const v0Bucket = (projectId: string, context: { post_type: string; objective: string }) =>
  bucketStub({ projectId, decisionType: "image_pregen", policyId: "image_pregen_bandit_v0", bucket: `post_type=${context.post_type}|objective=${context.objective}` });

async function storedFor(projectId: string, requestId: string) {
  await flushDecisions();
  const { results } = await env.DB.prepare("SELECT id FROM decisions WHERE project_id = ?1 AND request_id = ?2").bind(projectId, requestId).all<{ id: string }>();
  return results.map((r) => r.id);
}

/** A namespace whose objects refuse one method, as an object that is unreachable or overloaded would. */
function failing<T extends object>(ns: T, method: string): T {
  return new Proxy(ns, {
    get(target, prop) {
      if (prop === "get") {
        return (id: DurableObjectId) =>
          new Proxy((target as unknown as DurableObjectNamespace).get(id), {
            get(stub, p) {
              if (p === method) return async () => { throw new Error(`injected: ${method} unavailable`); };
              const v = Reflect.get(stub, p);
              return typeof v === "function" ? v.bind(stub) : v;
            },
          });
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

describe("request_id twins in another bucket", () => {
  it("get the first decision, and the second bucket keeps nothing", async () => {
    const p = await newProject();
    const first = await askDecision(p.admin, { unit_id: "idea-1", context: CAROUSEL, request_id: "r-move" });
    const twin = await askDecision(p.admin, { unit_id: "idea-1", context: STORY, request_id: "r-move" });
    expect(twin.res.status).toBe(200);
    expect(twin.body).toEqual(first.body);
    expect((await v0Bucket(p.id, STORY).snapshot()).pending).toBe(0);
    expect(await storedFor(p.id, "r-move")).toEqual([first.body.decision_id]);
  });

  it("refuse a request_id reused for another unit with 409, the second bucket keeping nothing", async () => {
    const p = await newProject();
    await askDecision(p.admin, { unit_id: "idea-1", context: CAROUSEL, request_id: "r-other" });
    const reused = await askDecision(p.admin, { unit_id: "idea-2", context: STORY, request_id: "r-other" });
    expect(reused.res.status).toBe(409);
    expect(reused.body.error?.code).toBe("request_id_reused");
    expect((await v0Bucket(p.id, STORY).snapshot()).pending).toBe(0);
    expect(await storedFor(p.id, "r-other")).toHaveLength(1);
  });
});

describe("concurrent request_id twins", () => {
  it("in one bucket all get one decision", async () => {
    const p = await newProject();
    const answers = await Promise.all(Array.from({ length: 5 }, () => askDecision(p.admin, { unit_id: "idea-1", context: CAROUSEL, request_id: "r-burst" })));
    for (const a of answers) expect(a.res.status).toBe(200);
    expect(new Set(answers.map((a) => a.body.decision_id)).size).toBe(1);
    expect(await storedFor(p.id, "r-burst")).toEqual([answers[0]!.body.decision_id]);
  });

  it("across buckets get one decision or 409 request_in_progress, and exactly one decision is kept", async () => {
    const p = await newProject();
    const ask = (context: typeof CAROUSEL) => askDecision(p.admin, { unit_id: "idea-1", context, request_id: "r-race" });
    const answers = await Promise.all([ask(CAROUSEL), ask(STORY), ask(CAROUSEL), ask(STORY)]);
    const stored = await storedFor(p.id, "r-race");
    expect(stored).toHaveLength(1);
    for (const a of answers) {
      if (a.res.status === 200) expect(a.body.decision_id).toBe(stored[0]);
      else expect([a.res.status, a.body.error?.code, a.res.headers.get("retry-after")]).toEqual([409, "request_in_progress", "1"]);
    }
    // Whoever was told to retry gets the kept decision.
    for (const context of [CAROUSEL, STORY]) expect((await ask(context)).body.decision_id).toBe(stored[0]);
  });
});

describe("a decision with one half failed", () => {
  it("answers 503 when its bucket fails, and releases the claim so the retry is decided at once", async () => {
    const p = await newProject();
    const broken = await decideWithEnv({ BANDIT_BUCKET: failing(env.BANDIT_BUCKET, "decide") }, p.admin, { unit_id: "idea-1", context: CAROUSEL, request_id: "r-503" });
    expect([broken.res.status, broken.body.error?.code, broken.res.headers.get("retry-after")]).toEqual([503, "decision_not_recorded", "1"]);
    expect(broken.body).not.toHaveProperty("decision_id");
    const retry = await askDecision(p.admin, { unit_id: "idea-1", context: CAROUSEL, request_id: "r-503" });
    expect(retry.res.status).toBe(200);
    expect(await storedFor(p.id, "r-503")).toEqual([retry.body.decision_id]);
  });

  it("answers 503 when the claim fails, and withdraws the decision its bucket recorded", async () => {
    const p = await newProject();
    const broken = await decideWithEnv({ REQUEST_CLAIMS: failing(env.REQUEST_CLAIMS, "claim") }, p.admin, { unit_id: "idea-1", context: CAROUSEL, request_id: "r-claim" });
    expect(broken.res.status).toBe(503);
    expect((await v0Bucket(p.id, CAROUSEL).snapshot()).pending).toBe(0);
    expect(await storedFor(p.id, "r-claim")).toEqual([]);
  });
});

describe("a claim whose decision was never recorded", () => {
  async function orphanClaim(projectId: string, requestId: string, claimedAt: number) {
    // The claim of a request whose bucket never recorded it (the Worker died between the two calls).
    const decisionId = newDecisionId(v0Bucket(projectId, CAROUSEL).id.toString());
    const answer = await claimsStub(env, projectId, requestId, SHARDS).claim(projectId, requestId, { decisionId, decisionType: "image_pregen", unitId: "idea-1", claimedAt });
    expect(answer).toEqual({ won: true });
  }

  it("is waited for while fresh (409, nothing kept), and replaced once stale", async () => {
    const p = await newProject();
    await orphanClaim(p.id, "r-fresh", Date.now());
    const fresh = await askDecision(p.admin, { unit_id: "idea-1", context: STORY, request_id: "r-fresh" });
    expect([fresh.res.status, fresh.body.error?.code]).toEqual([409, "request_in_progress"]);
    expect((await v0Bucket(p.id, STORY).snapshot()).pending).toBe(0);

    await orphanClaim(p.id, "r-stale", Date.now() - 60_000);
    const stale = await askDecision(p.admin, { unit_id: "idea-1", context: STORY, request_id: "r-stale" });
    expect(stale.res.status).toBe(200);
    const again = await askDecision(p.admin, { unit_id: "idea-1", context: CAROUSEL, request_id: "r-stale" });
    expect(again.body.decision_id).toBe(stale.body.decision_id);
    expect(await storedFor(p.id, "r-stale")).toEqual([stale.body.decision_id]);
  });
});

describe("decisions from before the claims", () => {
  it("answer their request_id: a row with a UUID id in D1 is the decision a retry gets, and becomes its claim", async () => {
    const p = await newProject();
    const legacyId = crypto.randomUUID();
    await env.DB.prepare(
      `INSERT INTO decisions (id, project_id, decision_type, unit_id, bucket, action, policy_id, policy_version, propensity, explored, request_id, simulated, created_at)
       VALUES (?1, ?2, 'image_pregen', 'idea-1', 'post_type=carousel|objective=sales', 'on_demand', 'image_pregen_bandit_v0', 0, 0.5, 0, 'r-legacy', 0, ?3)`,
    )
      .bind(legacyId, p.id, Date.now() - 86_400_000)
      .run();
    const retry = await askDecision(p.admin, { unit_id: "idea-1", context: STORY, request_id: "r-legacy" });
    expect(retry.res.status).toBe(200);
    expect(retry.body).toMatchObject({ decision_id: legacyId, action: "on_demand", policy_id: "image_pregen_bandit_v0" });
    expect((await v0Bucket(p.id, STORY).snapshot()).pending).toBe(0);
    // The claim now names it, so another bucket's retry gets it too, and another unit is refused.
    expect((await askDecision(p.admin, { unit_id: "idea-1", context: CAROUSEL, request_id: "r-legacy" })).body.decision_id).toBe(legacyId);
    expect((await askDecision(p.admin, { unit_id: "idea-2", context: CAROUSEL, request_id: "r-legacy" })).res.status).toBe(409);
    expect(await storedFor(p.id, "r-legacy")).toEqual([legacyId]);
  });
});

