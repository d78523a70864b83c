// A tiny static server on its own port (another origin than the Worker's, as a customer's site would be): the test
// pages, the built SDK from sdk/dist, and the React test app and posthog-js bundled on start.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { freePort } from "../../../test-support/local-worker.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(HERE, "../../dist");
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

const PAGE = `<!doctype html><meta charset="utf-8"><title>edgeloop sdk test</title>
<p>SDK test page</p>
<script type="module">
  import { createAnalytics } from "/sdk/index.js";
  window.errors = [];
  window.edgeloop = { createAnalytics };
</script>`;
const OTHER = `<!doctype html><meta charset="utf-8"><title>elsewhere</title><p>Another page</p>`;
// posthog-js, unmodified, as a site that already uses it would load it (bundled from node_modules: no CDN here).
const POSTHOG = `<!doctype html><meta charset="utf-8"><title>posthog-js test</title><p>posthog-js page</p>
<script src="/posthog.js"></script>`;
const REACT = `<!doctype html><meta charset="utf-8"><title>react test</title><div id="root"></div>
<script type="module" src="/react-app.js"></script>`;

export async function startStaticServer() {
  // The app imports the hook from sdk/dist as a customer would import the package; react comes from node_modules.
  const app = await build({ entryPoints: [path.join(HERE, "react-app.tsx")], bundle: true, format: "esm", write: false, jsx: "automatic", define: { "process.env.NODE_ENV": '"production"' }, logLevel: "silent" });
  const posthog = await build({ stdin: { contents: 'import posthog from "posthog-js"; window.posthog = posthog;', resolveDir: HERE }, bundle: true, format: "iife", write: false, logLevel: "silent" });
  const files = { "/page.html": PAGE, "/other.html": OTHER, "/react.html": REACT, "/react-app.js": app.outputFiles[0].text, "/posthog.html": POSTHOG, "/posthog.js": posthog.outputFiles[0].text };
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    let body = files[pathname];
    if (body === undefined && pathname.startsWith("/sdk/")) {
      const file = path.join(DIST, path.normalize(pathname.slice(5)));
      if (file.startsWith(DIST) && fs.existsSync(file)) body = fs.readFileSync(file, "utf8");
    }
    if (body === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(pathname)] ?? "text/plain", "cache-control": "no-store" }).end(body);
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
