// Tests run inside workerd (the Workers Vitest integration) against real local D1, Queues, Durable Objects and R2.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { exportJWK, generateKeyPair } from "jose";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url)));

// An RS256 identity provider for the JWKS path: the key pair is made here, the public half is served to the
// Worker's outbound fetch of JWKS_URL, and the private half is handed to the tests to sign tokens.
const JWKS_URL = "https://idp.edgeloop.test/.well-known/jwks.json";
const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
const publicJwk = { ...(await exportJWK(publicKey)), kid: "test-rs256", alg: "RS256", use: "sig" };
const privateJwk = { ...(await exportJWK(privateKey)), kid: "test-rs256", alg: "RS256" };

// The fuzz properties (test/fuzz) share one seed per run, drawn here unless FUZZ_SEED replays one; FUZZ_RUNS raises the
// runs per route (npm run fuzz), FUZZ_PATH replays one counterexample. The reporter prints the seed and the figures.
const fuzzSeed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));

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
          JWT_JWKS_URL: JWKS_URL,
          TEST_RS256_PRIVATE_JWK: JSON.stringify(privateJwk),
          // Learned decisions draw from seededRng(seed, unit) instead of crypto randomness: the same answers every run.
          DECISION_RNG_SEED: "edgeloop-tests",
          // Buckets flush decisions to D1 only when a test runs their alarm (test/helpers/decisions.ts), never on their
          // own halfway through one: what a test reads from D1 does not depend on the machine's speed.
          DECISION_FLUSH_DELAY_MS: "600000",
          TEST_FUZZ_SEED: fuzzSeed,
          TEST_FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
          TEST_FUZZ_PATH: process.env.FUZZ_PATH ?? "",
        },
        outboundService: (request: Request) =>
          request.url === JWKS_URL
            ? Response.json({ keys: [publicJwk] })
            : new Response("tests make no other outbound requests", { status: 502 }),
        // Deliver queued events quickly so integration tests can wait for D1 in milliseconds.
        queueConsumers: {
          "edgeloop-events": { maxBatchTimeout: 0.05, maxRetries: 2, deadLetterQueue: "edgeloop-events-dlq" },
          "edgeloop-events-dlq": { maxBatchTimeout: 0.05 },
          "edgeloop-jobs": { maxBatchTimeout: 0.05, maxBatchSize: 1, deadLetterQueue: "edgeloop-jobs-dlq" },
          "edgeloop-jobs-dlq": { maxBatchTimeout: 0.05 },
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts", "sdk/test/*.unit.test.ts"],
    setupFiles: ["./test/setup.ts"],
    // The Worker logs a JSON line per request; show them only for failing tests.
    silent: "passed-only",
    // The fuzz properties' status distribution per route, after the usual report.
    reporters: ["default", "./scripts/fuzz-reporter.ts"],
  },
});
