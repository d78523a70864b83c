// Identity that outlives a page: the anonymous id, and the client session that ends after 30 idle minutes. Pure.

export interface ClientSession {
  id: string;
  /** When the session last saw an event (epoch ms). */
  last: number;
}

/** The session an event at `now` belongs to: the current one while it has been idle less than `timeout`, else a new one. */
export function touchSession(session: ClientSession | undefined, now: number, timeout: number, newId: () => string): ClientSession {
  return session && typeof session.id === "string" && now - session.last < timeout ? { id: session.id, last: now } : { id: newId(), last: now };
}

/** A random (version 4) UUID from getRandomValues, which unlike randomUUID also exists on plain-http pages. */
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 15) | 64;
  b[8] = (b[8]! & 63) | 128;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
