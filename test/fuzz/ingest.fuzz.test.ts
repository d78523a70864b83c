// Fuzzing the ingest routes (any body, query, header and credential gets a 2xx or a 4xx in the one error shape, and
// valid events beside invalid ones are still accepted, each invalid one rejected by its index), then the public
// operations routes and the router itself.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { anyString, bodyOf, CONTENT_TYPES, headerValue, mostly, queryOf, type Body } from "./arbitraries";
import { createFixture, credential, KEY, planOf, PROJECT, send, type Fixture } from "./fixture";
import { fuzzRoute, fuzzTimeout, type Answer } from "./fuzz-kit";
import { invalidEvent, validEvent, type GeneratedEvent } from "./ingest-events";
import { opsProperties } from "./ops-properties";

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});

const ingestCredential = credential({ publishable_key: 8, admin: 6, operator: 2, user: 3 });

/** A valid ingest body (one event, an array, or {batch}), a near miss of one, or any of the generic bad bodies. */
const ingestBody: fc.Arbitrary<Body> = bodyOf(
  fc.oneof(
    validEvent,
    fc.array(fc.oneof({ weight: 3, arbitrary: validEvent }, { weight: 1, arbitrary: invalidEvent }), { minLength: 1, maxLength: 6 }),
    fc.record({ batch: fc.array(validEvent, { maxLength: 4 }), historical_migration: fc.boolean() }, { requiredKeys: ["batch"] }),
  ),
  fc.oneof(
    invalidEvent,
    fc.record({ batch: fc.oneof(anyString, fc.array(invalidEvent, { maxLength: 3 })), historical_migration: fc.oneof(fc.boolean(), anyString) }, { requiredKeys: [] }),
    fc.array(invalidEvent, { maxLength: 3 }),
  ),
);

/** A 202 says how many events it took and lists their ids in request order. */
function checkAccepted(answer: Answer) {
  if (answer.status !== 202) return;
  const body = answer.json as { accepted: number; rejected: Array<{ index: number; code: string }>; event_ids: string[] };
  expect(body.accepted).toBeGreaterThan(0);
  expect(body.event_ids).toHaveLength(body.accepted);
  for (const r of body.rejected) expect(typeof r.code).toBe("string");
}

describe("fuzz: ingest", () => {
  it("POST /v1/events", { timeout: fuzzTimeout() }, async (ctx) => {
    const plan = planOf({
      method: "POST",
      path: "/v1/events",
      query: queryOf({ project: mostly(fc.constant(PROJECT), anyString), historical_migration: mostly(fc.constantFrom("true", "false"), anyString) }),
      body: ingestBody,
      credential: ingestCredential,
    });
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { check: (_, a) => checkAccepted(a), min2xxShare: 0.1 });
  });

  it("POST /v1/collect", { timeout: fuzzTimeout() }, async (ctx) => {
    // sendBeacon's shape: a text/plain body and the key in ?key=.
    const plan = planOf({
      method: "POST",
      path: "/v1/collect",
      query: queryOf({ key: mostly(fc.constant(KEY), anyString), project: mostly(fc.constant(PROJECT), anyString) }),
      body: ingestBody,
      credential: credential({ none: 8, publishable_key: 3, admin: 3 }),
    }).map((p) => ({ ...p, headers: { ...p.headers, "content-type": p.headers?.["content-type"] === undefined ? "text/plain;charset=UTF-8" : p.headers["content-type"] } }));
    await fuzzRoute(ctx, plan, (p) => send(fx, p), { check: (_, a) => checkAccepted(a), min2xxShare: 0.1 });
  });

  it("OPTIONS /v1/events, /v1/collect (preflight)", { timeout: fuzzTimeout() }, async (ctx) => {
    const plan = planOf({
      method: "OPTIONS",
      path: fc.constantFrom("/v1/events", "/v1/collect"),
      query: queryOf({ key: mostly(fc.constant(KEY), anyString) }),
      credential: fc.constant("none"),
    });
    await fuzzRoute(ctx, plan, (p) => send(fx, p));
  });

  it("POST /v1/events: valid events beside invalid ones", { timeout: fuzzTimeout() }, async (ctx) => {
    const mixed = fc
      .record({
        valid: fc.array(validEvent, { minLength: 1, maxLength: 4 }),
        invalid: fc.array(invalidEvent, { maxLength: 4 }),
        order: fc.array(fc.nat(), { maxLength: 8 }),
        wrapped: fc.boolean(),
        credential: fc.constantFrom("publishable_key", "admin", "operator", "user") as fc.Arbitrary<"publishable_key" | "admin" | "operator" | "user">,
        contentType: fc.constantFrom(...CONTENT_TYPES),
        idempotencyKey: fc.option(headerValue.filter((v) => v.trim() !== "")),
      })
      .map(({ valid, invalid, order, ...rest }) => {
        // Interleave deterministically from `order`, so shrinking keeps a readable batch.
        const items: Array<{ valid: boolean; event: unknown }> = [...valid.map((event) => ({ valid: true, event })), ...invalid.map((event) => ({ valid: false, event }))];
        const shuffled = items.map((item, i) => ({ item, k: order[i] ?? i })).sort((a, b) => a.k - b.k).map((x) => x.item);
        return { items: shuffled, ...rest };
      });
    await fuzzRoute(
      ctx,
      mixed,
      (m) => {
        const events = m.items.map((i) => i.event);
        return send(fx, {
          method: "POST",
          path: "/v1/events",
          query: { params: m.credential === "operator" ? [["project", PROJECT]] : [], raw: "" },
          headers: { "content-type": m.contentType, ...(m.idempotencyKey === null ? {} : { "idempotency-key": m.idempotencyKey }) },
          credential: m.credential,
          body: { kind: "json", value: m.wrapped ? { batch: events } : events },
        });
      },
      {
        min2xxShare: 0.9,
        check: (m, answer) => {
          expect(answer.status, answer.text).toBe(202);
          const body = answer.json as { accepted: number; rejected: Array<{ index: number; code: string }>; event_ids: string[] };
          const validAt = m.items.flatMap((item, index) => (item.valid ? [index] : []));
          const invalidAt = m.items.flatMap((item, index) => (item.valid ? [] : [index]));
          expect(body.accepted).toBe(validAt.length);
          expect(body.rejected.map((r) => r.index)).toEqual(invalidAt);
          expect(body.event_ids).toHaveLength(validAt.length);
          // A client's own event_id comes back at the event's place among the accepted ones.
          validAt.forEach((index, k) => {
            const id = (m.items[index]!.event as GeneratedEvent).event_id;
            if (id !== undefined) expect(body.event_ids[k]).toBe(id);
          });
        },
      },
    );
  });
});

opsProperties(() => fx);
