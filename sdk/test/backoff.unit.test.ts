import { describe, expect, it } from "vitest";
import { parseRetryAfter, retryDelay } from "../src/backoff";

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-30T12:00:00Z");
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("5", now)).toBe(5000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
  });
  it("reads an HTTP date as the time left until it", () => {
    expect(parseRetryAfter("Mon, 30 Nov 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Mon, 30 Nov 2026 11:00:00 GMT", now)).toBe(0);
  });
  it("ignores absent and unreadable values", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("  ", now)).toBeUndefined();
  });
});

describe("retryDelay", () => {
  it("doubles per attempt and jitters within the upper half", () => {
    expect(retryDelay(0, 0)).toBe(500);
    expect(retryDelay(0, 0.999999)).toBe(1000);
    expect(retryDelay(1, 0)).toBe(1000);
    expect(retryDelay(3, 0.5)).toBe(6000); // ceiling 8000: 4000 + 0.5 × 4000
  });
  it("caps the exponential part, also for absurd attempt counts", () => {
    expect(retryDelay(20, 0.999999)).toBe(300_000);
    expect(retryDelay(5000, 0)).toBe(150_000);
    expect(retryDelay(4, 1, undefined, 100, 1000)).toBe(1000);
  });
  it("never retries sooner than Retry-After, and is not capped by it", () => {
    expect(retryDelay(0, 0, 7000)).toBe(7000);
    expect(retryDelay(0, 0, 600_000)).toBe(600_000);
    expect(retryDelay(10, 0.5, 1000)).toBe(retryDelay(10, 0.5));
  });
});
