// Before the browser tests: build sdk/dist from the current sources, and find (or install) Chromium once.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { ensureChromium } from "./chromium.mjs";

export default function setup(project: TestProject) {
  execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/build.mjs", import.meta.url))], { stdio: "inherit" });
  project.provide("chromiumPath", ensureChromium());
}
