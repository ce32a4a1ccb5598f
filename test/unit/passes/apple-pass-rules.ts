import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { opensslVerify, type UnzippedPass } from "./apple-pkpass-tools.ts";

/**
 * Apple's rules for a .pkpass, checked without any of the code that builds one: the system's openssl
 * for the signature, node:crypto for the hashes, and the rules as Apple documents them ("Wallet
 * Passes" / PassKit Package Format Reference; ../shared/reference/wallet-protocols.md §3). Returns the
 * problems found, so a test can show them all at once; empty means the bundle conforms.
 */

export const OPENSSL_AVAILABLE = spawnSync("openssl", ["version"], { stdio: "pipe" }).status === 0;

const REQUIRED_STRINGS = [
  "passTypeIdentifier",
  "serialNumber",
  "teamIdentifier",
  "organizationName",
  "description",
] as const;
const STYLES = ["boardingPass", "coupon", "eventTicket", "generic", "storeCard"] as const;
const BARCODE_FORMATS = new Set([
  "PKBarcodeFormatQR",
  "PKBarcodeFormatPDF417",
  "PKBarcodeFormatAztec",
  "PKBarcodeFormatCode128",
]);
const FIELD_GROUPS = ["headerFields", "primaryFields", "secondaryFields", "auxiliaryFields", "backFields"];
const COLOR = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/;
// W3C date with seconds and a zone, no fractions: Wallet refuses the whole pass otherwise.
const W3C_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Points per image, at 1x; @2x and @3x are that many times larger. `exact` for square icons. */
const IMAGES = {
  icon: { width: 29, height: 29, exact: true },
  logo: { width: 160, height: 50, exact: false },
} as const;
const SCALES = [
  ["", 1],
  ["@2x", 2],
  ["@3x", 3],
] as const;

export interface PassRuleOptions {
  /** The CA the signer certificate chains to (Apple's WWDR, or the dev CA locally). */
  wwdrPath: string;
  /** Without openssl the signature check is left out (and reported by the caller); everything else runs. */
  checkSignature?: boolean;
}

export function pngSize(png: Buffer): { width: number; height: number } | undefined {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (png.toString("latin1", 12, 16) !== "IHDR") return undefined;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function manifestProblems(pass: UnzippedPass): string[] {
  const problems: string[] = [];
  const raw = pass.files.get("manifest.json");
  if (!raw) return ["manifest.json is missing"];
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(raw.toString("utf8"));
  } catch {
    return ["manifest.json is not JSON"];
  }
  for (const [name, bytes] of pass.files) {
    if (name === "manifest.json" || name === "signature") continue;
    const digest = createHash("sha1").update(bytes).digest("hex");
    if (manifest[name] === undefined) problems.push(`manifest.json does not list ${name}`);
    else if (manifest[name] !== digest) problems.push(`manifest.json has the wrong SHA-1 for ${name}`);
  }
  for (const name of Object.keys(manifest)) {
    if (!pass.files.has(name)) problems.push(`manifest.json lists ${name}, which the bundle lacks`);
  }
  return problems;
}

function signatureProblems(
  pass: UnzippedPass,
  passJson: Record<string, unknown>,
  wwdrPath: string,
): string[] {
  if (!pass.files.has("signature")) return ["signature is missing"];
  const signature = join(pass.dir, "signature");
  const verified = opensslVerify(signature, join(pass.dir, "manifest.json"), wwdrPath);
  if (verified !== 0) return ["signature does not verify against the WWDR CA over manifest.json"];
  const problems: string[] = [];
  // Embedded: the signer, whose UID is the pass type and OU the team, and the WWDR certificate.
  const subjects = spawnSync(
    "openssl",
    ["pkcs7", "-inform", "DER", "-in", signature, "-print_certs", "-noout"],
    { stdio: "pipe" },
  )
    .stdout.toString("utf8")
    .split("\n")
    .filter((line) => line.startsWith("subject="))
    .map((line) => line.slice("subject=".length).trim());
  const wwdrSubject = spawnSync("openssl", ["x509", "-in", wwdrPath, "-noout", "-subject"], { stdio: "pipe" })
    .stdout.toString("utf8")
    .trim()
    .slice("subject=".length);
  if (!subjects.includes(wwdrSubject)) problems.push("the signature does not embed the WWDR certificate");
  const signer = subjects.find((subject) => subject !== wwdrSubject) ?? "";
  // openssl's one-line names: "UID = pass.x, CN = Pass Type ID: pass.x, OU = TEAM, …".
  const parts = signer.split(", ");
  if (!parts.includes(`UID = ${String(passJson.passTypeIdentifier)}`)) {
    problems.push(`the signer certificate is not for UID=${String(passJson.passTypeIdentifier)}: ${signer}`);
  }
  if (!parts.includes(`OU = ${String(passJson.teamIdentifier)}`)) {
    problems.push(`the signer certificate is not for OU=${String(passJson.teamIdentifier)}: ${signer}`);
  }
  const structure = spawnSync("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", signature], {
    stdio: "pipe",
  }).stdout.toString("utf8");
  for (const attribute of ["contentType", "messageDigest", "signingTime"]) {
    if (!structure.includes(`object: ${attribute}`))
      problems.push(`the signature lacks signed attribute ${attribute}`);
  }
  if (!/eContent: <ABSENT>/.test(structure)) problems.push("the signature is not detached");
  return problems;
}

function fieldProblems(style: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const group of FIELD_GROUPS) {
    const fields = style[group];
    if (fields === undefined) continue;
    if (!Array.isArray(fields)) {
      problems.push(`${group} is not an array`);
      continue;
    }
    for (const field of fields as Array<Record<string, unknown>>) {
      const key = field.key;
      if (typeof key !== "string" || key.length === 0) problems.push(`a field in ${group} has no key`);
      else if (keys.has(key)) problems.push(`field key ${key} is used twice`);
      else keys.add(key);
      if (typeof field.value !== "string" && typeof field.value !== "number") {
        problems.push(`field ${String(key)} has no string or number value`);
      }
      if (field.changeMessage !== undefined && !String(field.changeMessage).includes("%@")) {
        problems.push(`field ${String(key)}'s changeMessage lacks %@`);
      }
      if ((field.dateStyle || field.timeStyle) && !W3C_DATE.test(String(field.value))) {
        problems.push(
          `date field ${String(key)} is not a W3C date without fractions: ${String(field.value)}`,
        );
      }
    }
  }
  return problems;
}

function passJsonProblems(passJson: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (passJson.formatVersion !== 1)
    problems.push(`formatVersion is ${String(passJson.formatVersion)}, not 1`);
  for (const key of REQUIRED_STRINGS) {
    if (typeof passJson[key] !== "string" || passJson[key] === "") problems.push(`${key} is missing`);
  }
  const styles = STYLES.filter((style) => passJson[style] !== undefined);
  if (styles.length !== 1)
    problems.push(`a pass has exactly one style key, this one has ${styles.join(", ") || "none"}`);
  const style = (styles[0] && (passJson[styles[0]] as Record<string, unknown>)) ?? {};
  problems.push(...fieldProblems(style));

  const barcodes = passJson.barcodes;
  if (!Array.isArray(barcodes) || barcodes.length === 0) problems.push("barcodes is missing");
  for (const barcode of (Array.isArray(barcodes) ? barcodes : []) as Array<Record<string, unknown>>) {
    if (!BARCODE_FORMATS.has(String(barcode.format)))
      problems.push(`barcode format ${String(barcode.format)}`);
    if (typeof barcode.message !== "string") problems.push("a barcode has no message");
    if (typeof barcode.messageEncoding !== "string") problems.push("a barcode has no messageEncoding");
  }

  const hasService = passJson.webServiceURL !== undefined || passJson.authenticationToken !== undefined;
  if (hasService) {
    if (String(passJson.authenticationToken ?? "").length < 16) {
      problems.push("authenticationToken is shorter than 16 characters");
    }
    const url = URL.canParse(String(passJson.webServiceURL))
      ? new URL(String(passJson.webServiceURL))
      : undefined;
    const local = url && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
    if (!url || !(url.protocol === "https:" || (local && url.protocol === "http:"))) {
      problems.push(
        `webServiceURL must be https (http only for a local server): ${String(passJson.webServiceURL)}`,
      );
    }
  }
  for (const name of ["backgroundColor", "foregroundColor", "labelColor"]) {
    const value = passJson[name];
    if (value === undefined) continue;
    const match = COLOR.exec(String(value));
    if (!match || match.slice(1).some((channel) => Number(channel) > 255)) {
      problems.push(`${name} is not rgb(r,g,b): ${String(value)}`);
    }
  }
  for (const name of ["expirationDate", "relevantDate"]) {
    if (passJson[name] !== undefined && !W3C_DATE.test(String(passJson[name]))) {
      problems.push(`${name} is not a W3C date`);
    }
  }
  return problems;
}

/**
 * The images: icon.png always, logo.png for a storeCard, each with its @2x and @3x. A merchant's own
 * logo (logo.png alone, with no template variant) is allowed with `allowSingleLogo`.
 */
function imageProblems(pass: UnzippedPass, options: { allowSingleLogo: boolean }): string[] {
  const problems: string[] = [];
  for (const [image, size] of Object.entries(IMAGES)) {
    for (const [suffix, scale] of SCALES) {
      const name = `${image}${suffix}.png`;
      const png = pass.files.get(name);
      if (!png) {
        if (!(image === "logo" && suffix !== "" && options.allowSingleLogo))
          problems.push(`${name} is missing`);
        continue;
      }
      const found = pngSize(png);
      if (!found) {
        problems.push(`${name} is not a PNG`);
        continue;
      }
      const [width, height] = [size.width * scale, size.height * scale];
      const fits = size.exact
        ? found.width === width && found.height === height
        : found.width <= width && found.height <= height;
      if (!fits) {
        problems.push(
          `${name} is ${found.width}×${found.height}, ${size.exact ? "not" : "larger than"} ${width}×${height}`,
        );
      }
    }
  }
  return problems;
}

export function passBundleProblems(
  pass: UnzippedPass,
  options: PassRuleOptions & { allowSingleLogo?: boolean },
): string[] {
  if (!pass.passJson) return ["pass.json is missing or not JSON"];
  return [
    ...passJsonProblems(pass.passJson),
    ...imageProblems(pass, { allowSingleLogo: options.allowSingleLogo ?? false }),
    ...manifestProblems(pass),
    ...(options.checkSignature === false ? [] : signatureProblems(pass, pass.passJson, options.wwdrPath)),
  ];
}
