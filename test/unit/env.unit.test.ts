import { describe, expect, it } from "vitest";
import { config, type Env } from "../../src/env";

const envOf = (vars: Record<string, unknown>) => vars as unknown as Env;
const errorOf = (vars: Record<string, unknown>): string => {
  try {
    config(envOf(vars));
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected config() to throw");
};

describe("config", () => {
  it("applies the defaults to an empty env", () => {
    expect(config(envOf({}))).toEqual({
      ENVIRONMENT: "development",
      ANONYMIZE_USER_IDS: false,
      MAX_BATCH_SIZE: 1000,
      MAX_REQUEST_BYTES: 512 * 1024,
      MAX_EVENT_BYTES: 32 * 1024,
      MAX_API_BODY_BYTES: 64 * 1024,
      ADS_MAX_ROWS: 5000,
      ADS_MAX_REQUEST_BYTES: 2 * 1024 * 1024,
      INGEST_RATE_LIMIT_PER_MINUTE: 6000,
      IP_RATE_LIMIT_PER_MINUTE: 3000,
      REPORT_RATE_LIMIT_PER_MINUTE: 60,
      ADMIN_RATE_LIMIT_PER_MINUTE: 600,
      DECIDE_RATE_LIMIT_PER_MINUTE: 6000,
      MIN_FRESH_OUTCOMES: 5,
      REPORT_MAX_RANGE_DAYS: 366,
      DECISION_FLUSH_DELAY_MS: 1000,
      REQUEST_CLAIM_SHARDS: 16,
      EVENT_RETENTION_DAYS: 90,
      REGISTRY_CACHE_SECONDS: 30,
    });
  });

  it("coerces string vars and drops unknown bindings", () => {
    const c = config(envOf({ MAX_BATCH_SIZE: "250", REGISTRY_CACHE_SECONDS: "0", ENVIRONMENT: "production", DB: {}, OTHER: "x" }));
    expect(c.MAX_BATCH_SIZE).toBe(250);
    expect(c.REGISTRY_CACHE_SECONDS).toBe(0);
    expect(c.ENVIRONMENT).toBe("production");
    expect("DB" in c || "OTHER" in c).toBe(false);
  });

  it.each([["true", true], ["1", true], [true, true], ["false", false], ["0", false], ["", false], [false, false]])(
    "reads ANONYMIZE_USER_IDS=%j as %s",
    (value, expected) => {
      expect(config(envOf({ ANONYMIZE_USER_IDS: value, USER_ID_SALT: "s".repeat(16) })).ANONYMIZE_USER_IDS).toBe(expected);
    },
  );

  it("rejects an unknown ANONYMIZE_USER_IDS value", () => {
    expect(errorOf({ ANONYMIZE_USER_IDS: "yes" })).toContain("ANONYMIZE_USER_IDS");
  });

  it("requires USER_ID_SALT when ANONYMIZE_USER_IDS is true", () => {
    expect(errorOf({ ANONYMIZE_USER_IDS: "true" })).toBe(
      "edgeloop configuration is invalid: USER_ID_SALT: ANONYMIZE_USER_IDS=true needs a secret USER_ID_SALT",
    );
  });

  it("accepts ANONYMIZE_USER_IDS with a salt", () => {
    expect(config(envOf({ ANONYMIZE_USER_IDS: "true", USER_ID_SALT: "s".repeat(16) })).USER_ID_SALT).toBe("s".repeat(16));
  });

  it.each(["JWT_SECRET", "ADMIN_TOKEN", "USER_ID_SALT"])("rejects a %s shorter than 16 characters, naming it", (name) => {
    expect(errorOf({ [name]: "s".repeat(15) })).toBe(`edgeloop configuration is invalid: ${name}: ${name} must be at least 16 characters`);
    expect(config(envOf({ [name]: "s".repeat(16) }))[name as "JWT_SECRET"]).toBe("s".repeat(16));
  });

  it.each(["0", "-5", "1.5", "abc"])("rejects MAX_BATCH_SIZE=%j", (value) => {
    expect(errorOf({ MAX_BATCH_SIZE: value })).toMatch(/^edgeloop configuration is invalid: MAX_BATCH_SIZE: /);
  });

  it("accepts DECISION_RNG_SEED only under ENVIRONMENT=test, so a deployment cannot make decisions predictable", () => {
    expect(config(envOf({ ENVIRONMENT: "test", DECISION_RNG_SEED: "s" })).DECISION_RNG_SEED).toBe("s");
    expect(errorOf({ ENVIRONMENT: "production", DECISION_RNG_SEED: "s" })).toMatch(/^edgeloop configuration is invalid: DECISION_RNG_SEED: /);
    expect(errorOf({ DECISION_RNG_SEED: "s" })).toContain("DECISION_RNG_SEED");
  });

  it("names every problem at once", () => {
    const message = errorOf({ JWT_SECRET: "short", MAX_EVENT_BYTES: "0", JWT_JWKS_URL: "not a url" });
    for (const name of ["JWT_SECRET", "MAX_EVENT_BYTES", "JWT_JWKS_URL"]) expect(message).toContain(`${name}: `);
  });

  it("parses each env object once", () => {
    const env = envOf({ MAX_BATCH_SIZE: "5" });
    expect(config(env)).toBe(config(env));
  });
});
