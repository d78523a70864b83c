/// <reference types="vite/client" />
// Every documented route extends ApiRoute: jsonBody hands the parsed body to ApiRoute and leaves the request's stream
// read, so a route built on chanfana's OpenAPIRoute directly would validate an empty body ({}) and answer 400.
import { describe, expect, it } from "vitest";

// Vite inlines the sources at transform time, so this reads src/ inside workerd too.
const sources = import.meta.glob("../../../src/**/*.ts", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

describe("route classes", () => {
  it("read src/ (the glob found the route files)", () => {
    expect(Object.keys(sources).some((f) => f.endsWith("/decisions/routes.ts"))).toBe(true);
  });

  it("all extend ApiRoute; only ApiRoute extends chanfana's OpenAPIRoute", () => {
    const direct = Object.entries(sources)
      .filter(([file, text]) => !file.endsWith("/http/api-route.ts") && /extends\s+OpenAPIRoute\b/.test(text))
      .map(([file]) => file);
    expect(direct).toEqual([]);
  });
});
