// Tests run inside workerd (the Workers Vitest integration) against real local D1, Queues, Durable Objects and R2.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url)));

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
          ENVIRONMENT: "test",
          JWT_SECRET: "test-jwt-secret-0123456789abcdef",
          ADMIN_TOKEN: "test-admin-token-0123456789abcdef",
          USER_ID_SALT: "test-user-id-salt-0123456789abcdef",
          // Caching would hide a revocation inside one test; production keeps the default.
          REGISTRY_CACHE_SECONDS: "0",
          IP_RATE_LIMIT_PER_MINUTE: "100",
        },
        // Deliver queued events quickly so integration tests can wait for D1 in milliseconds.
        queueConsumers: {
          "edgeloop-events": { maxBatchTimeout: 0.05, maxRetries: 2, deadLetterQueue: "edgeloop-events-dlq" },
          "edgeloop-events-dlq": { maxBatchTimeout: 0.05 },
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
  },
});
