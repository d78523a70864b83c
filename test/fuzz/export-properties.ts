// Fuzz properties for the export routes: queueing an export, reading its status, and the public, signed download link.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer } from "../helpers/api";
import { waitForExport } from "../reports/exports-helpers";
import { anyString, bodyOf, dateRangeQuery, mostly, nearMiss, numberString, queryOf, segment } from "./arbitraries";
import { credential, planOf, PROJECT, send, type Fixture } from "./fixture";
import { fuzzRoute, fuzzTimeout } from "./fuzz-kit";
import { REGISTERED } from "./ingest-events";

const EXPORT = "__export__";
const EXPIRES = "__expires__";
const SIG = "__sig__";

const project = mostly(fc.constant(PROJECT), anyString, 6);

/** A body the schema accepts (event_name only filters events exports); near misses come from nearMiss. */
const exportBody = fc
  .tuple(
    fc.record({ report_type: fc.constantFrom("events", "metrics", "cohorts"), format: fc.constantFrom("csv", "xlsx"), event_name: fc.option(fc.constantFrom(...REGISTERED), { nil: undefined }) }),
    dateRangeQuery,
  )
  .map(([{ event_name, ...body }, range]) => ({ ...body, ...range, ...(body.report_type === "events" && event_name !== undefined ? { event_name } : {}) }));

/** Registers the properties; `fixture` is read when they run. Needs events in the fixture's project (one export is built from them). */
export function exportProperties(fixture: () => Fixture) {
  describe("fuzz: exports", () => {
    beforeAll(async () => {
      const fx = fixture();
      const now = Date.now();
      // One finished export, so the status route and the signed download link have something real to serve.
      const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString().slice(0, 10);
      const posted = await send(fx, { method: "POST", path: "/v1/exports", credential: "admin", headers: { "content-type": "application/json" }, body: { kind: "json", value: { report_type: "events", format: "csv", from: day(-3), to: day(0) } } });
      expect(posted.res.status).toBe(202);
      const id = ((await posted.res.json()) as { export_id: string }).export_id;
      const view = await waitForExport(id, bearer(fx.adminTokens[0]!));
      expect(view.status).toBe("done");
      const link = new URL(view.download_url!);
      fx.placeholders.set(EXPORT, id);
      fx.placeholders.set(EXPIRES, link.searchParams.get("expires")!);
      fx.placeholders.set(SIG, link.searchParams.get("sig")!);
    }, 90_000);


    it("POST /v1/exports, GET /v1/exports/:id", { timeout: fuzzTimeout() }, async (ctx) => {
      const plan = fc.oneof(
        {
          weight: 2,
          arbitrary: planOf({ endpoint: "POST /v1/exports", method: "POST", path: "/v1/exports", query: queryOf({ project }), body: bodyOf(exportBody, nearMiss(exportBody, ["report_type", "format", "from", "to", "event_name"])) }),
        },
        {
          weight: 1,
          arbitrary: planOf({ endpoint: "GET /v1/exports/:id", method: "GET", path: segment(mostly(fc.constant(EXPORT), fc.uuid())).map((id) => `/v1/exports/${id}`), query: queryOf({ project }) }),
        },
      );
      await fuzzRoute(ctx, plan, (p) => send(fixture(), p), { min2xxShare: 0.1 });
    });

    it("GET /v1/downloads/:export_id (signed link)", { timeout: fuzzTimeout() }, async (ctx) => {
      // The link is the credential: any Authorization is beside the point, so most requests carry none.
      const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
      const plan = planOf({
        endpoint: "GET /v1/downloads/:export_id",
        method: fc.constantFrom("GET", "GET", "GET", "HEAD"),
        path: segment(mostly(fc.constant(EXPORT), fc.uuid())).map((id) => `/v1/downloads/${id}`),
        query: queryOf({ expires: mostly(fc.constant(EXPIRES), fc.oneof(numberString, anyString)), sig: mostly(fc.constant(SIG), fc.oneof(hex, anyString)) }),
        credential: credential({ none: 20 }),
      });
      await fuzzRoute(ctx, plan, (p) => send(fixture(), p), { min2xxShare: 0.1 });
    });
  });
}
