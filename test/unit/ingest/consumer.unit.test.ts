import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../../src/ingest/consumer";

describe("retryDelaySeconds", () => {
  it.each([[0, 5], [1, 5], [2, 10], [3, 20], [4, 40], [6, 160], [7, 300], [10, 300], [100, 300]])("attempt %i → %i s", (attempts, seconds) => {
    expect(retryDelaySeconds(attempts)).toBe(seconds);
  });
});
