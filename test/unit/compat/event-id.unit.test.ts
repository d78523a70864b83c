// Deterministic ids: the RFC's UUIDv5 vector, UUIDs kept, other client ids hashed per project; canonical JSON.
import { describe, expect, it } from "vitest";
import { canonicalJson, eventIdFor, isUuid, uuidV5 } from "../../../src/compat/event-id";

describe("uuidV5", () => {
  it("matches RFC 9562's example (DNS namespace, www.example.com)", async () => {
    expect(await uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
  });
});

describe("eventIdFor", () => {
  it("keeps a client UUID (posthog's v7), lower-cased", async () => {
    expect(await eventIdFor("p", "018F4A2E-7B3C-7D4E-8F9A-0B1C2D3E4F5A")).toBe("018f4a2e-7b3c-7d4e-8f9a-0b1c2d3e4f5a");
  });

  it("hashes other ids (Segment's node-next-<ms>-<uuid>) with the project: stable, and different per project", async () => {
    const id = "node-next-1715000000000-8c3e7f1a-2b4d-4e6f-9a1b-3c5d7e9f0a2b";
    const a = await eventIdFor("p1", id);
    expect(isUuid(a)).toBe(true);
    expect(a[14]).toBe("5");
    expect(await eventIdFor("p1", id)).toBe(a);
    expect(await eventIdFor("p2", id)).not.toBe(a);
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every level and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
});
