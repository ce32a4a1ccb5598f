import fontkit from "@pdf-lib/fontkit";
import type { Measure } from "./text-fit.ts";

/**
 * fontkit reads the font's advance widths. Apart from text-fit.ts because fontkit is most of the poster
 * function's code: poster.ts imports this module on first use, so the function's bundle loads it then.
 */
export function measureWith(fontBytes: Uint8Array): Measure {
  const font = fontkit.create(fontBytes);
  return (text, size) => (font.layout(text).advanceWidth / font.unitsPerEm) * size;
}
