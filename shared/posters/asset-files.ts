/**
 * Files the poster's rendering reads at run time (./render-assets.ts): resvg's WebAssembly module and the
 * DejaVu Sans fonts. Data only, imported by the bundler (infra/stack/function-bundles.ts), which copies
 * them into the poster function's bundle under POSTER_ASSET_DIR; elsewhere they are read from
 * node_modules. Name in the bundle → path in the repository.
 */
export const POSTER_ASSET_DIR = "poster-assets";

export const POSTER_ASSET_FILES = {
  "resvg.wasm": "node_modules/@resvg/resvg-wasm/index_bg.wasm",
  "DejaVuSans.ttf": "node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
  "DejaVuSans-Bold.ttf": "node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf",
} as const;

export type PosterAsset = keyof typeof POSTER_ASSET_FILES;
