import { PKPass } from "passkit-generator";
import type { PassCertificates } from "./pass-certificates.ts";
import { buildPassFields } from "./pass-fields.ts";
import { defaultModelDir, loadPassTemplate } from "./pass-template.ts";
import type { ApplePassView } from "./pass-view.ts";
import { createPkpassArchive } from "./pkpass-archive.ts";
import { createManifestSigner } from "./sign-manifest.ts";

export type { PassCertificates } from "./pass-certificates.ts";
export type { ApplePassView, PassLocale } from "./pass-view.ts";

export interface ApplePassRendererOptions {
  certificates: PassCertificates;
  passTypeIdentifier: string;
  teamIdentifier: string;
  webServiceURL: string;
  /** Source of the signature's signing time. */
  clock?: () => Date;
  /** Folder holding pass.json and the PNGs; defaults to the model next to this module. */
  modelDir?: string;
  /** IANA zone in which history dates are written (the merchant's); defaults to UTC. */
  timeZone?: string;
}

export interface ApplePassRenderer {
  render(view: ApplePassView): Promise<{ pkpass: Buffer }>;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const RGB = /^rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)$/;

/**
 * Loads the model and parses the certificates once, for the life of the container.
 *
 * passkit-generator builds and validates pass.json (props, colours, fields and unique keys,
 * barcodes), but its getAsBuffer() also signs, and that signing is replaced: it re-parses the
 * PEM and runs RSA in node-forge's JavaScript on every pass, ≈20–50 ms where this whole render
 * takes ≈2 ms (10–20× slower; see README.md). So the bundle is assembled from the pass's props
 * and the template's images, and signed by createManifestSigner with node:crypto.
 */
export function createApplePassRenderer(options: ApplePassRendererOptions): ApplePassRenderer {
  const template = loadPassTemplate(options.modelDir ?? defaultModelDir(), options);
  const signManifest = createManifestSigner(options.certificates, { clock: options.clock });

  return {
    async render(view) {
      assertColors(view.colors);
      // The barcode payload is encoded as ISO-8859-1; other characters would scan as garbage.
      if (Buffer.from(view.barcode, "latin1").toString("latin1") !== view.barcode) {
        throw new TypeError("barcode must only use ISO-8859-1 characters");
      }

      const pass = await PKPass.from(template.pass, {
        serialNumber: view.serialNumber,
        authenticationToken: view.authenticationToken,
        webServiceURL: options.webServiceURL,
        organizationName: view.organizationName,
        description: view.description,
        backgroundColor: view.colors.background,
        foregroundColor: view.colors.foreground,
        labelColor: view.colors.label,
        ...(view.voided ? { voided: true } : {}),
      });
      const [storeCard] = pass.types;
      if (!storeCard) {
        throw new Error("the cloned pass lost its storeCard style");
      }
      const fields = buildPassFields(view, options.timeZone);
      storeCard.primaryFields.push(...fields.primaryFields);
      storeCard.secondaryFields.push(...fields.secondaryFields);
      storeCard.auxiliaryFields.push(...fields.auxiliaryFields);
      storeCard.backFields.push(...fields.backFields);
      pass.setBarcodes({
        format: "PKBarcodeFormatQR",
        message: view.barcode,
        messageEncoding: "iso-8859-1",
        altText: view.barcode,
      });

      const passJson = pass.props;
      // setBarcodes drops an invalid barcode with a warning; a card without one is useless.
      if (passJson.barcodes?.length !== 1) {
        throw new TypeError(`invalid barcode: ${JSON.stringify(view.barcode)}`);
      }
      const files = new Map<string, Buffer>([["pass.json", Buffer.from(JSON.stringify(passJson))]]);
      for (const [name, image] of template.images) {
        files.set(name, image);
      }
      if (view.logoPng) {
        setLogo(files, view.logoPng);
      }
      return { pkpass: createPkpassArchive(files, signManifest) };
    },
  };
}

function setLogo(files: Map<string, Buffer>, logo: Buffer): void {
  if (!logo.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
    throw new TypeError("logoPng is not a PNG");
  }
  // Retina devices prefer logo@2x/@3x: the template's would hide the merchant's logo.
  for (const name of files.keys()) {
    if (/^logo@\dx\.png$/.test(name)) {
      files.delete(name);
    }
  }
  files.set("logo.png", logo);
}

function assertColors(colors: ApplePassView["colors"]): void {
  for (const [name, color] of Object.entries(colors)) {
    if (!RGB.test(color)) {
      throw new TypeError(`colors.${name} must be written rgb(r,g,b), got ${color}`);
    }
  }
}
