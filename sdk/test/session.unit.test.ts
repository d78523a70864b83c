import { describe, expect, it } from "vitest";
import { touchSession, uuid } from "../src/session";

const THIRTY_MIN = 30 * 60_000;

describe("touchSession", () => {
  let n = 0;
  const newId = () => `s-${++n}`;
  it("starts a session when there is none", () => {
    expect(touchSession(undefined, 1000, THIRTY_MIN, () => "s-new")).toEqual({ id: "s-new", last: 1000 });
  });
  it("keeps the session while events come less than 30 minutes apart, however long it lasts", () => {
    let s = touchSession(undefined, 0, THIRTY_MIN, newId);
    const first = s.id;
    for (let t = 29 * 60_000; t < 5 * 3_600_000; t += 29 * 60_000) s = touchSession(s, t, THIRTY_MIN, newId);
    expect(s.id).toBe(first);
  });
  it("starts a new one after 30 idle minutes", () => {
    const s = { id: "old", last: 0 };
    expect(touchSession(s, THIRTY_MIN - 1, THIRTY_MIN, newId).id).toBe("old");
    expect(touchSession(s, THIRTY_MIN, THIRTY_MIN, () => "fresh")).toEqual({ id: "fresh", last: THIRTY_MIN });
  });
  it("treats a stored value of the wrong shape as no session", () => {
    expect(touchSession({ last: 5 } as never, 10, THIRTY_MIN, () => "fresh").id).toBe("fresh");
  });
});

describe("uuid", () => {
  it("makes distinct version 4 UUIDs", () => {
    const ids = new Set(Array.from({ length: 200 }, uuid));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
