import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { lazily } from "../lazily.ts";
import { posterFonts, resvgWasm } from "./render-assets.ts";

/**
 * The PNG is the SVG rendered by resvg (its WebAssembly build: the same bytes on x86_64 and arm64, no
 * native module for the bundle to carry), with the DejaVu fonts given to it, since Lambda has none.
 */
const ready = lazily(async () => {
  await initWasm(await resvgWasm());
  return true;
});

/** 150 dots per inch on A4: sharp when printed, and the QR modules several pixels wide. */
export const POSTER_PNG_WIDTH = 1240;

export async function posterPng(svg: string): Promise<Buffer> {
  const [, fonts] = await Promise.all([ready(), posterFonts()]);
  const resvg = new Resvg(svg, {
    fitTo: { mode: "width", value: POSTER_PNG_WIDTH },
    font: {
      fontBuffers: [fonts.regular, fonts.bold],
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans",
    },
  });
  const image = resvg.render();
  try {
    return Buffer.from(image.asPng());
  } finally {
    image.free();
    resvg.free();
  }
}
