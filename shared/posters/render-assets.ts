import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { lazily } from "../lazily.ts";
import { POSTER_ASSET_DIR, POSTER_ASSET_FILES, type PosterAsset } from "./asset-files.ts";

/**
 * Where an asset is: beside the bundle on Lambda (index.mjs and POSTER_ASSET_DIR/ side by side), else in
 * the repository's node_modules (the local stack, the tests), two folders up from this module.
 */
function assetPath(name: PosterAsset): string {
  const bundled = fileURLToPath(new URL(`./${POSTER_ASSET_DIR}/${name}`, import.meta.url));
  if (existsSync(bundled)) return bundled;
  return fileURLToPath(new URL(`../../${POSTER_ASSET_FILES[name]}`, import.meta.url));
}

export interface PosterFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

/** The fonts, read once per container. */
export const posterFonts = lazily(
  async (): Promise<PosterFonts> => ({
    regular: await readFile(assetPath("DejaVuSans.ttf")),
    bold: await readFile(assetPath("DejaVuSans-Bold.ttf")),
  }),
);

/** resvg's WebAssembly module, read once per container. */
export const resvgWasm = lazily(() => readFile(assetPath("resvg.wasm")));
