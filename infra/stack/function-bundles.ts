import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { type BuildOptions, buildSync } from "esbuild";
import { handlerEntry, PROJECT_ROOT } from "./app-function.ts";

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
  return (handler) => {
    if (!unique.includes(handler)) throw new Error(`functions/${handler}.ts was not bundled`);
    return lambda.Code.fromAsset(join(outdir, handler));
  };
}

export const stubCode: CodeFor = () => lambda.Code.fromInline("export const handler = async () => ({});");
