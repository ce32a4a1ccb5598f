import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PKPass } from "passkit-generator";

/**
 * The model shipped next to this module. Resolved on demand: in a bundle, import.meta.url points
 * at the bundle (or is empty in CommonJS), and callers giving their own folder must not fail here.
 */
export function defaultModelDir(): string {
  return fileURLToPath(new URL("./model/", import.meta.url));
}

/** pass.json as passkit-generator validated and filled it, the identity included. */
export type TemplateProps = PKPass["props"];

export interface PassTemplate {
  /** Read-only: each render writes its own pass.json from it (`passes/apple/pass-json.ts`). */
  props: TemplateProps;
  /** The PNGs, kept outside the PKPass because it offers no way to read files back without signing them. */
  images: ReadonlyMap<string, Buffer>;
}

export interface PassIdentity {
  passTypeIdentifier: string;
  teamIdentifier: string;
}

/** Reads a model folder (pass.json and PNGs, no localised folders) into a reusable template. */
export function loadPassTemplate(modelDir: string, identity: PassIdentity): PassTemplate {
  let passJson: Buffer | undefined;
  const images = new Map<string, Buffer>();
  for (const entry of readdirSync(modelDir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) {
      continue;
    }
    if (entry.isFile() && entry.name === "pass.json") {
      passJson = readFileSync(join(modelDir, entry.name));
    } else if (entry.isFile() && entry.name.endsWith(".png")) {
      images.set(entry.name, readFileSync(join(modelDir, entry.name)));
    } else {
      throw new Error(`unexpected ${entry.name} in pass model ${modelDir}: only pass.json and PNGs are used`);
    }
  }
  for (const required of ["icon.png", "logo.png"]) {
    if (!images.has(required)) {
      throw new Error(`pass model ${modelDir} lacks ${required}`);
    }
  }
  if (!passJson) {
    throw new Error(`pass model ${modelDir} lacks pass.json`);
  }

  // The model goes through passkit-generator's schemas once, here; what a render adds is checked in
  // pass-json.ts and proved equal to passkit-generator's own output in test/unit/passes/apple-pass-json.test.ts.
  const pass = new PKPass({ "pass.json": passJson }, undefined, {
    passTypeIdentifier: identity.passTypeIdentifier,
    teamIdentifier: identity.teamIdentifier,
  });
  // passkit-generator only warns about a pass.json it rejects, leaving a pass without a style.
  if (pass.types.length !== 1 || pass.types[0]?.type !== "storeCard") {
    throw new Error(`pass model ${modelDir} must hold a valid storeCard pass.json`);
  }
  return { props: pass.props, images };
}
