// Download links the Worker signs itself (R2 presigns only on its S3 API): /v1/downloads/<id>?expires=<epoch s>&sig=<hex>.
import { derivedHmacKey, hmacHex, secretEquals } from "../../http/crypto";
import { ApiError } from "../../http/errors";

/**
 * sig = HMAC-SHA256(k, "<export_id>:<expires>") with k = HKDF-SHA256(secret, info = PURPOSE): the fallback secrets
 * also key other things (JWTs, pseudonymous user ids, IP rate-limit names), and the derived key keeps them from ever
 * signing a link, and a link's signature from being valid anywhere else.
 */
export const DOWNLOAD_LINK_PURPOSE = "edgeloop/export-download-link/v1";

async function signature(secret: string, exportId: string, expires: number): Promise<string> {
  return hmacHex(await derivedHmacKey(secret, DOWNLOAD_LINK_PURPOSE), `${exportId}:${expires}`);
}

/** The one spelling of an expiry that is accepted: the decimal the link was made with (no sign, no leading zero). */
const CANONICAL_EXPIRES = /^[1-9]\d{0,11}$/;

export async function signedDownloadPath(secret: string, exportId: string, expires: number): Promise<string> {
  return `/v1/downloads/${encodeURIComponent(exportId)}?expires=${expires}&sig=${await signature(secret, exportId, expires)}`;
}

/**
 * 403 for a link that is not ours, altered, or expired. The signature is checked first and in constant time,
 * so an altered link learns nothing, not even whether it had expired.
 */
export async function verifyDownloadLink(secret: string, exportId: string, expires: string | undefined, sig: string | undefined, nowMs: number): Promise<void> {
  const wellFormed = !!expires && CANONICAL_EXPIRES.test(expires) && !!sig && /^[0-9a-f]{64}$/.test(sig);
  if (!wellFormed || !(await secretEquals(sig, await signature(secret, exportId, Number(expires))))) {
    throw new ApiError(403, "invalid_signature", "This download link is not valid: ask for a new one with GET /v1/exports/{id}");
  }
  if (Number(expires) * 1000 <= nowMs) {
    throw new ApiError(403, "link_expired", "This download link has expired: ask for a new one with GET /v1/exports/{id}");
  }
}
