// The anti-PII guard on a decision request: its identifiers are refused or pseudonymised per project, its context checked.
import { ApiError } from "../http/errors";
import { pseudonymizeUserId } from "../ingest/enrich";
import { checkFlatObject } from "../ingest/pii-guard";
import { screenIdentifier, type PiiSettings } from "../ingest/pii/identifiers";
import type { DecideRequest } from "./decide";

/** The identifiers a decision stores (decision_type must name an existing type, so it cannot carry data). */
export const DECISION_IDENTIFIER_FIELDS = ["unit_id", "request_id", "resource_type", "resource_id"] as const;

/**
 * Returns the request as it may be stored: an identifier that looks like personal data is replaced by its HMAC under
 * `pseudonymize` (deterministic, so request_id idempotency and unit_id assignment still hold), or answered 400
 * `pii_value` under `refuse` or without a salt. Runs before the idempotency lookup, which must see the stored form.
 */
export async function screenIdentifiers(req: DecideRequest, pii: PiiSettings, projectId: string, salt: string | undefined): Promise<DecideRequest> {
  const out: DecideRequest = { ...req };
  for (const field of DECISION_IDENTIFIER_FIELDS) {
    const value = req[field];
    const verdict = screenIdentifier(field, value, pii.identifierMode, salt !== undefined);
    if (verdict.action === "refuse") throw new ApiError(400, "pii_value", verdict.message);
    if (verdict.action === "pseudonymize") out[field] = await pseudonymizeUserId(salt!, projectId, value!);
  }
  return out;
}

/** The context is never pseudonymised: personal data in it is refused (400 with the first violation's code). */
export function checkContext(context: Record<string, unknown>, pii: PiiSettings): void {
  const violation = checkFlatObject("context", context, { allowedKeys: pii.allowedKeys })[0];
  if (violation) throw new ApiError(400, violation.code, violation.message);
}
