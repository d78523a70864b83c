// `npm run sdk:size`: the SDK's core and hook as an app would ship them, minified (esbuild) and gzipped (zlib, level 9).
// `--check` exits 1 when the core is over its budget. measureSize() is also what the size test calls.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const SDK = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The core's minified+gzipped budget, in bytes (the README states the measured size). */
export const CORE_BUDGET_BYTES = 4096;

async function minified(entry, external = []) {
  const out = await build({ entryPoints: [join(SDK, entry)], bundle: true, minify: true, format: "esm", target: "es2020", platform: "neutral", external, write: false, logLevel: "silent" });
  return out.outputFiles[0].contents;
}

export async function measureSize() {
  const core = await minified("src/index.ts");
  const hook = await minified("src/react.ts", ["react", "./index.js"]);
  return {
    core: { minified: core.length, gzip: gzipSync(core, { level: 9 }).length },
    react: { minified: hook.length, gzip: gzipSync(hook, { level: 9 }).length },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = await measureSize();
  const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
  console.log(`core (createAnalytics)   ${kb(size.core.minified)} minified, ${kb(size.core.gzip)} gzipped (${size.core.gzip} bytes; budget ${CORE_BUDGET_BYTES})`);
  console.log(`react hook (useAnalytics) ${kb(size.react.minified)} minified, ${kb(size.react.gzip)} gzipped, on top of the core`);
  if (process.argv.includes("--check") && size.core.gzip > CORE_BUDGET_BYTES) {
    console.error(`The core is ${size.core.gzip} bytes gzipped, over its budget of ${CORE_BUDGET_BYTES}`);
    process.exit(1);
  }
}
