// do-not-zip ships no types; it is passkit-generator's own (store-only) zip writer.
declare module "do-not-zip" {
  export function toBuffer(files: ReadonlyArray<{ path: string; data: string | Uint8Array }>): Buffer;
}
