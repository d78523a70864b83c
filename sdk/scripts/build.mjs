// Builds sdk/dist: the core and the React hook as ES modules (esbuild), and their type declarations (tsc).
// Runs from the root `npm install` (its `prepare` script), so a fresh clone has the SDK built.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const SDK = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

rmSync(join(SDK, "dist"), { recursive: true, force: true });
const common = { bundle: true, format: "esm", target: "es2020", platform: "neutral", logLevel: "warning" };
await build({ ...common, entryPoints: [join(SDK, "src/index.ts")], outfile: join(SDK, "dist/index.js") });
// The hook imports the core from ./index.js at run time, so an app that uses both ships the core once.
await build({ ...common, entryPoints: [join(SDK, "src/react.ts")], outfile: join(SDK, "dist/react.js"), external: ["react", "./index.js"] });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(SDK, "tsconfig.build.json")], { stdio: "inherit" });
console.log("[sdk] built sdk/dist (index.js, react.js and their .d.ts)");
