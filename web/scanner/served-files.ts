import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The files GET /scanner/{file} serves, by name (one flat folder, so one path segment names each), and
 * where each comes from in the repository. The same list tells the Lambda bundle what to copy
 * (infra/stack/function-bundles.ts) and the handler what it may send: nothing else under web/ or
 * node_modules/ is reachable. The WASM decoder is served from here, never from a CDN.
 */
export const SCANNER_FILES = {
  "index.html": { source: "web/scanner/index.html", type: "text/html; charset=utf-8" },
  "app.js": { source: "web/scanner/app.js", type: "text/javascript; charset=utf-8" },
  "amount.js": { source: "web/scanner/amount.js", type: "text/javascript; charset=utf-8" },
  "api.js": { source: "web/scanner/api.js", type: "text/javascript; charset=utf-8" },
  "auth.js": { source: "web/scanner/auth.js", type: "text/javascript; charset=utf-8" },
  "camera.js": { source: "web/scanner/camera.js", type: "text/javascript; charset=utf-8" },
  "i18n.js": { source: "web/scanner/i18n.js", type: "text/javascript; charset=utf-8" },
  "queue.js": { source: "web/scanner/queue.js", type: "text/javascript; charset=utf-8" },
  "rewards.js": { source: "web/scanner/rewards.js", type: "text/javascript; charset=utf-8" },
  "store.js": { source: "web/scanner/store.js", type: "text/javascript; charset=utf-8" },
  "sw.js": { source: "web/scanner/sw.js", type: "text/javascript; charset=utf-8" },
  "style.css": { source: "web/scanner/style.css", type: "text/css; charset=utf-8" },
  "icon.svg": { source: "web/scanner/icon.svg", type: "image/svg+xml" },
  "manifest.webmanifest": {
    source: "web/scanner/manifest.webmanifest",
    type: "application/manifest+json; charset=utf-8",
  },
  "zxing-reader.js": {
    source: "node_modules/zxing-wasm/dist/iife/reader/index.js",
    type: "text/javascript; charset=utf-8",
  },
  "zxing_reader.wasm": {
    source: "node_modules/zxing-wasm/dist/reader/zxing_reader.wasm",
    type: "application/wasm",
  },
} as const satisfies Record<string, { source: string; type: string }>;

export type ScannerFile = keyof typeof SCANNER_FILES;

/** The folder, inside a function's bundle, the files are copied to (flat, by their served name). */
export const BUNDLED_SCANNER_DIR = "scanner";

/**
 * Where a served file is read from: next to the bundle's index.mjs once bundled (esbuild keeps
 * import.meta.url as the output file's), else in the repository, as `npm start` and the tests run it.
 */
export function scannerFilePath(name: ScannerFile): string {
  const bundled = new URL(`./${BUNDLED_SCANNER_DIR}/${name}`, import.meta.url);
  if (existsSync(bundled)) return fileURLToPath(bundled);
  return fileURLToPath(new URL(`../../${SCANNER_FILES[name].source}`, import.meta.url));
}
