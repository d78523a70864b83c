// Decision ids that name the BanditBucket holding the decision, so a decision not yet flushed to D1 can still be found.

// base64url of the object's 32-byte id (43 characters), ".", 15 random bytes (20 characters): 64 characters, the
// most an event's decision_id may hold.
const OBJECT_ID = /^[0-9a-f]{64}$/;
const DECISION_ID = /^([A-Za-z0-9_-]{43})\.[A-Za-z0-9_-]{20}$/;

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** A new decision id for a decision recorded by the object whose id (hex) is `objectIdHex`. */
export function newDecisionId(objectIdHex: string): string {
  if (!OBJECT_ID.test(objectIdHex)) throw new Error(`not a Durable Object id: ${objectIdHex}`);
  const objectBytes = Uint8Array.from(objectIdHex.match(/../g)!, (h) => parseInt(h, 16));
  return `${base64url(objectBytes)}.${base64url(crypto.getRandomValues(new Uint8Array(15)))}`;
}

/** The hex id of the BanditBucket that recorded this decision; null for ids of another shape (UUIDs from before). */
export function recordingObjectOf(decisionId: string): string | null {
  const m = DECISION_ID.exec(decisionId);
  if (!m) return null;
  return [...fromBase64url(m[1]!)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
