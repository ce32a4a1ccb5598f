import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** The repository's root, for naming files and folders relative to it. */
export const REPO_ROOT = resolve(import.meta.dirname, "../..");

// Static imports and re-exports (`import … from`, `export … from`), bare imports, and dynamic import().
const SPECIFIERS = [
  /\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
];

/** Every module specifier a source text names, in no particular order. */
export function importSpecifiers(source: string): string[] {
  return SPECIFIERS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] as string));
}

export interface ModuleImport {
  /** The importing file, relative to the repository's root. */
  file: string;
  specifier: string;
  /** Where a relative specifier lands, relative to the root; undefined for packages. */
  target?: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** What every source file under `folder` (relative to the root) imports. */
export function importsUnder(folder: string): ModuleImport[] {
  return sourceFiles(join(REPO_ROOT, folder)).flatMap((path) =>
    importSpecifiers(readFileSync(path, "utf8")).map((specifier) => ({
      file: relative(REPO_ROOT, path),
      specifier,
      ...(specifier.startsWith(".")
        ? { target: relative(REPO_ROOT, resolve(dirname(path), specifier)) }
        : {}),
    })),
  );
}
