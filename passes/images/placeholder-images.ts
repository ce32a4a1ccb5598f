import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { crc32, deflateSync } from "node:zlib";

/**
 * Draws the deployment's placeholder artwork (a yellow disc), at every size Wallet asks for, so the
 * committed PNGs can be made again exactly: `npx tsx passes/images/placeholder-images.ts` rewrites them.
 * Not used at run time: the pass model and the Google logo are read as files.
 */

type Rgba = readonly [number, number, number, number];

const YELLOW: Rgba = [255, 196, 0, 255];
const DARK: Rgba = [40, 40, 40, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/** A disc on a plain background; a pixel is inside when its centre is. */
function disc(
  width: number,
  height: number,
  shape: { cx: number; cy: number; r: number; fill: Rgba; background: Rgba },
): Buffer {
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = (x + 0.5 - shape.cx) ** 2 + (y + 0.5 - shape.cy) ** 2 <= shape.r ** 2;
      pixels.set(inside ? shape.fill : shape.background, (y * width + x) * 4);
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG, unfiltered rows, one IDAT. */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError("pixel data does not match the size");
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, no filter method, no interlace
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The pass icon: 29×29 pt, square, opaque (Wallet shows it on the lock screen and in Mail). */
export function iconPng(scale: 1 | 2 | 3): Buffer {
  const size = 29 * scale;
  return encodePng(
    size,
    size,
    disc(size, size, { cx: size / 2, cy: size / 2, r: 0.4 * size, fill: YELLOW, background: DARK }),
  );
}

/** The storeCard logo: at most 160×50 pt, transparent, drawn at the left where Wallet puts it. */
export function logoPng(scale: 1 | 2 | 3): Buffer {
  const [width, height] = [160 * scale, 50 * scale];
  return encodePng(
    width,
    height,
    disc(width, height, { cx: 25 * scale, cy: 25 * scale, r: 20 * scale, fill: YELLOW, background: CLEAR }),
  );
}

/** Google's class logo: square, 660×660 px as Google recommends; Google Wallet crops it to a circle. */
export function googleProgramLogoPng(): Buffer {
  const size = 660;
  return encodePng(
    size,
    size,
    disc(size, size, { cx: size / 2, cy: size / 2, r: 0.4 * size, fill: YELLOW, background: DARK }),
  );
}

/** Every committed image, by path from the repository root. */
export const PLACEHOLDER_IMAGES: Readonly<Record<string, () => Buffer>> = {
  "passes/apple/model/icon.png": () => iconPng(1),
  "passes/apple/model/icon@2x.png": () => iconPng(2),
  "passes/apple/model/icon@3x.png": () => iconPng(3),
  "passes/apple/model/logo.png": () => logoPng(1),
  "passes/apple/model/logo@2x.png": () => logoPng(2),
  "passes/apple/model/logo@3x.png": () => logoPng(3),
  "passes/google/program-logo.png": googleProgramLogoPng,
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  for (const [path, draw] of Object.entries(PLACEHOLDER_IMAGES)) writeFileSync(`${root}${path}`, draw());
}
