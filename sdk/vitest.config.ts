// The SDK's Node-side tests (npm run test:browser): headless Chromium against `wrangler dev`, and the size budget.
// The SDK's pure unit tests run with the Worker's tests (the root vitest.config.ts).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["test/browser/**/*.test.ts"],
    globalSetup: ["test/browser/global-setup.ts"],
    environment: "node",
    // One Worker and one browser for the file; the two files share nothing and the size test is quick.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
