// Test-only bindings and the main module's exports, declared for the type checker.
import type { D1Migration } from "cloudflare:test";
import type { Env as AppEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends AppEnv {
      TEST_MIGRATIONS: D1Migration[];
      TEST_RS256_PRIVATE_JWK: string;
      TEST_FUZZ_SEED: string;
      TEST_FUZZ_RUNS: string;
      TEST_FUZZ_PATH: string;
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index");
      durableNamespaces: "RateLimiter" | "BanditBucket";
    }
  }
}

