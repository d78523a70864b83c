// Projects: the tenant every event, decision and report belongs to.
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { eventNames, projects } from "../db/schema";
import { ApiError } from "../http/errors";
import { DEFAULT_EVENT_NAMES } from "./default-event-names";
import { forgetProjectRegistry } from "./event-names";

export type Project = typeof projects.$inferSelect;

/** Creates a project with the default event names. Creating an existing id is a no-op that returns it (idempotent). */
export async function createProject(db: Database, input: { id: string; name: string; ingestRateLimitPerMinute?: number | null }, now = Date.now()) {
  const row = { id: input.id, name: input.name, ingestRateLimitPerMinute: input.ingestRateLimitPerMinute ?? null, createdAt: now };
  await db.batch([
    db.insert(projects).values(row).onConflictDoNothing(),
    db
      .insert(eventNames)
      .values(DEFAULT_EVENT_NAMES.map((e) => ({ projectId: input.id, name: e.name, description: e.description, createdAt: now })))
      .onConflictDoNothing(),
  ]);
  return (await getProject(db, input.id))!;
}

export async function getProject(db: Database, id: string): Promise<Project | undefined> {
  return db.select().from(projects).where(eq(projects.id, id)).get();
}

export async function requireProject(db: Database, id: string): Promise<Project> {
  const project = await getProject(db, id);
  if (!project) throw new ApiError(404, "project_not_found", `No project '${id}'`);
  return project;
}

/** Only the given fields change; undefined leaves a field as it is, null clears it. */
export async function updateProject(
  db: Database,
  id: string,
  changes: {
    name?: string;
    timeZone?: string;
    signupEvent?: string | null;
    ingestRateLimitPerMinute?: number | null;
    piiIdentifiers?: string;
    /** Stored as a JSON array. */
    piiAllowedKeys?: string[];
  },
): Promise<Project> {
  const { piiAllowedKeys, ...rest } = changes;
  const set = Object.fromEntries(
    Object.entries({ ...rest, piiAllowedKeys: piiAllowedKeys && JSON.stringify(piiAllowedKeys) }).filter(([, v]) => v !== undefined),
  );
  if (Object.keys(set).length > 0) {
    await db.update(projects).set(set).where(eq(projects.id, id));
    forgetProjectRegistry(id);
  }
  return requireProject(db, id);
}

export async function listProjects(db: Database): Promise<Project[]> {
  return db.select().from(projects).orderBy(projects.id).all();
}
