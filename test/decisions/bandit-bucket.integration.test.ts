// The BanditBucket Durable Object: load (idempotent by version), snapshot, decide from memory and record, survive eviction.
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { BucketKey } from "../../src/decisions/arm-stats";
import type { BucketDecideRequest } from "../../src/decisions/bandit-bucket-do";
import { newDecisionId } from "../../src/decisions/decision-ids";
import { newProject } from "../helpers/api";
import { bucketStub, seedArmStats, stats } from "./helpers";

const params = { priorAlpha: 1, priorBeta: 1, epsilon: { enabled: true, start: 0.2, end: 0.05, decayDays: 14 }, propensityFloor: 0.01 };

/** A Thompson request as decide() sends it: a fresh decision id naming this bucket's object, each call. */
function decideRequest(key: BucketKey, seed: string | undefined = "s-1", now = Date.now(), policyStartedAt = now): BucketDecideRequest {
  const draft = {
    id: newDecisionId(bucketStub(key).id.toString()),
    project_id: key.projectId, decision_type: key.decisionType, unit_id: "u1", bucket: key.bucket,
    context: null, resource_type: null, resource_id: null, request_id: null, simulated: 0 as const, experiment_id: null,
  };
  return { key, kind: "thompson", actions: ["pre_generate", "on_demand"], params, fallback: { policyId: "image_pregen_bandit_v0", params: {} }, now, policyStartedAt, seed, draft };
}

describe("BanditBucket", () => {
  it("loads statistics once per version and never goes backwards", async () => {
    const p = await newProject();
    const key = { projectId: p.id, decisionType: "image_pregen", policyId: "image_pregen_bandit_v1", bucket: "b1" };
    const stub = bucketStub(key);
    expect(await stub.load(key, stats(2, { pre_generate: [5, 5], on_demand: [1, 9] }))).toEqual({ loaded: true, version: 2 });
    expect(await stub.load(key, stats(2, { pre_generate: [50, 50], on_demand: [1, 9] }))).toEqual({ loaded: false, version: 2 });
    expect(await stub.load(key, stats(1, { pre_generate: [0, 9], on_demand: [9, 0] }))).toEqual({ loaded: false, version: 2 });
    const snap = await stub.snapshot();
    expect(snap.stats.version).toBe(2);
    expect(snap.stats.stats.pre_generate).toMatchObject({ successes: 5, failures: 5, n: 10 });
    expect(await stub.load(key, stats(3, { pre_generate: [6, 5], on_demand: [1, 9] }))).toEqual({ loaded: true, version: 3 });
  });

  it("keeps its statistics in SQLite-backed storage, so an evicted object comes back with them", async () => {
    const p = await newProject();
    const key = { projectId: p.id, decisionType: "image_pregen", policyId: "image_pregen_bandit_v1", bucket: "b2" };
    const stub = bucketStub(key);
    await stub.load(key, stats(4, { pre_generate: [3, 1], on_demand: [1, 3] }));
    expect((await stub.snapshot()).served).toBe(0);
    await stub.decide(decideRequest(key));
    expect((await stub.snapshot()).served).toBe(1);

    // A real eviction: the instance is torn down (memory lost), storage kept; the next call constructs a new one.
    await evictDurableObject(stub);
    const revived = bucketStub(key);
    const snap = await revived.snapshot();
    expect(snap.served).toBe(0); // a new instance, not the old one still in memory
    expect(snap.key).toEqual(key);
    expect(snap.stats.version).toBe(4);
    expect(snap.stats.stats.pre_generate).toMatchObject({ successes: 3, failures: 1, n: 4 });
    // D1 has no statistics for this bucket, so only the stored copy can serve version 4 (else: a fallback at version 0).
    const decided = await revived.decide(decideRequest(key));
    expect(decided.fallbackReason).toBeUndefined();
    expect(decided.row).toMatchObject({ policy_id: "image_pregen_bandit_v1", policy_version: 4 });
  });

  it("decides from memory with a seeded rng: same seed, same answer; propensities from the posterior", async () => {
    const p = await newProject();
    const key = { projectId: p.id, decisionType: "image_pregen", policyId: "image_pregen_bandit_v1", bucket: "b3" };
    const stub = bucketStub(key);
    await stub.load(key, stats(1, { pre_generate: [30, 10], on_demand: [10, 30] }));
    const now = Date.now();
    const a = await stub.decide(decideRequest(key, "s-42", now));
    const b = await stub.decide(decideRequest(key, "s-42", now));
    const choice = (d: typeof a) => ({ action: d.row.action, propensity: d.row.propensity, explored: d.row.explored, propensities: d.propensities });
    expect(choice(a)).toEqual(choice(b));
    expect(a.row.id).not.toBe(b.row.id);
    expect(a.fallbackReason).toBeUndefined();
    expect(a.row.policy_version).toBe(1);
    const propensities = a.propensities!;
    expect(propensities.pre_generate! + propensities.on_demand!).toBeCloseTo(1, 12);
    expect(propensities.pre_generate).toBeGreaterThan(0.9);
    // The propensity logged is exactly the one the policy used for the action it chose.
    expect(a.row.propensity).toBe(propensities[a.row.action]);
    expect((await stub.snapshot()).served).toBe(2);
  });

  it("reads D1 on a cold start, and reports a fallback when neither it nor the pool has learned anything", async () => {
    const p = await newProject();
    const empty = { projectId: p.id, decisionType: "image_pregen", policyId: "image_pregen_bandit_v1", bucket: "cold" };
    const req = (key: typeof empty) => decideRequest(key, undefined);
    const fellBack = await bucketStub(empty).decide(req(empty));
    expect(fellBack).toMatchObject({ fallbackReason: "no_statistics", learned: false, row: { policy_id: "image_pregen_bandit_v0", policy_version: 0, propensity: 0.5 } });

    await seedArmStats(p.id, "image_pregen", "image_pregen_bandit_v1", 7, [
      { bucket: "warm", action: "pre_generate", successes: 4, failures: 1 },
      { bucket: "warm", action: "on_demand", successes: 1, failures: 4 },
    ]);
    const warm = { ...empty, bucket: "warm" };
    const decided = await bucketStub(warm).decide(req(warm));
    expect(decided.fallbackReason).toBeUndefined();
    expect(decided.row.policy_version).toBe(7);
    expect((await bucketStub(warm).snapshot()).stats.stats.pre_generate).toMatchObject({ successes: 4, failures: 1 });
  });
});

describe("BanditBucket catching up with D1", () => {
  it("serves from memory between rechecks, and reads a newer version from D1 when a push was lost", async () => {
    const p = await newProject();
    const key = { projectId: p.id, decisionType: "image_pregen", policyId: "image_pregen_bandit_v1", bucket: "lost-push" };
    const stub = bucketStub(key);
    await stub.load(key, stats(1, { pre_generate: [1, 9], on_demand: [9, 1] }));
    const t0 = Date.now();
    const at = (now: number) => decideRequest(key, "s-1", now, t0);
    expect(await stub.decide(at(t0))).toMatchObject({ learned: true, row: { policy_version: 1 } });

    // Version 2 reaches D1 (as the rebuild writes it) but its push to this object is lost.
    await seedArmStats(p.id, "image_pregen", "image_pregen_bandit_v1", 2, [
      { bucket: "lost-push", action: "pre_generate", successes: 9, failures: 1 },
      { bucket: "lost-push", action: "on_demand", successes: 1, failures: 9 },
    ]);
    await env.DB.prepare(
      `INSERT INTO bandit_stats_versions (project_id, decision_type, policy_id, version, outcomes_counted, fresh_outcomes, watermark, created_at)
       VALUES (?1, 'image_pregen', 'image_pregen_bandit_v1', 2, 20, 20, 0, ?2)`,
    )
      .bind(p.id, t0)
      .run();
    // Within the recheck interval (5 minutes) memory serves; after it, the object asks D1 and loads version 2.
    expect(await stub.decide(at(t0 + 60_000))).toMatchObject({ row: { policy_version: 1 } });
    expect(await stub.decide(at(t0 + 6 * 60_000))).toMatchObject({ learned: true, row: { policy_version: 2 } });
    expect((await stub.snapshot()).stats.stats.pre_generate).toMatchObject({ successes: 9, failures: 1 });
  });
});

describe("BanditBucket bindings", () => {
  it("is one object per (project, decision type, policy, bucket)", () => {
    const a = env.BANDIT_BUCKET.idFromName("p\u0000t\u0000v1\u0000b");
    const b = env.BANDIT_BUCKET.idFromName("p\u0000t\u0000v1\u0000b");
    const c = env.BANDIT_BUCKET.idFromName("p\u0000t\u0000v1\u0000c");
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });
});
