import { CSS, JS, type ServedFile, servedFilePath } from "../served-files.ts";

/**
 * The files GET /scanner/{file} serves, by name, and where each comes from in the repository
 * (web/served-files.ts says how the list is used). The WASM decoder is served from here, never from a CDN.
 */
export const SCANNER_FILES = {
  "index.html": { source: "web/scanner/index.html", type: "text/html; charset=utf-8" },
  "app.js": { source: "web/scanner/app.js", type: JS },
  "amount.js": { source: "web/scanner/amount.js", type: JS },
  "api.js": { source: "web/common/api.js", type: JS },
  "auth.js": { source: "web/common/auth.js", type: JS },
  "camera.js": { source: "web/scanner/camera.js", type: JS },
  "i18n.js": { source: "web/scanner/i18n.js", type: JS },
  "locale.js": { source: "web/common/locale.js", type: JS },
  "queue.js": { source: "web/scanner/queue.js", type: JS },
  "rewards.js": { source: "web/scanner/rewards.js", type: JS },
  "store.js": { source: "web/common/store.js", type: JS },
  "sw.js": { source: "web/scanner/sw.js", type: JS },
  "style.css": { source: "web/scanner/style.css", type: CSS },
  "icon.svg": { source: "web/scanner/icon.svg", type: "image/svg+xml" },
  "manifest.webmanifest": {
    source: "web/scanner/manifest.webmanifest",
    type: "application/manifest+json; charset=utf-8",
  },
  "zxing-reader.js": { source: "node_modules/zxing-wasm/dist/iife/reader/index.js", type: JS },
  "zxing_reader.wasm": {
    source: "node_modules/zxing-wasm/dist/reader/zxing_reader.wasm",
    type: "application/wasm",
  },
} as const satisfies Record<string, ServedFile>;

export type ScannerFile = keyof typeof SCANNER_FILES;

/** The folder, inside a function's bundle, the files are copied to (flat, by their served name). */
export const BUNDLED_SCANNER_DIR = "scanner";

export const scannerFilePath = (name: ScannerFile) =>
  servedFilePath(BUNDLED_SCANNER_DIR, SCANNER_FILES[name], name);
