// The size budget: the core, minified and gzipped as an app would ship it, stays under CORE_BUDGET_BYTES.
import { describe, expect, it } from "vitest";
import { CORE_BUDGET_BYTES, measureSize } from "../../scripts/size.mjs";

const size = await measureSize();

describe("SDK size", () => {
  it(`core: ${size.core.gzip} bytes minified+gzipped (${size.core.minified} minified), budget ${CORE_BUDGET_BYTES}`, () => {
    expect(size.core.minified).toBeGreaterThan(1000); // it measured the real bundle, not an empty one
    expect(size.core.gzip).toBeLessThanOrEqual(CORE_BUDGET_BYTES);
  });
  it(`react hook: ${size.react.gzip} bytes on top of the core (react itself excluded)`, () => {
    expect(size.react.gzip).toBeLessThan(1024);
  });
});
