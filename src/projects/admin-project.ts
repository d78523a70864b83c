// The project an admin route acts on: 403 for anyone but its admins and the operator, 404 when it does not exist.
import { database } from "../db/client";
import type { AppContext } from "../http/context";
import { requireProjectAdmin } from "../http/principal";
import { requireProject, type Project } from "./projects";

export async function adminProject(c: AppContext, project: string): Promise<Project> {
  requireProjectAdmin(c.get("principal"), project);
  return requireProject(database(c.env.DB), project);
}
