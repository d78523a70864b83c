// Persistence that never throws: localStorage when the page may use it, memory otherwise (Node, private modes, quota).

/** The part of the Web Storage API the SDK uses; pass your own (e.g. a test double) in the options. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** window.localStorage if it can be written (Safari's private mode and sandboxed frames throw), else undefined. */
export function browserStorage(): StorageLike | undefined {
  try {
    const s = globalThis.localStorage;
    s.setItem("edgeloop:t", "1");
    s.removeItem("edgeloop:t");
    return s;
  } catch {
    return undefined;
  }
}

/**
 * A store of JSON values under `prefix:`. A failed write (quota exceeded) keeps the value in memory, so the page's
 * session goes on with it, and reads prefer that newer value; unparsable stored text reads as absent.
 */
export function jsonStore(backing: StorageLike | undefined, prefix: string) {
  const memory = new Map<string, string>();
  const k = (key: string) => `${prefix}:${key}`;
  return {
    get<T>(key: string): T | undefined {
      let text = memory.get(k(key));
      if (text === undefined) {
        try {
          text = backing?.getItem(k(key)) ?? undefined;
        } catch {
          // unreadable storage is treated as empty
        }
      }
      try {
        return text === undefined ? undefined : (JSON.parse(text) as T);
      } catch {
        return undefined;
      }
    },
    set(key: string, value: unknown): void {
      const text = JSON.stringify(value);
      try {
        if (!backing) throw 0;
        backing.setItem(k(key), text);
        memory.delete(k(key));
      } catch {
        memory.set(k(key), text);
      }
    },
  };
}
export type JsonStore = ReturnType<typeof jsonStore>;
