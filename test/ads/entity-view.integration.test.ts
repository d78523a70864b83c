// GET /v1/ml/entities/:id in workerd: the entity with what the ML jobs stored for it, and nothing of its neighbours'.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bearer, call, newProject } from "../helpers/api";
import { putEntities } from "./helpers";

describe("GET /v1/ml/entities/:id", () => {
  it("reads the entity, its children, latest features, tier, open recommendations and recent anomalies together", async () => {
    const p = await newProject();
    await putEntities(p.admin, 2, [
      { entity_type: "campaign", entity_id: "c1", name: "Leads", status: "active", daily_budget: 80 },
      { entity_type: "adset", entity_id: "s1", parent_id: "c1", name: "Broad", status: "active" },
      { entity_type: "adset", entity_id: "s2", parent_id: "c1", name: "Lookalike", status: "paused" },
    ]);
    const now = Date.now();
    const today = new Date(now).toISOString().slice(0, 10);
    const old = new Date(now - 40 * 86_400_000).toISOString().slice(0, 10);
    const row = (sql: string, ...args: unknown[]) => env.DB.prepare(sql).bind(...args);
    await env.DB.batch([
      row("INSERT INTO ml_features VALUES (?1, 2, 'campaign', 'c1', '2026-11-01', '{\"cpl_7d\":10}', 1)", p.id),
      row("INSERT INTO ml_features VALUES (?1, 2, 'campaign', 'c1', '2026-11-02', '{\"cpl_7d\":12}', 2)", p.id),
      row("INSERT INTO ml_features VALUES (?1, 2, 'adset', 's1', '2026-11-03', '{\"cpl_7d\":99}', 3)", p.id),
      row("INSERT INTO ml_classifications VALUES (?1, 2, 'campaign', 'c1', 'top', 0.9, '[{\"feature\":\"cpl_7d\"}]', '2026-11-02', 5)", p.id),
      row("INSERT INTO ml_recommendations VALUES ('r1', ?1, 2, 'campaign', 'c1', 'SCALE_UP', 'open', 'high', 'cheap leads', '{}', '2026-11-02', 1, 2, 3, NULL)", p.id),
      row("INSERT INTO ml_recommendations VALUES ('r2', ?1, 2, 'campaign', 'c1', 'PAUSE', 'dismissed', 'high', 'x', '{}', '2026-11-01', 1, 2, 3, 4)", p.id),
      row("INSERT INTO ml_anomalies VALUES (?1, 2, 'campaign', 'c1', 'spend', ?2, 90, 30, 6.1, 'high', 'up', 7)", p.id, today),
      row("INSERT INTO ml_anomalies VALUES (?1, 2, 'campaign', 'c1', 'spend', ?2, 90, 30, 6.1, 'high', 'up', 7)", p.id, old),
    ]);
    const res = await call("/v1/ml/entities/c1?config_id=2", { headers: bearer(p.admin) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      entity_type: "campaign",
      entity_id: "c1",
      parent_id: null,
      daily_budget: 80,
      children: ["s1", "s2"],
      features: { as_of_date: "2026-11-02", cpl_7d: 12 },
      classification: { tier: "top", confidence: 0.9, drivers: [{ feature: "cpl_7d" }] },
      forecasts: [],
    });
    expect((body.recommendations as Array<{ id: string }>).map((r) => r.id)).toEqual(["r1"]);
    expect((body.anomalies as Array<{ date: string }>).map((a) => a.date)).toEqual([today]);

    const s2 = (await (await call("/v1/ml/entities/s2?config_id=2", { headers: bearer(p.admin) })).json()) as Record<string, unknown>;
    expect(s2).toMatchObject({ entity_type: "adset", parent_id: "c1", status: "paused", features: null, classification: null, recommendations: [], anomalies: [] });
  });

  it("answers 404 for an unknown entity or account, and 403 to another project's admin", async () => {
    const p = await newProject();
    const other = await newProject();
    await putEntities(p.admin, 2, [{ entity_type: "campaign", entity_id: "c1", name: "c", status: "active" }]);
    const missing = await call("/v1/ml/entities/c9?config_id=2", { headers: bearer(p.admin) });
    expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([404, "entity_not_found"]);
    expect((await call("/v1/ml/entities/c1?config_id=3", { headers: bearer(p.admin) })).status).toBe(404);
    expect((await call(`/v1/ml/entities/c1?config_id=2&project=${p.id}`, { headers: bearer(other.admin) })).status).toBe(403);
    expect((await call("/v1/ml/entities/c1?config_id=2", { headers: bearer(other.admin) })).status).toBe(404);
    expect((await call("/v1/ml/entities/c1", { headers: bearer(p.admin) })).status).toBe(400);
  });
});
