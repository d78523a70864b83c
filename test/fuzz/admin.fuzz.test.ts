// Fuzzing the decision routes, then the administration routes (projects, publishable keys, event names, jobs, dead
// letters), on one project: the jobs then find the decisions the first properties recorded.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { asOperator, json } from "../helpers/api";
import { anyJson, anyString, bodyOf, dateString, mostly, nearMiss, numberString, queryOf, segment } from "./arbitraries";
import { createFixture, credential, KEY_ID, planOf, PROJECT, send, type Fixture } from "./fixture";
import { decisionProperties } from "./decision-properties";
import { fuzzRoute, fuzzTimeout } from "./fuzz-kit";

const KEY_IDS = ["__key_id_1__", "__key_id_2__", "__key_id_3__"];
let fx: Fixture;

beforeAll(async () => {
  fx = await createFixture();
  // Spare keys to revoke, and dead letters to list and replay: one a valid event row, one that can never be replayed.
  for (const placeholder of KEY_IDS) {
    const res = await json(`/v1/admin/projects/${fx.project}/keys`, { allowed_origins: ["https://app.example.com"] }, asOperator);
    expect(res.status).toBe(201);
    fx.placeholders.set(placeholder, ((await res.json()) as { key_id: string }).key_id);
  }
  const row = { event_id: crypto.randomUUID(), project_id: fx.project, event_name: "page_view", occurred_at: Date.now(), received_at: Date.now(), user_id: null, user_identified: 0, client_session_id: null, request_id: null, resource_type: null, resource_id: null, decision_id: null, policy_id: null, src: null, context: null, properties: null, country: null, browser: null, os: null, device_type: null };
  const insert = env.DB.prepare("INSERT INTO dead_letters (queue, message_id, project_id, body, reason, attempts, failed_at) VALUES ('edgeloop-events', ?1, ?2, ?3, 'fuzz', 3, ?4)");
  await env.DB.batch([insert.bind("m-1", fx.project, JSON.stringify(row), Date.now()), insert.bind("m-2", fx.project, "not json", Date.now()), insert.bind("m-3", null, "{}", Date.now())]);
}, 60_000);

const projectSegment = segment(fc.constant(PROJECT));
const projectIds = fc.constantFrom("fuzz-p0", "fuzz-p1", "fuzz-p2");
const TIME_ZONES = ["UTC", "Etc/UTC", "America/Sao_Paulo", "Europe/Berlin", "Asia/Kathmandu", "Pacific/Kiritimati", "Etc/GMT+12", "America/St_Johns", "Australia/Lord_Howe"];
// Mostly a pool of names: every name added is listed by later requests, so fresh names at every run would slow them.
const eventName = mostly(fc.nat(199).map((i) => `fuzz_n${i}`), fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/), 9);

decisionProperties(() => fx);

describe("fuzz: admin", () => {
  it("admin projects: POST, GET list, GET one, PATCH", { timeout: fuzzTimeout() }, async (ctx) => {
    // Only the operator creates and lists projects, so it is a third of the credentials here; more would spend its
    // 600 requests a minute (ADMIN_RATE_LIMIT_PER_MINUTE) and turn a 10,000-run property into 429s.
    const creds = credential({ operator: 8, admin: 16 });
    const create = fc.record({ id: projectIds, name: fc.string({ minLength: 1, maxLength: 40 }), ingest_rate_limit_per_minute: fc.integer({ min: 1, max: 100_000 }) }, { requiredKeys: ["id", "name"] });
    // Quotas stay high: a quota of 1 would turn the rest of the file's requests with this project's keys into 429s.
    const patch = fc.record(
      { name: fc.string({ minLength: 1, maxLength: 40 }), time_zone: fc.constantFrom(...TIME_ZONES), signup_event: fc.option(fc.constantFrom("form_submit", "page_view")), ingest_rate_limit_per_minute: fc.option(fc.integer({ min: 10_000, max: 100_000 })) },
      { requiredKeys: [] },
    );
    const plan = fc.oneof(
      { weight: 2, arbitrary: planOf({ endpoint: "POST /v1/admin/projects", method: "POST", path: "/v1/admin/projects", body: bodyOf(create, nearMiss(create, ["id", "name", "ingest_rate_limit_per_minute"])), credential: creds }) },
      { weight: 1, arbitrary: planOf({ endpoint: "GET /v1/admin/projects", method: "GET", path: "/v1/admin/projects", credential: creds }) },
      { weight: 1, arbitrary: planOf({ endpoint: "GET /v1/admin/projects/:project", method: "GET", path: segment(fc.oneof(fc.constant(PROJECT), projectIds)).map((p) => `/v1/admin/projects/${p}`), credential: creds }) },
      {
        weight: 2,
        arbitrary: planOf({ endpoint: "PATCH /v1/admin/projects/:project", method: "PATCH", path: projectSegment.map((p) => `/v1/admin/projects/${p}`), body: bodyOf(patch, nearMiss(patch, ["name", "time_zone", "signup_event", "ingest_rate_limit_per_minute"])), credential: creds }),
      },
    );
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { min2xxShare: 0.1 });
  });

  it("admin keys: POST, GET, DELETE", { timeout: fuzzTimeout() }, async (ctx) => {
    const origin = mostly(fc.constantFrom("https://app.example.com", "http://localhost:3000", "*", "https://sub.example.org:8443"), fc.oneof(anyString, fc.constantFrom("https://a.example/", "https://a.example/path", "ftp://x", "null", "https://ÿ.example", "https://xn--bcher-kva.example")));
    const create = fc.record({ label: fc.string({ maxLength: 40 }), allowed_origins: fc.array(origin, { maxLength: 5 }) }, { requiredKeys: ["allowed_origins"] });
    const keyId = segment(fc.oneof(fc.constantFrom(...KEY_IDS, KEY_ID), fc.uuid()));
    const plan = fc.oneof(
      { weight: 3, arbitrary: planOf({ endpoint: "POST /v1/admin/projects/:project/keys", method: "POST", path: projectSegment.map((p) => `/v1/admin/projects/${p}/keys`), body: bodyOf(create, nearMiss(create, ["label", "allowed_origins"])) }) },
      { weight: 1, arbitrary: planOf({ endpoint: "GET /v1/admin/projects/:project/keys", method: "GET", path: projectSegment.map((p) => `/v1/admin/projects/${p}/keys`) }) },
      { weight: 1, arbitrary: planOf({ endpoint: "DELETE /v1/admin/projects/:project/keys/:key_id", method: "DELETE", path: fc.tuple(projectSegment, keyId).map(([p, k]) => `/v1/admin/projects/${p}/keys/${k}`) }) },
    );
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { min2xxShare: 0.1 });
  });

  it("admin event names: GET, POST", { timeout: fuzzTimeout() }, async (ctx) => {
    const add = fc.record({ event_names: fc.array(fc.record({ name: eventName, description: fc.string({ maxLength: 60 }) }, { requiredKeys: ["name"] }), { minLength: 1, maxLength: 8 }) });
    const plan = fc.oneof(
      { weight: 1, arbitrary: planOf({ endpoint: "GET /v1/admin/projects/:project/event-names", method: "GET", path: projectSegment.map((p) => `/v1/admin/projects/${p}/event-names`) }) },
      {
        weight: 2,
        arbitrary: planOf({
          endpoint: "POST /v1/admin/projects/:project/event-names",
          method: "POST",
          path: projectSegment.map((p) => `/v1/admin/projects/${p}/event-names`),
          body: bodyOf(add, fc.oneof(nearMiss(add, ["event_names"]), fc.record({ event_names: fc.array(fc.record({ name: anyString, description: anyJson }), { maxLength: 3 }) }), fc.constant({ event_names: Array.from({ length: 501 }, (_, i) => ({ name: `n${i}` })) }))),
        }),
      },
    );
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { min2xxShare: 0.1 });
  });

  it("admin jobs: POST /v1/admin/jobs/:name, GET runs", { timeout: fuzzTimeout() }, async (ctx) => {
    const asOf = fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.integer({ min: 0, max: 8.64e15 }), fc.constantFrom("2026-11-11T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"));
    const project = mostly(fc.constant(PROJECT), anyString, 6);
    // Each job's parameters as its schema takes them (a project is always named, so a run stays small).
    const jobs = fc.oneof(
      fc.record({ name: fc.constantFrom("build_bandit_dataset", "build-bandit-dataset"), params: fc.record({ project, decision_type: fc.constantFrom("image_pregen"), as_of: asOf, page_size: fc.integer({ min: 1, max: 2000 }), max_pages: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: ["project"] }) }),
      fc.record({ name: fc.constant("rebuild_bandit_stats"), params: fc.record({ project, decision_type: fc.constant("image_pregen"), policy_id: fc.constantFrom("image_pregen_bandit_v1", "nope"), as_of: asOf, half_life_days: fc.double({ min: 0.01, max: 365, noNaN: true }), min_fresh_outcomes: fc.nat(10) }, { requiredKeys: ["project"] }) }),
      fc.record({ name: fc.constant("purge_analytics_events"), params: fc.record({ project, days: fc.integer({ min: 1, max: 3650 }), dry_run: fc.boolean(), as_of: asOf }, { requiredKeys: ["project"] }) }),
      fc.record({ name: fc.constant("rollup_daily_metrics"), params: fc.record({ project, date: dateString, days: fc.integer({ min: 1, max: 14 }), as_of: asOf }, { requiredKeys: ["project"] }) }),
      fc.record({ name: fc.constant("build_export"), params: fc.record({ project, export_id: fc.oneof(fc.uuid(), anyString), rows_per_invocation: fc.integer({ min: 1, max: 100 }), xlsx_rows_per_sheet: fc.integer({ min: 2, max: 100 }), as_of: asOf }, { requiredKeys: ["export_id"] }) }),
      fc.record({ name: fc.constant("purge_expired_exports"), params: fc.record({ project, dry_run: fc.boolean(), as_of: asOf }, { requiredKeys: ["project"] }) }),
    );
    const run = jobs.chain(({ name, params }) =>
      planOf({
        endpoint: "POST /v1/admin/jobs/:name",
        method: "POST",
        path: segment(fc.constant(name)).map((n) => `/v1/admin/jobs/${n}`),
        body: bodyOf(fc.constant({ params }), fc.oneof(nearMiss(fc.constant(params), Object.keys(params)).map((p) => ({ params: p })), nearMiss(fc.constant({ params }), ["params"]))),
        credential: credential({ operator: 4 }),
      }),
    );
    const plan = fc.oneof(
      { weight: 3, arbitrary: run },
      { weight: 1, arbitrary: planOf({ endpoint: "GET /v1/admin/jobs/runs", method: "GET", path: "/v1/admin/jobs/runs", query: queryOf({ job: mostly(fc.constantFrom("rollup_daily_metrics", "build-export", "nope"), anyString), limit: mostly(fc.integer({ min: 1, max: 500 }).map(String), numberString) }) }) },
    );
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { min2xxShare: 0.1 });
  });

  it("admin dead letters: GET, POST replay", { timeout: fuzzTimeout() }, async (ctx) => {
    const project = mostly(fc.constant(PROJECT), anyString, 3);
    // Short lists of real ids mostly; sometimes as long as the schema allows (1,000), past D1's 100 bound parameters.
    const ids = fc.oneof({ weight: 4, arbitrary: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 1, max: 2 ** 31 }), { minLength: 90, maxLength: 1000 }) });
    const replay = fc.record({ ids });
    const plan = fc.oneof(
      {
        weight: 1,
        arbitrary: planOf({
          endpoint: "GET /v1/admin/dead-letters",
          method: "GET",
          path: "/v1/admin/dead-letters",
          query: queryOf({ project, include_replayed: mostly(fc.constantFrom("true", "false"), anyString), limit: mostly(fc.integer({ min: 1, max: 500 }).map(String), numberString) }),
          credential: credential({ operator: 4 }),
        }),
      },
      {
        weight: 1,
        arbitrary: planOf({ endpoint: "POST /v1/admin/dead-letters/replay", method: "POST", path: "/v1/admin/dead-letters/replay", query: queryOf({ project }), body: bodyOf(replay, nearMiss(replay, ["ids"])), credential: credential({ operator: 4 }) }),
      },
    );
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { min2xxShare: 0.1 });
  });
});
