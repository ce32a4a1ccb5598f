import { createHash } from "node:crypto";
import { zipSync } from "fflate";
import type { ManifestSigner } from "./sign-manifest.ts";

const RESERVED = new Set(["manifest.json", "signature"]);

/**
 * Zips a pass: `files` (pass.json and images), manifest.json with each file's SHA-1 as Wallet
 * checks them, and the manifest's signature. fflate writes the archive in well under a millisecond;
 * do-not-zip (passkit-generator's writer) handled bytes as JavaScript arrays and cost 5–9 ms per pass
 * with a merchant logo, more than the signature.
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
  const entries: Record<string, Uint8Array> = Object.fromEntries(files);
  entries["manifest.json"] = manifestJson;
  entries.signature = signManifest(manifestJson);
  // Stored, not deflated: PNGs are compressed already, and the rest is a few kilobytes.
  return Buffer.from(zipSync(entries, { level: 0 }));
}
