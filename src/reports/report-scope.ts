// Who may read a project's reports, and in which time zone its days are cut.
import type { AppContext } from "../http/context";
import { projectOf, requireProjectAdmin } from "../http/principal";
import { database } from "../db/client";
import { requireProject } from "../projects/projects";

export async function reportProject(c: AppContext, requested: string | undefined) {
  const principal = c.get("principal");
  const projectId = projectOf(principal, requested);
  requireProjectAdmin(principal, projectId);
  const project = await requireProject(database(c.env.DB), projectId);
  return { projectId, timeZone: project.timeZone };
}
