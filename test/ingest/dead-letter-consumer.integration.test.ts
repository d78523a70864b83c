// The dead-letter consumer waits out a D1 outage with backoff instead of spending its 100 deliveries at once.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deadLetterRetryDelaySeconds } from "../../src/ingest/consumer";
import { newProject } from "../helpers/api";
import { deliver, messages } from "../helpers/queue";

const letter = (projectId: string) => ({ event_id: crypto.randomUUID(), project_id: projectId, event_name: "page_view" });

const storedFor = async (projectId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM dead_letters WHERE project_id = ?1").bind(projectId).first<{ n: number }>())!.n;

describe("dead-letter consumer during a D1 outage", () => {
  it("backs off 30 s doubling to an hour, covering almost four days over its 100 deliveries", () => {
    expect([1, 2, 3, 7, 8, 50, 100].map(deadLetterRetryDelaySeconds)).toEqual([30, 60, 120, 1920, 3600, 3600, 3600]);
    const total = Array.from({ length: 99 }, (_, i) => deadLetterRetryDelaySeconds(i + 1)).reduce((a, b) => a + b, 0);
    expect(total / 3600).toBeGreaterThan(90);
  });

  for (const queue of ["edgeloop-events-dlq", "edgeloop-jobs-dlq"]) {
    it(`${queue}: retries every message with the backoff delay when D1 refuses, then stores them once D1 is back`, async () => {
      const p = await newProject();
      const dlqMessages = messages([letter(p.id), letter(p.id), letter(p.id)], 4);
      // A real D1 failure: the table is briefly missing.
      await env.DB.exec("ALTER TABLE dead_letters RENAME TO dead_letters_offline");
      let during;
      try {
        during = await deliver(queue, dlqMessages);
      } finally {
        await env.DB.exec("ALTER TABLE dead_letters_offline RENAME TO dead_letters");
      }
      expect(during!.ackAll).toBe(false);
      expect(during!.explicitAcks).toEqual([]);
      expect(during!.retryMessages.map((r) => r.msgId).sort()).toEqual(dlqMessages.map((m) => m.id).sort());
      expect(during!.delays).toEqual([240, 240, 240]);
      expect(await storedFor(p.id)).toBe(0);

      const after = await deliver(queue, dlqMessages.map((m) => ({ ...m, attempts: 5 })));
      expect(after.ackAll).toBe(true);
      expect(after.retryMessages).toEqual([]);
      expect(await storedFor(p.id)).toBe(3);
    });
  }
});
