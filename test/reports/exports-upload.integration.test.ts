// R2Upload against (local) R2: equal 5 MiB parts, carries between invocations, one put for small files, aborts.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { abortUpload, carryKey, PART_BYTES, R2Upload, type UploadState } from "../../src/reports/exports/r2-upload";
import { uniqueId } from "../helpers/api";

/** Deterministic bytes, so the object can be checked byte for byte. */
function bytesAt(start: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.imul(start + i, 2654435761) >>> 24;
  return out;
}

async function carries(key: string) {
  return (await env.EXPORTS.list({ prefix: `${key}.carry-` })).objects.map((o) => o.key);
}

describe("R2Upload", () => {
  it("writes a multipart object in equal parts across three invocations, through carries", async () => {
    const key = `test/${uniqueId("mp")}.bin`;
    const meta = { contentType: "application/octet-stream" };
    // 2.4 parts' worth, pushed in odd-sized chunks over three invocations.
    const total = Math.floor(PART_BYTES * 2.4);
    const cuts = [Math.floor(total * 0.3), Math.floor(total * 0.75), total];
    let state: UploadState | undefined;
    let written = 0;
    for (const [i, cut] of cuts.entries()) {
      const upload = await R2Upload.open(env.EXPORTS, key, meta, state);
      while (written < cut) {
        const n = Math.min(777_777, cut - written);
        upload.push(bytesAt(written, n));
        written += n;
        await upload.flushParts();
      }
      if (i < cuts.length - 1) {
        state = JSON.parse(JSON.stringify(await upload.suspend())) as UploadState;
        expect(state.seq).toBe(i + 1);
        expect(await carries(key)).toContain(carryKey(key, state.seq));
      } else {
        expect(await upload.complete()).toBe(total);
      }
    }
    const object = await env.EXPORTS.get(key);
    expect(object!.size).toBe(total);
    // R2 (and miniflare) name a multipart object's ETag "<md5 of part md5s>-<parts>".
    expect(object!.etag).toMatch(/-3$/);
    expect(object!.httpMetadata?.contentType).toBe("application/octet-stream");
    expect(new Uint8Array(await object!.arrayBuffer())).toEqual(bytesAt(0, total));
    expect(await carries(key)).toEqual([]);
  }, 30_000);

  it("puts a file smaller than a part in one request, with no multipart upload", async () => {
    const key = `test/${uniqueId("small")}.bin`;
    const upload = await R2Upload.open(env.EXPORTS, key, { contentType: "text/csv" });
    upload.push(bytesAt(0, 1000));
    const state = await upload.suspend();
    expect(state.uploadId).toBeNull();
    const resumed = await R2Upload.open(env.EXPORTS, key, { contentType: "text/csv" }, state);
    resumed.push(bytesAt(1000, 24));
    expect(await resumed.complete()).toBe(1024);
    const object = await env.EXPORTS.get(key);
    expect(object!.etag).not.toMatch(/-\d+$/);
    expect(new Uint8Array(await object!.arrayBuffer())).toEqual(bytesAt(0, 1024));
  });

  it("aborts an unfinished upload and removes its carries", async () => {
    const key = `test/${uniqueId("abort")}.bin`;
    const upload = await R2Upload.open(env.EXPORTS, key, {});
    upload.push(bytesAt(0, PART_BYTES + 10));
    await upload.flushParts();
    const state = await upload.suspend();
    expect(state.uploadId).not.toBeNull();
    await abortUpload(env.EXPORTS, key, state.uploadId);
    expect(await carries(key)).toEqual([]);
    expect(await env.EXPORTS.head(key)).toBeNull();
  });
});
