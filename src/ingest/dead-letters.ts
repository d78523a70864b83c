// Dead letters: messages that could never be written, kept in D1 for an operator to read and replay.
import { and, desc, eq, inArray, isNull, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { MAX_BOUND_PARAMETERS } from "../db/multi-row-insert";
import { deadLetters } from "../db/schema";
import { chunkForSendBatch } from "./enqueue";
import { eventRowSchema } from "./event-schema";

export type DeadLetterInput = { queue: string; messageId: string; body: unknown; reason: string; attempts: number };

const encoder = new TextEncoder();
// 8 bound values a row; 12 rows keep an INSERT under D1's 100-parameter limit.
const ROWS_PER_INSERT = 12;
// A replay may name up to 1,000 ids: they are read and marked in chunks that leave room for the other parameters.
const IDS_PER_STATEMENT = MAX_BOUND_PARAMETERS - 10;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function projectIdOf(body: unknown): string | null {
  const id = body && typeof body === "object" ? (body as { project_id?: unknown }).project_id : undefined;
  return typeof id === "string" ? id : null;
}

/** Idempotent on (queue, message id): a dead letter delivered twice is stored once. */
export async function storeDeadLetters(db: Database, letters: DeadLetterInput[], now = Date.now()): Promise<void> {
  if (letters.length === 0) return;
  const rows = letters.map((l) => ({
    queue: l.queue,
    messageId: l.messageId,
    projectId: projectIdOf(l.body),
    body: JSON.stringify(l.body) ?? "null",
    reason: l.reason.slice(0, 1000),
    attempts: l.attempts,
    failedAt: now,
  }));
  const statements = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    statements.push(db.insert(deadLetters).values(rows.slice(i, i + ROWS_PER_INSERT)).onConflictDoNothing());
  }
  await db.batch(statements as [(typeof statements)[0], ...typeof statements]);
}

export function deadLetterView(row: typeof deadLetters.$inferSelect) {
  let body: unknown = row.body;
  try {
    body = JSON.parse(row.body);
  } catch {
    // Kept as text: a body that is not JSON is exactly what an operator needs to see.
  }
  return {
    id: row.id,
    queue: row.queue,
    message_id: row.messageId,
    project: row.projectId,
    reason: row.reason,
    attempts: row.attempts,
    failed_at: new Date(row.failedAt).toISOString(),
    replayed_at: row.replayedAt ? new Date(row.replayedAt).toISOString() : null,
    body,
  };
}

export async function listDeadLetters(db: Database, filter: { projectId?: string; includeReplayed: boolean; limit: number }) {
  const where: SQL[] = [];
  if (filter.projectId) where.push(eq(deadLetters.projectId, filter.projectId));
  if (!filter.includeReplayed) where.push(isNull(deadLetters.replayedAt));
  const rows = await db.select().from(deadLetters).where(and(...where)).orderBy(desc(deadLetters.id)).limit(filter.limit).all();
  return rows.map(deadLetterView);
}

/**
 * Sends dead letters back to their queue. Only bodies that are valid event rows are replayed (anything else would
 * die again); replay is safe to repeat because the consumer writes idempotently on event_id.
 */
export async function replayDeadLetters(db: Database, queues: Record<string, Queue<unknown>>, ids: number[], projectId?: string, now = Date.now()) {
  const rows: Array<typeof deadLetters.$inferSelect> = [];
  for (const chunk of chunks([...new Set(ids)], IDS_PER_STATEMENT)) {
    const where = [inArray(deadLetters.id, chunk), isNull(deadLetters.replayedAt)];
    if (projectId) where.push(eq(deadLetters.projectId, projectId));
    rows.push(...(await db.select().from(deadLetters).where(and(...where)).all()));
  }
  const replayed: number[] = [];
  const notReplayable: Array<{ id: number; reason: string }> = [];
  const bodiesByQueue = new Map<string, unknown[]>();
  for (const row of rows) {
    const parsed = eventRowSchema.safeParse(safeJson(row.body));
    if (!queues[row.queue]) notReplayable.push({ id: row.id, reason: `unknown queue '${row.queue}'` });
    else if (!parsed.success) notReplayable.push({ id: row.id, reason: "the body is not a valid event row" });
    else {
      bodiesByQueue.set(row.queue, [...(bodiesByQueue.get(row.queue) ?? []), parsed.data]);
      replayed.push(row.id);
    }
  }
  for (const [name, bodies] of bodiesByQueue) {
    for (const chunk of chunkForSendBatch(bodies, (b) => encoder.encode(JSON.stringify(b)).length)) {
      await queues[name]!.sendBatch(chunk.map((body) => ({ body, contentType: "json" as const })));
    }
  }
  // Marked after sending: a failure in between replays them again next time, which the consumer's idempotent writes allow.
  for (const chunk of chunks(replayed, IDS_PER_STATEMENT)) await db.update(deadLetters).set({ replayedAt: now }).where(inArray(deadLetters.id, chunk));
  const found = new Set(rows.map((r) => r.id));
  return { replayed, not_replayable: notReplayable, not_found: ids.filter((id) => !found.has(id)) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
