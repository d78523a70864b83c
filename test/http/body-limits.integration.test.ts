// Every route's body is read once through a size check: 413 naming the limit before buffering past it, gzip counted
// decompressed, malformed JSON refused, and callers without the right refused before their body is looked at.
import { describe, expect, it } from "vitest";
import { asOperator, bearer, call, newProject } from "../helpers/api";

const LIMIT = 64 * 1024; // MAX_API_BODY_BYTES's default (wrangler.toml)

type Body = { error?: { code: string; details?: { limit?: string; value?: number } } };

/** A JSON body of exactly `bytes` bytes: an object with one padded string. */
const jsonOfSize = (bytes: number) => `{"pad":"${"x".repeat(bytes - 10)}"}`;

/** A body streamed in chunks with no Content-Length: the server cannot know its size before reading it. */
function streamed(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + 8192));
      at += 8192;
    },
  });
}

async function gzip(text: string): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Response(text).body!.pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
}

const send = (method: string, path: string, token: string, body: BodyInit, headers: Record<string, string> = {}) =>
  call(path, { method, headers: { "content-type": "application/json", ...bearer(token), ...headers }, body });

// Every route family that takes a JSON body, beside ingest (which has MAX_REQUEST_BYTES and its own tests).
const routes = (project: string): Array<[method: string, path: string]> => [
  ["POST", "/v1/decisions"],
  ["POST", "/v1/reports/cohorts"],
  ["POST", "/v1/exports"],
  ["POST", "/v1/forecasts/popularity"],
  ["POST", `/v1/admin/projects/${project}/event-names`],
  ["POST", `/v1/admin/projects/${project}/keys`],
  ["PATCH", `/v1/admin/projects/${project}`],
  ["PUT", `/v1/admin/projects/${project}/decision-types/image_pregen`],
  ["POST", "/v1/admin/jobs/rollup_daily_metrics"],
  ["POST", `/v1/admin/dead-letters/replay?project=${project}`],
];

describe("request body limits (MAX_API_BODY_BYTES)", () => {
  it("refuses a body one byte over the limit with 413 naming it, declared or streamed, on every route", async () => {
    const p = await newProject();
    for (const [method, path] of routes(p.id)) {
      const declared = await send(method, path, p.admin, jsonOfSize(LIMIT + 1));
      const body = (await declared.json()) as Body;
      expect([method, path, declared.status, body.error?.code, body.error?.details?.limit]).toEqual([method, path, 413, "payload_too_large", "MAX_API_BODY_BYTES"]);

      const chunked = await send(method, path, p.admin, streamed(jsonOfSize(4 * LIMIT)));
      const chunkedBody = (await chunked.json()) as Body;
      expect([path, chunked.status, chunkedBody.error?.code]).toEqual([path, 413, "payload_too_large"]);
      // Reading stopped at the first chunk past the limit, not at the end of the 256 KiB body.
      expect(chunkedBody.error?.details?.value).toBeLessThanOrEqual(LIMIT + 8192);
    }
  });

  it("reads a body of exactly the limit (the route then judges it)", async () => {
    const p = await newProject();
    const res = await send("POST", "/v1/decisions", p.admin, jsonOfSize(LIMIT));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Body).error?.code).toBe("validation_failed");
  });

  it("decompresses a gzip body, counting the decompressed bytes against the limit", async () => {
    const p = await newProject();
    const decision = JSON.stringify({ decision_type: "image_pregen", unit_id: "unit-gz", context: {} });
    const ok = await send("POST", "/v1/decisions", p.admin, await gzip(decision), { "content-encoding": "gzip" });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { decision_type: string }).decision_type).toBe("image_pregen");

    // 1 MiB of one repeated byte compresses to about a kilobyte: the compressed size proves nothing.
    const bomb = await gzip(jsonOfSize(1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(LIMIT);
    const refused = await send("POST", "/v1/decisions", p.admin, bomb, { "content-encoding": "gzip" });
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as Body).error?.details?.limit).toBe("MAX_API_BODY_BYTES");

    const broken = await send("POST", "/v1/decisions", p.admin, new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4]), { "content-encoding": "gzip" });
    expect([broken.status, ((await broken.json()) as Body).error?.code]).toEqual([400, "malformed_body"]);
    const br = await send("POST", "/v1/decisions", p.admin, decision, { "content-encoding": "br" });
    expect([br.status, ((await br.json()) as Body).error?.code]).toEqual([415, "unsupported_content_encoding"]);
  });

  it("refuses malformed JSON with 400 malformed_json on every route", async () => {
    const p = await newProject();
    for (const [method, path] of routes(p.id)) {
      const res = await send(method, path, p.admin, "{not json");
      expect([path, res.status, ((await res.json()) as Body).error?.code]).toEqual([path, 400, "malformed_json"]);
    }
  });
});

describe("authorisation comes before the body", () => {
  it("answers a user's malformed or oversized body on an admin route with 403, not a schema error", async () => {
    const p = await newProject();
    const user = await p.user("u-1");
    for (const [method, path] of routes(p.id).filter(([, path]) => path !== "/v1/decisions")) {
      for (const body of ["{not json", '{"unexpected": true}', jsonOfSize(LIMIT + 1)]) {
        const res = await send(method, path, user, body);
        expect([path, res.status, ((await res.json()) as Body).error?.code]).toEqual([path, 403, "forbidden"]);
      }
    }
  });

  it("answers another project's admin with 403 wrong_project before reading the body", async () => {
    const p = await newProject();
    const other = await newProject();
    const res = await send("POST", `/v1/admin/projects/${p.id}/event-names`, other.admin, "{not json");
    expect([res.status, ((await res.json()) as Body).error?.code]).toEqual([403, "wrong_project"]);
    const cohorts = await send("POST", `/v1/reports/cohorts?project=${p.id}`, other.admin, "{not json");
    expect([cohorts.status, ((await cohorts.json()) as Body).error?.code]).toEqual([403, "wrong_project"]);
  });

  it("keeps creating projects the operator's, before the body is read", async () => {
    const p = await newProject();
    const res = await send("POST", "/v1/admin/projects", p.admin, "{not json");
    expect([res.status, ((await res.json()) as Body).error?.code]).toEqual([403, "forbidden"]);
    const operator = await call("/v1/admin/projects", { method: "POST", headers: { ...asOperator, "content-type": "application/json" }, body: "{not json" });
    expect([operator.status, ((await operator.json()) as Body).error?.code]).toEqual([400, "malformed_json"]);
  });
  it("refuses a body nested deeper than 32 levels with 400 body_too_deep on every route, and reads one at 32", async () => {
    const p = await newProject();
    // 10,000 levels fit in 20 KB, well under the size limit; JSON.stringify over such a context overflowed the stack (500).
    const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels);
    for (const [method, path] of routes(p.id)) {
      const res = await send(method, path, p.admin, `{"context":{"a":${deep(10_000)}}}`);
      const body = (await res.json()) as Body;
      expect([method, path, res.status, body.error?.code]).toEqual([method, path, 400, "body_too_deep"]);
    }
    // A decision whose context holds a 30-deep array: within the bound, so the route judges it (a context is flat).
    const within = await send("POST", "/v1/decisions", p.admin, `{"decision_type":"image_pregen","unit_id":"u","context":{"a":${deep(30)}}}`);
    expect(within.status).toBe(400);
    expect(((await within.json()) as Body).error?.code).not.toBe("body_too_deep");
  });
});
