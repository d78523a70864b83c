// Which ad account an ads route acts on: the caller's project (an admin's JWT, or ?project= for the operator) and a config_id in it.
import { z } from "zod";
import type { AppContext } from "../http/context";
import { ApiError } from "../http/errors";
import { reportProject } from "../reports/report-scope";
import type { AccountScope } from "./ads-store";

/** Seed 001's config_id: a positive integer naming one ad account. */
export const configIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe("The ad account (seed 001's config_id)");

/**
 * The project, checked as the reports check theirs (reportProject): 400 for the operator without ?project=, 403 for
 * another project's credentials, 404 if unknown.
 */
export async function adsProject(c: AppContext, requested: string | undefined): Promise<string> {
  return (await reportProject(c, requested)).projectId;
}

/** An account that must already hold entities (reads and ML runs): 404 ad_account_not_found otherwise. */
export async function existingAccount(c: AppContext, requested: string | undefined, configId: number): Promise<AccountScope> {
  const projectId = await adsProject(c, requested);
  const row = await c.env.DB.prepare("SELECT 1 AS found FROM ad_entities WHERE project_id = ?1 AND config_id = ?2 LIMIT 1").bind(projectId, configId).first();
  if (!row) throw new ApiError(404, "ad_account_not_found", `No ad account ${configId} in this project: send its entities first (PUT /v1/ads/entities)`, { config_id: configId });
  return { projectId, configId };
}
