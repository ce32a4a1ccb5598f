import { fileURLToPath } from "node:url";

/**
 * A browser app's files, by the name they are served under (one flat folder, so one path segment names
 * each), and where each comes from in the repository. The same list tells the Lambda bundle what to copy
 * (infra/stack/function-bundles.ts) and the handler what it may send: nothing else under web/ or
 * node_modules/ is reachable. Libraries are served from here, never from a CDN.
 */
export interface ServedFile {
  source: string;
  type: string;
}

export type ServedFiles = Readonly<Record<string, ServedFile>>;

/**
 * Where a served file is read from: `<bundledDir>/<name>` next to the bundle's index.mjs once bundled
 * (esbuild keeps import.meta.url as the output file's), else the repository's source, as `npm start` and
 * the tests run it.
 */
export function servedFilePath(bundledDir: string, file: ServedFile, name: string): string {
  // This module runs from its own .ts file in the repository, from index.mjs once bundled.
  if (!import.meta.url.endsWith(".ts"))
    return fileURLToPath(new URL(`./${bundledDir}/${name}`, import.meta.url));
  return fileURLToPath(new URL(`../${file.source}`, import.meta.url));
}

export const JS = "text/javascript; charset=utf-8";
export const CSS = "text/css; charset=utf-8";
export const HTML = "text/html; charset=utf-8";
