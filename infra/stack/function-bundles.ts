import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { type BuildOptions, buildSync, type Metafile } from "esbuild";
import { POSTER_ASSET_DIR, POSTER_ASSET_FILES } from "../../shared/posters/asset-files.ts";
import { BUNDLED_CONSOLE_DIR, consoleFiles } from "../../web/console/served-files.ts";
import { BUNDLED_SCANNER_DIR, SCANNER_FILES } from "../../web/scanner/served-files.ts";
import { FUNCTIONS_DIR, handlerEntry, PROJECT_ROOT } from "./app-function.ts";

/**
 * Files a handler reads at run time, copied into its bundle beside index.mjs: folder → served name →
 * source in the repository. The pass-rendering functions read the Apple pass model, the scanner app and the
 * console serve their browser files this way (web/scanner/served-files.ts, web/console/served-files.ts), the
 * counter poster reads resvg's WebAssembly and its fonts (shared/posters/asset-files.ts).
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
  "console-app": {
    dir: BUNDLED_CONSOLE_DIR,
    files: Object.fromEntries(Object.entries(consoleFiles()).map(([name, file]) => [name, file.source])),
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

/** Budget for the code a function loads at init (index.mjs and the chunks it imports statically). */
export const BUNDLE_BUDGET_BYTES = 1024 * 1024;

/** One function's bundle: what Node loads at init, and what only the paths that import() it load. */
export interface BundleSize {
  handler: string;
  /** index.mjs and the chunks it imports statically, source maps aside. */
  initBytes: number;
  /** Chunks reached only through import(): loaded on first use by the path that needs them. */
  lazyBytes: number;
  /** The JavaScript files of the bundle (index.mjs and its chunks). */
  files: string[];
}

/** Every handler module (functions/*.ts): each is one function of the stack. */
export function handlerModules(): string[] {
  return readdirSync(FUNCTIONS_DIR)
    .filter((name) => name.endsWith(".ts"))
    .map((name) => name.slice(0, -3))
    .sort();
}

/**
 * Bundles every handler in one esbuild run with the esbuild in node_modules: offline, no Docker. One
 * run parses the shared code (the SDK, zod, shared/) once for all entry points, where NodejsFunction
 * would spawn npx and esbuild once per function: on 56 functions, a sixth of the CPU time.
 *
 * A handler whose own code (not a dependency's) has an import() is bundled again alone with code
 * splitting, so what it imports that way is a chunk read on first use instead of at init: the pass
 * renderer, the Google client, the poster's fontkit and pdf-lib. Alone, because esbuild puts code two
 * entry points share into chunks of their own, outside each function's folder. Its chunks sit beside
 * index.mjs, where `import.meta.url` finds the pass model and the poster's assets. The SDK's own
 * import()s (credential providers Lambda does not use) become chunks there too; elsewhere they stay
 * inline, which costs every function one build of the SDK per run.
 */
export function buildBundles(handlers: readonly string[], outdir: string): BundleSize[] {
  const unique = [...new Set(handlers)];
  const all = buildSync({
    ...BUNDLE_OPTIONS,
    absWorkingDir: PROJECT_ROOT,
    entryPoints: Object.fromEntries(unique.map((handler) => [handler, handlerEntry(handler)])),
    outdir,
    metafile: true,
  }).metafile;
  const sizes = unique.map((handler) => {
    if (!importsLazily(all, handler)) return sizeOf(all, outdir, handler);
    const split = buildSync({
      ...BUNDLE_OPTIONS,
      absWorkingDir: PROJECT_ROOT,
      entryPoints: { [handler]: handlerEntry(handler) },
      outdir,
      metafile: true,
      splitting: true,
      chunkNames: `${handler}/[name]-[hash]`,
    }).metafile;
    return sizeOf(split, outdir, handler);
  });
  for (const handler of unique) {
    const extra = BUNDLED_FILES[handler];
    if (!extra) continue;
    const into = join(outdir, handler, extra.dir);
    mkdirSync(into, { recursive: true });
    for (const [name, source] of Object.entries(extra.files))
      cpSync(join(PROJECT_ROOT, source), join(into, name));
  }
  return sizes;
}

/** `into` is for tests, which clean up after themselves. */
export function bundleHandlers(handlers: readonly string[], into?: string): CodeFor {
  const outdir = into ?? temporaryDirectory();
  const bundled = new Set(buildBundles(handlers, outdir).map((size) => size.handler));
  return (handler) => {
    if (!bundled.has(handler)) throw new Error(`functions/${handler}.ts was not bundled`);
    return lambda.Code.fromAsset(join(outdir, handler));
  };
}

function entryOutput(metafile: Metafile, handler: string): string {
  const entry = relative(PROJECT_ROOT, handlerEntry(handler));
  const output = Object.keys(metafile.outputs).find((path) => metafile.outputs[path]?.entryPoint === entry);
  if (!output) throw new Error(`esbuild wrote no bundle for ${entry}`);
  return output;
}

function importsLazily(metafile: Metafile, handler: string): boolean {
  const inputs = Object.keys(metafile.outputs[entryOutput(metafile, handler)]?.inputs ?? {});
  return inputs.some(
    (input) =>
      !input.includes("node_modules/") &&
      metafile.inputs[input]?.imports.some((edge) => edge.kind === "dynamic-import" && !edge.external),
  );
}

function sizeOf(metafile: Metafile, outdir: string, handler: string): BundleSize {
  const entry = entryOutput(metafile, handler);
  const folder = `${relative(PROJECT_ROOT, join(outdir, handler))}/`;
  const code = Object.keys(metafile.outputs).filter(
    (path) => path.startsWith(folder) && !path.endsWith(".map"),
  );
  const atInit = new Set<string>();
  const pending = [entry];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (atInit.has(path)) continue;
    atInit.add(path);
    for (const edge of metafile.outputs[path]?.imports ?? [])
      if (edge.kind === "import-statement" && !edge.external) pending.push(edge.path);
  }
  const bytes = (paths: string[]) =>
    paths.reduce((sum, path) => sum + (metafile.outputs[path]?.bytes ?? 0), 0);
  return {
    handler,
    initBytes: bytes([...atInit]),
    lazyBytes: bytes(code.filter((path) => !atInit.has(path))),
    files: code.map((path) => join(PROJECT_ROOT, path)),
  };
}

export const stubCode: CodeFor = () => lambda.Code.fromInline("export const handler = async () => ({});");
