// The daily retention cron: raw events past EVENT_RETENTION_DAYS are deleted, newer ones kept.
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { purgeAnalyticsEvents } from "../../src/jobs/purge-analytics-events";
import { eventsOf, newProject } from "../helpers/api";

const DAY = 86_400_000;

async function seed(projectId: string, ages: number[], now: number) {
  for (const [i, age] of ages.entries()) {
    await env.DB.prepare("INSERT INTO events (event_id, project_id, event_name, occurred_at, received_at) VALUES (?1, ?2, 'page_view', ?3, ?3)")
      .bind(`${projectId}-${i}`, projectId, now - age * DAY)
      .run();
  }
}

describe("purge_analytics_events", () => {
  it("reports without deleting on a dry run, then deletes only events older than the window", async () => {
    const p = await newProject();
    const now = Date.UTC(2026, 10, 22, 3, 17);
    await seed(p.id, [1, 89, 91, 120, 400], now);
    const dry = await purgeAnalyticsEvents(env, { days: 90, dryRun: true, asOf: now });
    expect(dry.matched).toBeGreaterThanOrEqual(3);
    expect(await eventsOf(p.id)).toHaveLength(5);

    const scheduledTime = now;
    await worker.scheduled(createScheduledController({ cron: "17 3 * * *", scheduledTime }), env, createExecutionContext());
    expect((await eventsOf(p.id)).map((r) => r.event_id).sort()).toEqual([`${p.id}-0`, `${p.id}-1`]);
  });
});
