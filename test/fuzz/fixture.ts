// The fuzz fixture: one project and its credentials per test file, and turning a generated request plan into a Request.
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { ADMIN_TOKEN, BASE, hs256, newProject } from "../helpers/api";
import { bodyText, extraHeaders, type Body } from "./arbitraries";
import type { Sent } from "./fuzz-kit";

/** Who the request claims to be. The valid ones reach the handlers; the rest exercise authentication. */
export const CREDENTIALS = [
  "admin", "operator", "user", "none", "other_project_admin", "bad_signature", "expired", "bad_claims", "malformed",
  "wrong_scheme", "publishable_key", "unknown_key",
] as const;
export type CredentialKind = (typeof CREDENTIALS)[number];

/** Mostly a project admin (so handlers run), some operator and user, and every kind of wrong credential. */
export function credential(weights: Partial<Record<CredentialKind, number>> = {}): fc.Arbitrary<CredentialKind> {
  const defaults: Record<CredentialKind, number> = {
    admin: 24, operator: 3, user: 3, none: 1, other_project_admin: 1, bad_signature: 1, expired: 1, bad_claims: 1, malformed: 1, wrong_scheme: 1, publishable_key: 1, unknown_key: 1,
  };
  return fc.oneof(...CREDENTIALS.map((kind) => ({ weight: weights[kind] ?? defaults[kind], arbitrary: fc.constant(kind) })).filter((w) => w.weight > 0));
}

// Token pools, used round-robin: every JWT subject has its own rate-limit bucket, so spreading requests over many
// subjects keeps the property out of 429s, while a bounded pool bounds the number of rate-limiter objects.
const ADMIN_POOL = 256;
export const USER_POOL = 64;

export type Fixture = Awaited<ReturnType<typeof createFixture>>;

export async function createFixture(opts: { origins?: string[] } = {}) {
  const p = await newProject({ origins: opts.origins ?? ["https://app.example.com"] });
  const sign = (claims: Parameters<typeof hs256>[0], o?: Parameters<typeof hs256>[1]) => hs256(claims, o);
  const adminTokens = await Promise.all(Array.from({ length: ADMIN_POOL }, (_, i) => sign({ sub: `fuzz-admin-${i}`, role: "admin", project: p.id })));
  const userTokens = await Promise.all(Array.from({ length: USER_POOL }, (_, i) => sign({ sub: userSub(i), role: "user", project: p.id })));
  return {
    project: p.id,
    key: p.key,
    keyId: p.keyId,
    adminTokens,
    userTokens,
    otherProjectAdmin: await sign({ sub: "fuzz-other", role: "admin", project: "fuzz-other-project" }),
    badSignature: await sign({ sub: "fuzz-admin-0", role: "admin", project: p.id }, { secret: new TextEncoder().encode("not-the-secret-0123456789abcdef") }),
    expired: await sign({ sub: "fuzz-admin-0", role: "admin", project: p.id }, { expiresIn: Math.floor(Date.now() / 1000) - 120 }),
    badClaims: await sign({ sub: "fuzz-admin-0", role: "superuser", project: p.id }),
    next: 0,
    /** Generators name things that exist only once the fixture does by placeholder; `send` fills them in. */
    // A Map, not an object: a generated "toString" must not find Object.prototype's.
    placeholders: new Map<string, string>([[PROJECT, p.id], [KEY, p.key], [KEY_ID, p.keyId]]),
  };
}

export const userSub = (i: number) => `fuzz-user-${i}`;

export const PROJECT = "__project__";
export const KEY = "__key__";
export const KEY_ID = "__key_id__";

/** Replaces placeholders in a path, query values and JSON body strings (deeply). */
function fillIn<T>(value: T, placeholders: ReadonlyMap<string, string>): T {
  if (typeof value === "string") return (placeholders.get(value) ?? value) as T;
  if (Array.isArray(value)) return value.map((v) => fillIn(v, placeholders)) as T;
  // fromEntries defines own properties, so a generated "__proto__" key stays a key.
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillIn(v, placeholders)])) as T;
  return value;
}

/** The headers (and ?key=) a credential kind is presented with. `user` picks a token by index, so a plan can name whose it is. */
export function credentialHeaders(fx: Fixture, kind: CredentialKind, userIndex = 0): Record<string, string> {
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  switch (kind) {
    case "admin":
      return bearer(fx.adminTokens[fx.next++ % fx.adminTokens.length]!);
    case "operator":
      return bearer(ADMIN_TOKEN);
    case "user":
      return bearer(fx.userTokens[userIndex % fx.userTokens.length]!);
    case "none":
      return {};
    case "other_project_admin":
      return bearer(fx.otherProjectAdmin);
    case "bad_signature":
      return bearer(fx.badSignature);
    case "expired":
      return bearer(fx.expired);
    case "bad_claims":
      return bearer(fx.badClaims);
    case "malformed":
      return bearer("not.a.jwt");
    case "wrong_scheme":
      return { authorization: "Basic YWRtaW46YWRtaW4=" };
    case "publishable_key":
      return { "x-edgeloop-key": fx.key };
    case "unknown_key":
      return { "x-edgeloop-key": "pk_unknown_0000000000000000000000" };
  }
}

export type Plan = {
  /** The route template the counts are kept under, e.g. "GET /v1/exports/:id". */
  endpoint?: string;
  method: string;
  path: string;
  query?: { params: Array<[string, string]>; raw: string };
  headers?: Record<string, string>;
  credential: CredentialKind;
  userIndex?: number;
  body?: Body;
};

/** Sends a plan to the Worker as a client would; credentials are filled in at send time (tokens are not data). */
export async function send(fx: Fixture, generated: Plan): Promise<{ res: Response; sent: Sent }> {
  const plan: Plan = {
    ...generated,
    path: generated.path.split("/").map((segment) => fx.placeholders.get(segment) ?? segment).join("/"),
    query: generated.query && { ...generated.query, params: generated.query.params.map(([k, v]) => [k, fx.placeholders.get(v) ?? v]) },
    body:
      generated.body?.kind === "json"
        ? { kind: "json", value: fillIn(generated.body.value, fx.placeholders) }
        : generated.body?.kind === "huge"
          ? { ...generated.body, base: fillIn(generated.body.base, fx.placeholders) }
          : generated.body,
  };
  const qs = new URLSearchParams(plan.query?.params ?? []).toString() + (plan.query?.raw ?? "");
  const url = `${BASE}${plan.path}${qs ? `?${qs}` : ""}`;
  const headers = new Headers(plan.headers ?? {});
  for (const [k, v] of Object.entries(credentialHeaders(fx, plan.credential, plan.userIndex))) headers.set(k, v);
  const mayHaveBody = plan.method !== "GET" && plan.method !== "HEAD";
  const body = mayHaveBody && plan.body ? bodyText(plan.body) : undefined;
  const res = await exports.default.fetch(new Request(url, { method: plan.method, headers, body }));
  return { res, sent: { method: plan.method, url, endpoint: plan.endpoint, bodyBytes: body === undefined ? 0 : new TextEncoder().encode(body).length } };
}

/** A plan arbitrary for one route: the route's own path, query and body generators, with any headers and credential. */
export function planOf(parts: {
  endpoint?: string;
  method: fc.Arbitrary<string> | string;
  path: fc.Arbitrary<string> | string;
  query?: fc.Arbitrary<Plan["query"]>;
  body?: fc.Arbitrary<Body>;
  credential?: fc.Arbitrary<CredentialKind>;
  userIndex?: fc.Arbitrary<number>;
}): fc.Arbitrary<Plan> {
  const lift = (a: fc.Arbitrary<string> | string) => (typeof a === "string" ? fc.constant(a) : a);
  return fc.record({
    endpoint: fc.constant(parts.endpoint),
    method: lift(parts.method),
    path: lift(parts.path),
    query: parts.query ?? fc.constant(undefined),
    headers: extraHeaders as fc.Arbitrary<Record<string, string>>,
    credential: parts.credential ?? credential(),
    userIndex: parts.userIndex ?? fc.nat(USER_POOL - 1),
    body: parts.body ?? fc.constant(undefined),
  });
}
