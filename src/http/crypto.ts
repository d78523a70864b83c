// Hashing and secrets for credentials and pseudonymous ids, on WebCrypto.
const encoder = new TextEncoder();

const toHex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** HMAC-SHA256 with a secret salt: unlike a bare hash, a dictionary of likely ids cannot reverse it without the salt. */
export async function hmacSha256Hex(secret: string, text: string): Promise<string> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    hmacKeys.set(secret, key);
  }
  return toHex(await crypto.subtle.sign("HMAC", await key, encoder.encode(text)));
}

const derivedKeys = new Map<string, Promise<CryptoKey>>();

/**
 * An HMAC-SHA256 key derived from a secret for one purpose (HKDF-SHA256, RFC 5869, with the purpose as `info`): a
 * secret that also keys other things (JWTs, pseudonymous ids) never signs anything here itself, and the derived key
 * signs nothing for another purpose.
 */
export function derivedHmacKey(secret: string, purpose: string): Promise<CryptoKey> {
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = derivedKeys.get(cacheKey);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"])
      .then((root) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: encoder.encode(purpose) },
          root,
          { name: "HMAC", hash: "SHA-256", length: 256 },
          false,
          ["sign"],
        ),
      );
    derivedKeys.set(cacheKey, key);
  }
  return key;
}

export async function hmacHex(key: CryptoKey, text: string): Promise<string> {
  return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
}

export function randomHex(bytes: number): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)).buffer as ArrayBuffer);
}

/** A secret's SHA-256, for comparing against with matchesDigest (a caller may keep it: hashing is the costly half). */
export function secretDigest(secret: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(secret));
}

/**
 * Constant-time comparison, so a token cannot be guessed byte by byte from response times: the given value is hashed
 * to 32 bytes (equal lengths whatever was sent) and compared with timingSafeEqual.
 */
export async function matchesDigest(given: string, expected: ArrayBuffer | Promise<ArrayBuffer>): Promise<boolean> {
  const [a, b] = await Promise.all([secretDigest(given), expected]);
  return crypto.subtle.timingSafeEqual(a, b);
}

export function secretEquals(given: string, expected: string): Promise<boolean> {
  return matchesDigest(given, secretDigest(expected));
}
