import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/http/errors";
import { parseIngestBody } from "../../../src/ingest/parse-body";

/** Runs the parser and returns the ApiError it threw (failing the test if it threw nothing or something else). */
function errorOf(text: string, max = 10): ApiError {
  try {
    parseIngestBody(text, max);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error(`expected parseIngestBody(${text}) to throw`);
}

describe("parseIngestBody", () => {
  it("wraps a single object in a list", () => {
    expect(parseIngestBody('{"event_name":"page_view"}', 10)).toEqual({ events: [{ event_name: "page_view" }], historicalMigration: false });
  });

  it("takes an array as is, whatever its items", () => {
    expect(parseIngestBody('[{"event_name":"a"},{"event_name":"b"},"junk"]', 10)).toEqual({
      events: [{ event_name: "a" }, { event_name: "b" }, "junk"],
      historicalMigration: false,
    });
  });

  it("unwraps {batch: [...]}", () => {
    expect(parseIngestBody('{"batch":[{"event_name":"a"}]}', 10)).toEqual({ events: [{ event_name: "a" }], historicalMigration: false });
  });

  it("reads historical_migration", () => {
    expect(parseIngestBody('{"batch":[{"event_name":"a"}],"historical_migration":true}', 10)).toEqual({
      events: [{ event_name: "a" }],
      historicalMigration: true,
    });
    expect(parseIngestBody('{"batch":[{"event_name":"a"}],"historical_migration":false}', 10).historicalMigration).toBe(false);
  });

  it("rejects a non-boolean historical_migration with 400 invalid_body", () => {
    const err = errorOf('{"batch":[{}],"historical_migration":"yes"}');
    expect([err.status, err.code]).toEqual([400, "invalid_body"]);
  });

  it.each(["{", "", "not json", '{"a":1,}'])("rejects the malformed JSON %j with 400 malformed_json", (text) => {
    const err = errorOf(text);
    expect([err.status, err.code, err.message]).toEqual([400, "malformed_json", "The request body is not valid JSON"]);
  });

  it.each(['"string"', "42", "null", "true"])("rejects the scalar %s with 400 invalid_body", (text) => {
    const err = errorOf(text);
    expect([err.status, err.code]).toEqual([400, "invalid_body"]);
  });

  it.each(['{"batch":"x"}', '{"batch":{"event_name":"a"}}', '{"batch":null}'])("rejects %s with 400 invalid_body", (text) => {
    const err = errorOf(text);
    expect([err.status, err.code, err.message]).toEqual([400, "invalid_body", "'batch' must be an array of events"]);
  });

  it.each(["[]", '{"batch":[]}'])("rejects the empty batch %s with 400 empty_batch", (text) => {
    const err = errorOf(text);
    expect([err.status, err.code]).toEqual([400, "empty_batch"]);
  });

  it("accepts exactly the maximum count", () => {
    expect(parseIngestBody("[1,2,3]", 3).events).toEqual([1, 2, 3]);
  });

  it("rejects a count over the maximum with 413 payload_too_large naming MAX_BATCH_SIZE", () => {
    const err = errorOf('{"batch":[1,2,3,4]}', 3);
    expect([err.status, err.code]).toEqual([413, "payload_too_large"]);
    expect(err.details).toEqual({ limit: "MAX_BATCH_SIZE", value: 4 });
    expect(err.message).toContain("MAX_BATCH_SIZE");
  });
});
