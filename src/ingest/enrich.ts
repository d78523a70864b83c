// Server-side enrichment: receive time, country from `cf`, browser/OS/device from the User-Agent, and whose user id it is.
// ua-parser-js 1.x is a CommonJS module whose export is the parser itself.
import UAParser from "ua-parser-js";
import { hmacSha256Hex } from "../http/crypto";
import type { Principal } from "../http/principal";
import { assignEventId } from "./event-ids";
import type { EventRow } from "./event-schema";
import type { IdentifierField, ValidEvent } from "./validate-events";

export type RequestFacts = {
  receivedAt: number;
  country: string | null;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
};

/** Parsed once per request: every event in a batch shares its sender's device. The IP is never read here. */
export function requestFacts(userAgent: string | undefined, country: unknown, receivedAt: number): RequestFacts {
  const ua = userAgent ? new UAParser(userAgent).getResult() : undefined;
  return {
    receivedAt,
    country: typeof country === "string" && /^[A-Z0-9]{2}$/.test(country) ? country : null,
    browser: ua?.browser.name ?? null,
    os: ua?.os.name ?? null,
    // ua-parser-js leaves device.type empty for desktops, and also for curl, bots and server SDKs: only a UA with
    // a recognised browser or OS is called a desktop.
    deviceType: ua ? (ua.device.type ?? (ua.browser.name || ua.os.name ? "desktop" : null)) : null,
  };
}

/**
 * Whose event it is. A user's JWT speaks for itself only: its `sub` wins over the body. Admin tokens are backends
 * writing for many users (and historical imports), so their body user_id stands. A browser's key proves nothing
 * about identity: its user_id is kept, marked anonymous.
 */
export function resolveUser(principal: Principal, bodyUserId: string | undefined): { userId: string | null; identified: 0 | 1 } {
  const subject = tokenSubject(principal);
  if (subject !== undefined) return { userId: subject, identified: 1 };
  if (principal.kind === "publishable_key") return { userId: bodyUserId ?? null, identified: 0 };
  return bodyUserId ? { userId: bodyUserId, identified: 1 } : { userId: null, identified: 0 };
}

/** The user JWT's sub, which replaces any user_id in the body; undefined for other credentials. */
export function tokenSubject(principal: Principal): string | undefined {
  return principal.kind === "jwt" && principal.role === "user" ? principal.sub : undefined;
}

/** HMAC with the project in the input: the same person gets unlinkable ids in two projects. */
export function pseudonymizeUserId(salt: string, projectId: string, userId: string): Promise<string> {
  return hmacSha256Hex(salt, `${projectId}\u0000${userId}`);
}

const json = (obj: Record<string, unknown> | undefined) => (obj && Object.keys(obj).length > 0 ? JSON.stringify(obj) : null);

export async function toEventRow(
  valid: ValidEvent,
  projectId: string,
  principal: Principal,
  facts: RequestFacts,
  anonymizeSalt: string | null,
  idempotencyKey?: string,
  /** USER_ID_SALT, for the identifiers validation marked for pseudonymisation (valid.pseudonymize). */
  piiSalt: string | null = null,
): Promise<EventRow> {
  const e = valid.event;
  const { userId: resolvedUserId, identified } = resolveUser(principal, e.user_id);
  const marked = new Set(valid.pseudonymize ?? []);
  // An identifier marked as personal data is never stored in clear: without a salt this throws, and the request fails.
  const hide = async (field: IdentifierField, value: string | null | undefined): Promise<string | null> => {
    if (value === undefined || value === null || !marked.has(field)) return value ?? null;
    if (!piiSalt) throw new Error(`${field} must be pseudonymised but no USER_ID_SALT was given`);
    return pseudonymizeUserId(piiSalt, projectId, value);
  };
  const userId = resolvedUserId && anonymizeSalt ? await pseudonymizeUserId(anonymizeSalt, projectId, resolvedUserId) : await hide("user_id", resolvedUserId);
  return {
    event_id: (await hide("event_id", e.event_id)) ?? (await assignEventId(projectId, idempotencyKey, valid.index)),
    project_id: projectId,
    event_name: e.event_name,
    occurred_at: valid.occurredAt,
    received_at: facts.receivedAt,
    user_id: userId,
    user_identified: identified,
    client_session_id: await hide("client_session_id", e.client_session_id),
    request_id: await hide("request_id", e.request_id),
    resource_type: await hide("resource_type", e.resource_type),
    resource_id: await hide("resource_id", e.resource_id),
    decision_id: await hide("decision_id", e.decision_id),
    policy_id: await hide("policy_id", e.policy_id),
    src: await hide("src", e.src),
    context: json(e.context),
    properties: json(e.properties),
    country: facts.country,
    browser: facts.browser,
    os: facts.os,
    device_type: facts.deviceType,
  };
}
