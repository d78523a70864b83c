import { describe, expect, it } from "vitest";
import { jsonStore, type StorageLike } from "../src/storage";
import { memoryStorage } from "./helpers";

describe("jsonStore", () => {
  it("round-trips JSON under its prefix", () => {
    const backing = memoryStorage();
    const store = jsonStore(backing, "app");
    store.set("queue", [{ a: 1 }]);
    expect(backing.data.get("app:queue")).toBe('[{"a":1}]');
    expect(jsonStore(backing, "app").get("queue")).toEqual([{ a: 1 }]);
    expect(jsonStore(backing, "other").get("queue")).toBeUndefined();
  });
  it("reads unparsable text as absent", () => {
    const backing = memoryStorage();
    backing.setItem("app:queue", "{not json");
    expect(jsonStore(backing, "app").get("queue")).toBeUndefined();
  });
  it("keeps a value that did not fit in memory, and reads it back", () => {
    const backing = memoryStorage(10);
    const store = jsonStore(backing, "app");
    store.set("queue", "short");
    store.set("queue", "a value longer than ten");
    expect(store.get("queue")).toBe("a value longer than ten");
    expect(backing.data.get("app:queue")).toBe('"short"');
    store.set("queue", "fits"); // once it fits again, storage has the newest value
    expect(backing.data.get("app:queue")).toBe('"fits"');
    expect(store.get("queue")).toBe("fits");
  });
  it("works in memory alone, and survives storage that throws on read", () => {
    const store = jsonStore(undefined, "app");
    store.set("x", 1);
    expect(store.get("x")).toBe(1);
    const broken: StorageLike = { getItem: () => { throw new Error("SecurityError"); }, setItem: () => { throw new Error("SecurityError"); }, removeItem: () => {} };
    const s2 = jsonStore(broken, "app");
    expect(s2.get("x")).toBeUndefined();
    s2.set("x", 2);
    expect(s2.get("x")).toBe(2);
  });
});
