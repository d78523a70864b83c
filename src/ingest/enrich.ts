// Server-side enrichment: receive time, country from `cf`, browser/OS/device from the User-Agent, and whose user id it is.
// ua-parser-js 1.x is a CommonJS module whose export is the parser itself.
import UAParser from "ua-parser-js";
import { hmacSha256Hex } from "../http/crypto";
import type { Principal } from "../http/principal";
import { assignEventId } from "./event-ids";
import type { EventRow } from "./event-schema";
import type { ValidEvent } from "./validate-events";

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
  if (principal.kind === "jwt" && principal.role === "user") return { userId: principal.sub, identified: 1 };
  if (principal.kind === "publishable_key") return { userId: bodyUserId ?? null, identified: 0 };
  return bodyUserId ? { userId: bodyUserId, identified: 1 } : { userId: null, identified: 0 };
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
): Promise<EventRow> {
  const e = valid.event;
  const { userId, identified } = resolveUser(principal, e.user_id);
  return {
    event_id: e.event_id ?? (await assignEventId(projectId, idempotencyKey, valid.index)),
    project_id: projectId,
    event_name: e.event_name,
    occurred_at: valid.occurredAt,
    received_at: facts.receivedAt,
    user_id: userId && anonymizeSalt ? await pseudonymizeUserId(anonymizeSalt, projectId, userId) : userId,
    user_identified: identified,
    client_session_id: e.client_session_id ?? null,
    request_id: e.request_id ?? null,
    resource_type: e.resource_type ?? null,
    resource_id: e.resource_id ?? null,
    decision_id: e.decision_id ?? null,
    policy_id: e.policy_id ?? null,
    src: e.src ?? null,
    context: json(e.context),
    properties: json(e.properties),
    country: facts.country,
    browser: facts.browser,
    os: facts.os,
    device_type: facts.deviceType,
  };
}
