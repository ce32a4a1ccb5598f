import { readFile } from "node:fs/promises";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { PLACEHOLDER_IMAGES } from "../../../passes/images/placeholder-images.ts";
import { pngSize } from "./apple-pass-rules.ts";

const EXPECTED_SIZES: Record<string, [number, number]> = {
  "passes/apple/model/icon.png": [29, 29],
  "passes/apple/model/icon@2x.png": [58, 58],
  "passes/apple/model/icon@3x.png": [87, 87],
  "passes/apple/model/logo.png": [160, 50],
  "passes/apple/model/logo@2x.png": [320, 100],
  "passes/apple/model/logo@3x.png": [480, 150],
  "passes/google/program-logo.png": [660, 660],
};

describe("the committed placeholder images", () => {
  it.each(Object.keys(EXPECTED_SIZES))(
    "%s is at its Wallet size and as the drawing makes it",
    async (path) => {
      const committed = await readFile(path);
      expect(pngSize(committed)).toEqual({
        width: EXPECTED_SIZES[path]?.[0],
        height: EXPECTED_SIZES[path]?.[1],
      });
      // Regenerate with `npx tsx passes/images/placeholder-images.ts` after changing the drawing.
      expect(committed.equals(PLACEHOLDER_IMAGES[path]?.() ?? Buffer.alloc(0))).toBe(true);
    },
  );

  it("are every image the drawing makes, and proper PNGs zlib can inflate", async () => {
    expect(Object.keys(PLACEHOLDER_IMAGES).sort()).toEqual(Object.keys(EXPECTED_SIZES).sort());
    const png = await readFile("passes/apple/model/icon@3x.png");
    const idat = png.indexOf("IDAT");
    const length = png.readUInt32BE(idat - 4);
    // One filter byte and 87 RGBA pixels per row.
    expect(inflateSync(png.subarray(idat + 4, idat + 4 + length)).length).toBe(87 * (87 * 4 + 1));
  });
});
