import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { type BuildOptions, buildSync } from "esbuild";
import { POSTER_ASSET_DIR, POSTER_ASSET_FILES } from "../../shared/posters/asset-files.ts";
import { BUNDLED_SCANNER_DIR, SCANNER_FILES } from "../../web/scanner/served-files.ts";
import { handlerEntry, PROJECT_ROOT } from "./app-function.ts";

/**
 * Files a handler reads at run time, copied into its bundle beside index.mjs: folder → served name →
 * source in the repository. The pass-rendering functions read the Apple pass model, the scanner app serves
 * its browser files this way (web/scanner/served-files.ts), the counter poster reads resvg's WebAssembly and
 * its fonts (shared/posters/asset-files.ts).
 */
// The Apple pass model (pass.json and its images) that passes/apple/pass-template.ts reads from `./model/`
// beside the running module: beside index.mjs in a bundle.
const APPLE_PASS_MODEL = {
  dir: "model",
  files: Object.fromEntries(
    readdirSync(join(PROJECT_ROOT, "passes/apple/model")).map((name) => [name, `passes/apple/model/${name}`]),
  ),
};

export const BUNDLED_FILES: Readonly<Record<string, { dir: string; files: Record<string, string> }>> = {
  // The functions that render a member's pass (passes/apple/web-service.ts).
  "apple-get-pass": APPLE_PASS_MODEL,
  "pass-download": APPLE_PASS_MODEL,
  "scanner-app": {
    dir: BUNDLED_SCANNER_DIR,
    files: Object.fromEntries(Object.entries(SCANNER_FILES).map(([name, file]) => [name, file.source])),
  },
  "locations-poster": { dir: POSTER_ASSET_DIR, files: POSTER_ASSET_FILES },
};

/** What every function is bundled with; the runtime it targets is nodejs22.x (app-function.ts). */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  // Lambda loads index.mjs as an ES module without a package.json saying so.
  outExtension: { ".js": ".mjs" },
  entryNames: "[name]/index",
  minify: true,
  sourcemap: true,
  // Stack traces still map to file and line; the sources themselves would double the bundle.
  sourcesContent: false,
  mainFields: ["module", "main"],
  // Nothing external: the lock file pins the AWS SDK we test against, while the runtime's copy lags
  // and changes underneath us.
  external: [],
  // CommonJS dependencies call require(), which an ES module does not have.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: "error",
} as const satisfies BuildOptions;

/** Removed when synth ends: Code.fromAsset has copied each bundle into the cloud assembly by then. */
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "loyalty-wallet-bundles-"));
  process.once("exit", () => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** Lambda code for a handler module; "stub" code is a one-line inline handler, for unit tests. */
export type CodeFor = (handler: string) => lambda.Code;

/**
 * Bundles every handler in one esbuild run with the esbuild in node_modules: offline, no Docker. One
 * run parses the shared code (the SDK, zod, shared/) once for all entry points, where NodejsFunction
 * would spawn npx and esbuild once per function: on 56 functions, a sixth of the CPU time.
 * `into` is for tests, which clean up after themselves.
 */
export function bundleHandlers(handlers: readonly string[], into?: string): CodeFor {
  const outdir = into ?? temporaryDirectory();
  const unique = [...new Set(handlers)];
  buildSync({
    ...BUNDLE_OPTIONS,
    absWorkingDir: PROJECT_ROOT,
    entryPoints: Object.fromEntries(unique.map((handler) => [handler, handlerEntry(handler)])),
    outdir,
  });
  for (const handler of unique) {
    const extra = BUNDLED_FILES[handler];
    if (!extra) continue;
    const into = join(outdir, handler, extra.dir);
    mkdirSync(into, { recursive: true });
    for (const [name, source] of Object.entries(extra.files))
      cpSync(join(PROJECT_ROOT, source), join(into, name));
  }
  return (handler) => {
    if (!unique.includes(handler)) throw new Error(`functions/${handler}.ts was not bundled`);
    return lambda.Code.fromAsset(join(outdir, handler));
  };
}

export const stubCode: CodeFor = () => lambda.Code.fromInline("export const handler = async () => ({});");
