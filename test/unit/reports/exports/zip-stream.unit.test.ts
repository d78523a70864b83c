// The resumable ZIP writer: CRC-32, archives fflate reads back, and entries split across suspensions stay valid.
import { strFromU8, strToU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../../../src/reports/exports/crc32";
import { newZipState, ZipStream, type ZipState } from "../../../../src/reports/exports/zip-stream";

const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) out.set(c, (o += c.length) - c.length);
  return out;
};

describe("crc32", () => {
  it("matches the standard check value and continues across chunks", () => {
    expect(crc32(0, strToU8("123456789"))).toBe(0xcbf43926);
    expect(crc32(0, new Uint8Array(0))).toBe(0);
    expect(crc32(crc32(0, strToU8("12345")), strToU8("6789"))).toBe(0xcbf43926);
  });
});

describe("ZipStream", () => {
  it("writes stored and deflated entries that a ZIP reader extracts", () => {
    const chunks: Uint8Array[] = [];
    const zip = new ZipStream((c) => chunks.push(c), newZipState(Date.UTC(2026, 10, 20, 12, 0, 0)));
    zip.addStored("a.txt", strToU8("stored"));
    zip.begin("dir/b.xml");
    zip.write(strToU8("<x>"));
    zip.write(strToU8("deflated ".repeat(1000)));
    zip.write(strToU8("</x>"));
    zip.end();
    zip.finish();
    const files = unzipSync(concat(chunks));
    expect(Object.keys(files)).toEqual(["a.txt", "dir/b.xml"]);
    expect(strFromU8(files["a.txt"]!)).toBe("stored");
    expect(strFromU8(files["dir/b.xml"]!)).toBe(`<x>${"deflated ".repeat(1000)}</x>`);
    expect(zip.bytesWritten).toBe(concat(chunks).length);
  });

  it("continues an entry across suspensions from a JSON state (sync-flushed segments concatenate)", () => {
    const chunks: Uint8Array[] = [];
    const text: string[] = [];
    let state: ZipState = newZipState(0);
    let zip = new ZipStream((c) => chunks.push(c), state);
    zip.begin("big.txt");
    for (let invocation = 0; invocation < 5; invocation++) {
      for (let i = 0; i < 200; i++) {
        const line = `invocation ${invocation} line ${i} ${Math.sin(i * (invocation + 1)).toFixed(12)}\n`;
        text.push(line);
        zip.write(strToU8(line));
      }
      // What travels in the queue message: JSON, nothing else.
      state = JSON.parse(JSON.stringify(zip.suspend())) as ZipState;
      zip = new ZipStream((c) => chunks.push(c), state);
    }
    zip.end();
    zip.finish();
    expect(strFromU8(unzipSync(concat(chunks))["big.txt"]!)).toBe(text.join(""));
  });
});
