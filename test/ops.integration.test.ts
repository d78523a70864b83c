import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("operations surface", () => {
  it("healthz checks D1", async () => {
    const res = await exports.default.fetch("https://edgeloop.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", d1: { ok: true } });
  });
});
