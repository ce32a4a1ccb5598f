import { createHash } from "node:crypto";
import { toBuffer as zip } from "do-not-zip";
import type { ManifestSigner } from "./sign-manifest.ts";

const RESERVED = new Set(["manifest.json", "signature"]);

/**
 * Zips a pass: `files` (pass.json and images), manifest.json with each file's SHA-1 as Wallet
 * checks them, and the manifest's signature. do-not-zip is the zip writer passkit-generator uses.
 */
export function createPkpassArchive(
  files: ReadonlyMap<string, Buffer>,
  signManifest: ManifestSigner,
): Buffer {
  const manifest: Record<string, string> = {};
  for (const [path, data] of files) {
    if (RESERVED.has(path)) {
      throw new Error(`${path} is generated when the pass is signed`);
    }
    manifest[path] = createHash("sha1").update(data).digest("hex");
  }
  const manifestJson = Buffer.from(JSON.stringify(manifest));
  const entries = [
    ...Array.from(files, ([path, data]) => ({ path, data })),
    { path: "manifest.json", data: manifestJson },
    { path: "signature", data: signManifest(manifestJson) },
  ];
  // do-not-zip copies everything written so far for each entry it adds: with the largest file
  // (a merchant's logo) last, a 30 KB logo costs ≈5 ms instead of ≈16 ms. Order means nothing to Wallet.
  return zip(entries.sort((a, b) => a.data.length - b.data.length));
}
