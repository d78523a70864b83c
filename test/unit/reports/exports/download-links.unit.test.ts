// Signed download links: valid until they expire; any change to id, expiry or signature is refused with 403.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../../src/http/errors";
import { DOWNLOAD_LINK_PURPOSE, signedDownloadPath, verifyDownloadLink } from "../../../../src/reports/exports/download-links";

const SECRET = "download-secret-0123456789";
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

async function codeOf(p: Promise<void>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    return (err as ApiError).code;
  }
}

async function link(id: string, expires: number) {
  const url = new URL(await signedDownloadPath(SECRET, id, expires), "https://x.test");
  return { path: url.pathname, expires: url.searchParams.get("expires")!, sig: url.searchParams.get("sig")! };
}

describe("download links", () => {
  it("signs /v1/downloads/<id>?expires=<epoch s>&sig=<64 hex>", async () => {
    const l = await link("exp-1", NOW / 1000 + 3600);
    expect(l.path).toBe("/v1/downloads/exp-1");
    expect(l.expires).toBe(String(NOW / 1000 + 3600));
    expect(l.sig).toMatch(/^[0-9a-f]{64}$/);
    expect(await codeOf(verifyDownloadLink(SECRET, "exp-1", l.expires, l.sig, NOW))).toBeNull();
  });

  it("refuses an expired link, but only once its signature checks out", async () => {
    const l = await link("exp-1", NOW / 1000 - 1);
    expect(await codeOf(verifyDownloadLink(SECRET, "exp-1", l.expires, l.sig, NOW))).toBe("link_expired");
    expect(await codeOf(verifyDownloadLink(SECRET, "exp-1", String(NOW / 1000 + 3600), l.sig, NOW))).toBe("invalid_signature");
  });

  it("refuses tampered ids, expiries, signatures, other secrets and malformed parameters", async () => {
    const l = await link("exp-1", NOW / 1000 + 3600);
    const flipped = (l.sig[0] === "a" ? "b" : "a") + l.sig.slice(1);
    const cases: Array<[string, string | undefined, string | undefined, string]> = [
      ["exp-2", l.expires, l.sig, SECRET],
      ["exp-1", String(Number(l.expires) + 1), l.sig, SECRET],
      ["exp-1", l.expires, flipped, SECRET],
      ["exp-1", l.expires, l.sig.toUpperCase(), SECRET],
      ["exp-1", l.expires, l.sig, "another-secret-0123456789"],
      ["exp-1", undefined, l.sig, SECRET],
      ["exp-1", l.expires, undefined, SECRET],
      ["exp-1", "soon", l.sig, SECRET],
      ["exp-1", l.expires, l.sig.slice(0, 63), SECRET],
      // Only the canonical spelling of the signed expiry: the same number written otherwise is another link.
      ["exp-1", `0${l.expires}`, l.sig, SECRET],
      ["exp-1", `+${l.expires}`, l.sig, SECRET],
      ["exp-1", `${l.expires}.0`, l.sig, SECRET],
      ["exp-1", ` ${l.expires}`, l.sig, SECRET],
    ];
    for (const [id, expires, sig, secret] of cases) expect(await codeOf(verifyDownloadLink(secret, id, expires, sig, NOW))).toBe("invalid_signature");
  });

  it("signs with a key derived for links alone: HKDF-SHA256(secret, info = purpose), never the secret itself", async () => {
    const l = await link("exp-1", NOW / 1000 + 3600);
    const message = `exp-1:${l.expires}`;
    // RFC 5869 by hand on plain HMAC: PRK = HMAC(salt = 32 zero bytes, secret); OKM = HMAC(PRK, info ‖ 0x01).
    const enc = new TextEncoder();
    const hmac = async (key: Uint8Array, data: Uint8Array) =>
      new Uint8Array(await crypto.subtle.sign("HMAC", await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), data));
    const prk = await hmac(new Uint8Array(32), enc.encode(SECRET));
    const okm = await hmac(prk, new Uint8Array([...enc.encode(DOWNLOAD_LINK_PURPOSE), 1]));
    const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    expect(l.sig).toBe(hex(await hmac(okm, enc.encode(message))));
    // The secret used directly as the HMAC key gives another signature, which is refused.
    const direct = hex(await hmac(enc.encode(SECRET), enc.encode(message)));
    expect(direct).not.toBe(l.sig);
    expect(await codeOf(verifyDownloadLink(SECRET, "exp-1", l.expires, direct, NOW))).toBe("invalid_signature");
  });
});
