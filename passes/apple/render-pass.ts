import type { PassCertificates } from "./pass-certificates.ts";
import { buildPassJson } from "./pass-json.ts";
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

/**
 * Loads the model and parses the certificates once, for the life of the container.
 *
 * passkit-generator validates the model and the identity when it is loaded; each pass's
 * pass.json is then written by buildPassJson, and the bundle zipped and signed with node:crypto.
 * passkit-generator's own path would clone the template, validate every field again and sign with
 * node-forge's JavaScript RSA after re-parsing the PEM: ≈20–30 ms a pass, where this render takes well
 * under 1 ms (see README.md, Performance).
 */
export function createApplePassRenderer(options: ApplePassRendererOptions): ApplePassRenderer {
  const template = loadPassTemplate(options.modelDir ?? defaultModelDir(), {
    passTypeIdentifier: options.passTypeIdentifier,
    teamIdentifier: options.teamIdentifier,
  });
  const { webServiceURL, timeZone } = options;
  assertWebServiceUrl(webServiceURL);
  const signManifest = createManifestSigner(options.certificates, { clock: options.clock });

  return {
    async render(view) {
      const passJson = buildPassJson(template.props, view, { webServiceURL, timeZone });
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

// Wallet calls it for updates: https on AWS, http only for the local stack; it is the base of /v1/… paths.
function assertWebServiceUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !["https:", "http:"].includes(parsed.protocol) || parsed.search || parsed.hash) {
    throw new TypeError(`webServiceURL must be an http(s) URL without query or fragment, got ${url}`);
  }
}
