// Decisions on their way to D1: recorded in the bucket's object before the answer, flushed by its alarm, and never lost
// or doubled when the flush fails, is repeated, or the object restarts in between.
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { BanditBucket } from "../../src/decisions/bandit-bucket-do";
import { DecisionLog } from "../../src/decisions/decision-log";
import { bearer, call, newProject } from "../helpers/api";
import { flushDecisions } from "../helpers/decisions";
import { askDecision, bucketStub } from "./helpers";

const CONTEXT = { post_type: "carousel", objective: "sales" };
const BUCKET = "post_type=carousel|objective=sales";
const v0Bucket = (projectId: string, bucket = BUCKET) => bucketStub({ projectId, decisionType: "image_pregen", policyId: "image_pregen_bandit_v0", bucket });

async function d1Rows(projectId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM decisions WHERE project_id = ?1 ORDER BY id").bind(projectId).all<Record<string, unknown>>();
  return results;
}

const alarmOf = (stub: DurableObjectStub<BanditBucket>) => runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());

describe("a decision before and after its flush", () => {
  it("is answered from its bucket before it reaches D1, with the flush already scheduled, then from D1 the same", async () => {
    const p = await newProject();
    const before = Date.now();
    const { body } = await askDecision(p.admin, { unit_id: "idea-1", context: CONTEXT, resource_type: "PostIdea", resource_id: "7" });
    expect(await d1Rows(p.id)).toEqual([]);
    // The flush is due DECISION_FLUSH_DELAY_MS (10 min in tests) after the first pending decision.
    const due = await alarmOf(v0Bucket(p.id));
    expect(due).toBeGreaterThanOrEqual(before + 600_000);
    expect(due).toBeLessThanOrEqual(Date.now() + 600_000);

    const unflushed = await call(`/v1/decisions/${body.decision_id}`, { headers: bearer(p.admin) });
    expect(unflushed.status).toBe(200);
    const seen = await unflushed.json();
    expect(seen).toMatchObject({ decision_id: body.decision_id, action: body.action, unit_id: "idea-1", context: CONTEXT, resource_id: "7" });

    expect(await flushDecisions()).toBeGreaterThan(0);
    const [row] = await d1Rows(p.id);
    expect(row).toMatchObject({ id: body.decision_id, action: body.action, propensity: body.propensity, bucket: BUCKET, resource_type: "PostIdea", resource_id: "7" });
    expect(await alarmOf(v0Bucket(p.id))).toBeNull();
    const flushed = await call(`/v1/decisions/${body.decision_id}`, { headers: bearer(p.admin) });
    expect(await flushed.json()).toEqual(seen);
  });

  it("answers 404 for a decision id of the bucket shape that no object made, and for another project's decision", async () => {
    const p = await newProject();
    const other = await newProject();
    const forged = `${"A".repeat(43)}.${"B".repeat(20)}`;
    const res = await call(`/v1/decisions/${forged}`, { headers: bearer(p.admin) });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("decision_not_found");

    const { body } = await askDecision(other.admin, { unit_id: "idea-1", context: CONTEXT });
    expect((await call(`/v1/decisions/${body.decision_id}`, { headers: bearer(p.admin) })).status).toBe(404);
    expect((await call(`/v1/decisions/${body.decision_id}`, { headers: bearer(other.admin) })).status).toBe(200);
  });
});

describe("a flush that goes wrong", () => {
  it("keeps every decision through a failed D1 write, retries on its alarm, and writes each once when D1 is back", async () => {
    const p = await newProject();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await askDecision(p.admin, { unit_id: `idea-${i}`, context: CONTEXT })).body.decision_id);
    const stub = v0Bucket(p.id);
    // A real D1 failure: the database refuses this project's decision rows until the trigger is dropped.
    const trigger = `fail_flush_${p.id.replace(/[^a-z0-9]/gi, "_")}`;
    await env.DB.prepare(`CREATE TRIGGER ${trigger} BEFORE INSERT ON decisions WHEN NEW.project_id = '${p.id}' BEGIN SELECT RAISE(ABORT, 'injected flush failure'); END`).run();
    try {
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      expect(await d1Rows(p.id)).toEqual([]);
      expect((await stub.snapshot()).pending).toBe(3);
      // Rescheduled with a backoff (1 s after the first failure), not dropped.
      const retryAt = await alarmOf(stub);
      expect(retryAt).not.toBeNull();
      expect(retryAt!).toBeLessThanOrEqual(Date.now() + 1_000);

      expect(await runDurableObjectAlarm(stub)).toBe(true);
      expect((await stub.snapshot()).pending).toBe(3);
    } finally {
      await env.DB.prepare(`DROP TRIGGER IF EXISTS ${trigger}`).run();
    }
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await d1Rows(p.id)).map((r) => r.id)).toEqual([...ids].sort());
    expect((await stub.snapshot()).pending).toBe(0);
  });

  it("writes nothing twice when a batch is flushed again (its acknowledgement lost after the write)", async () => {
    const p = await newProject();
    for (let i = 0; i < 2; i++) await askDecision(p.admin, { unit_id: `idea-${i}`, context: CONTEXT });
    await flushDecisions();
    const first = await d1Rows(p.id);
    expect(first).toHaveLength(2);
    // As if the object had written D1 and then lost the mark before it was stored: the same rows go out again.
    const stub = v0Bucket(p.id);
    await runInDurableObject(stub, async (_instance, state) => {
      state.storage.sql.exec("UPDATE decision_log SET flushed_at = NULL");
      await state.storage.setAlarm(Date.now());
    });
    expect((await stub.snapshot()).pending).toBe(2);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await d1Rows(p.id)).toEqual(first);
    expect((await stub.snapshot()).pending).toBe(0);
  });

  it("flushes a decision recorded before its object restarted: the row and the alarm are in storage, not memory", async () => {
    const p = await newProject();
    const { body } = await askDecision(p.admin, { unit_id: "idea-restart", context: CONTEXT });
    const stub = v0Bucket(p.id);
    await evictDurableObject(stub);
    const revived = v0Bucket(p.id);
    expect((await revived.snapshot()).pending).toBe(1);
    expect(await alarmOf(revived)).not.toBeNull();
    expect(await runDurableObjectAlarm(revived)).toBe(true);
    expect((await d1Rows(p.id)).map((r) => r.id)).toEqual([body.decision_id]);
  });
});

describe("the bucket's decision log", () => {
  it("reports a decision discarded while its flush was under way, so the flush takes it out of D1 again", async () => {
    const p = await newProject();
    const { body: kept } = await askDecision(p.admin, { unit_id: "idea-kept", context: CONTEXT });
    const { body: lost } = await askDecision(p.admin, { unit_id: "idea-lost", context: CONTEXT });
    const vanished = await runInDurableObject(v0Bucket(p.id), (_instance, state) => {
      const log = new DecisionLog(state.storage.sql);
      const rows = log.unflushed(10);
      log.discard(lost.decision_id); // as a twin's settlement would, between the D1 write and the mark
      return { rows: rows.map((r) => r.id).sort(), vanished: log.markFlushed(rows.map((r) => r.id), Date.now()), pending: log.pendingCount() };
    });
    expect(vanished).toEqual({ rows: [kept.decision_id, lost.decision_id].sort(), vanished: [lost.decision_id], pending: 0 });
  });
});
