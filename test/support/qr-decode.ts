import jsQRModule from "jsqr";
import { PNG } from "pngjs";

// jsqr is CommonJS with `exports.default`: typed (NodeNext) as the module object, while vitest's interop may
// hand over the function itself. Either way, the function.
type JsQR = typeof jsQRModule.default;
const jsQR: JsQR =
  typeof jsQRModule === "function"
    ? (jsQRModule as unknown as JsQR)
    : (jsQRModule as unknown as { default: JsQR }).default;

/** The text of the QR code a phone camera would find in a PNG, if any. */
export function decodeQrPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}
