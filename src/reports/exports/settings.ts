// Export settings with their defaults, from the zod-parsed configuration.
import { config, type Env } from "../../env";
import { ApiError } from "../../http/errors";

export const EXPORT_DEFAULTS = { retentionDays: 7, linkTtlSeconds: 3600, directMaxRows: 100_000 } as const;

export function exportSettings(env: Env) {
  const c = config(env);
  return {
    retentionDays: c.EXPORT_RETENTION_DAYS ?? EXPORT_DEFAULTS.retentionDays,
    linkTtlSeconds: c.EXPORT_LINK_TTL_SECONDS ?? EXPORT_DEFAULTS.linkTtlSeconds,
    directMaxRows: c.EXPORT_DIRECT_MAX_ROWS ?? EXPORT_DEFAULTS.directMaxRows,
    maxRangeDays: c.REPORT_MAX_RANGE_DAYS,
  };
}

/** Any deployment secret will do as the root: the signing key is derived from it, so it signs nothing else. */
export function signingSecret(env: Env): string {
  const c = config(env);
  const secret = c.EXPORT_SIGNING_SECRET ?? c.USER_ID_SALT ?? c.JWT_SECRET ?? c.ADMIN_TOKEN;
  if (!secret) throw new ApiError(503, "exports_not_configured", "Download links need a secret: set EXPORT_SIGNING_SECRET");
  return secret;
}
