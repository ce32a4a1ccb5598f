import { randomBytes, X509Certificate } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import forge from "node-forge";
import type { PassCertificates } from "../../passes/apple/pass-certificates.ts";

export interface DevCertificateOptions {
  passTypeIdentifier?: string;
  teamIdentifier?: string;
}

const FILES = { wwdr: "wwdr.pem", signerCert: "signerCert.pem", signerKey: "signerKey.pem" } as const;
const UID_OID = "0.9.2342.19200300.100.1.1";
const DAY_MS = 24 * 60 * 60 * 1000;

const README = `These are development certificates made by infra/local/dev-certificates.ts.

wwdr.pem is a local test CA standing in for Apple's WWDR G4 intermediate; signerCert.pem and
signerKey.pem are a Pass Type ID certificate it issued. Passes signed with them verify with
  openssl cms -verify -binary -inform DER -in signature -content manifest.json -CAfile wwdr.pem -purpose any
but real iPhones and Apple Wallet reject them: only Apple's WWDR chain is trusted there.
The CA's private key was not kept. Delete this directory to make new ones.
`;

/**
 * Returns the test certificates in `dir`, generating them on first use. They let the whole
 * pipeline run offline and in CI; they are never accepted by a real device.
 */
export async function ensureDevCertificates(
  dir: string,
  options: DevCertificateOptions = {},
): Promise<PassCertificates> {
  const passTypeIdentifier = options.passTypeIdentifier ?? "pass.com.example.loyalty";
  const teamIdentifier = options.teamIdentifier ?? "ABCDE12345";

  const existing = await readExisting(dir);
  if (existing) {
    assertReusable(dir, existing, passTypeIdentifier, teamIdentifier);
    return existing;
  }

  const certificates = await generate(passTypeIdentifier, teamIdentifier);
  await mkdir(dir, { recursive: true });
  await writeAtomically(join(dir, FILES.signerKey), certificates.signerKey, 0o600);
  await writeAtomically(join(dir, FILES.signerCert), certificates.signerCert, 0o644);
  await writeAtomically(join(dir, FILES.wwdr), certificates.wwdr, 0o644);
  await writeAtomically(join(dir, "README.txt"), README, 0o644);
  return certificates;
}

async function readExisting(dir: string): Promise<PassCertificates | undefined> {
  const [wwdr, signerCert, signerKey] = await Promise.all(
    [FILES.wwdr, FILES.signerCert, FILES.signerKey].map((name) => readIfPresent(join(dir, name))),
  );
  if (wwdr === undefined && signerCert === undefined && signerKey === undefined) {
    return undefined;
  }
  if (wwdr === undefined || signerCert === undefined || signerKey === undefined) {
    // Never overwrite a half-present set: it could be someone's real certificate next to a test one.
    throw new Error(`${dir} holds only some of ${Object.values(FILES).join(", ")}; delete it to regenerate`);
  }
  return { wwdr, signerCert, signerKey };
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return undefined;
    }
    throw error;
  }
}

function assertReusable(
  dir: string,
  certificates: PassCertificates,
  passTypeIdentifier: string,
  teamIdentifier: string,
): void {
  const signer = new X509Certificate(certificates.signerCert);
  const subject = new Map(
    signer.subject.split("\n").map((line) => {
      const separator = line.indexOf("=");
      return [line.slice(0, separator), line.slice(separator + 1)] as const;
    }),
  );
  if (subject.get("UID") !== passTypeIdentifier || subject.get("OU") !== teamIdentifier) {
    throw new Error(
      `${dir} holds a signer for ${subject.get("UID")} / ${subject.get("OU")}, not ${passTypeIdentifier} / ${teamIdentifier}; delete it to regenerate`,
    );
  }
  if (new Date(signer.validTo).getTime() <= Date.now()) {
    throw new Error(`the signer certificate in ${dir} expired on ${signer.validTo}; delete it to regenerate`);
  }
}

async function generate(passTypeIdentifier: string, teamIdentifier: string): Promise<PassCertificates> {
  const [caKeys, signerKeys] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
  const now = Date.now();

  const caSubject = [
    utf8Attribute({ name: "commonName" }, "Test WWDR CA — NOT ACCEPTED BY REAL DEVICES"),
    utf8Attribute({ name: "organizationalUnitName" }, "G4"),
    utf8Attribute({ name: "organizationName" }, "Test"),
    { name: "countryName", value: "US" },
  ];
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = randomSerialNumber();
  ca.validity.notBefore = new Date(now - DAY_MS);
  ca.validity.notAfter = new Date(now + 20 * 365 * DAY_MS);
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  // Same subject layout as Apple's Pass Type ID certificates.
  const signer = forge.pki.createCertificate();
  signer.publicKey = signerKeys.publicKey;
  signer.serialNumber = randomSerialNumber();
  signer.validity.notBefore = new Date(now - DAY_MS);
  signer.validity.notAfter = new Date(now + 10 * 365 * DAY_MS);
  signer.setSubject([
    utf8Attribute({ type: UID_OID }, passTypeIdentifier),
    utf8Attribute({ name: "commonName" }, `Pass Type ID: ${passTypeIdentifier}`),
    utf8Attribute({ name: "organizationalUnitName" }, teamIdentifier),
    utf8Attribute({ name: "organizationName" }, "Test"),
    { name: "countryName", value: "US" },
  ]);
  signer.setIssuer(ca.subject.attributes);
  signer.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signer.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    wwdr: forge.pki.certificateToPem(ca),
    signerCert: forge.pki.certificateToPem(signer),
    signerKey: forge.pki.privateKeyToPem(signerKeys.privateKey),
  };
}

// With a callback, node-forge hands key generation to node:crypto, off the main thread.
function generateRsaKeyPair(): Promise<forge.pki.rsa.KeyPair> {
  return new Promise((resolve, reject) => {
    forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 }, (error, keys) =>
      error ? reject(error) : resolve(keys),
    );
  });
}

// PrintableString, node-forge's default, cannot hold the dash in the CA's name.
// @types/node-forge types valueTagClass as a tag class although node-forge reads it as a type.
function utf8Attribute(
  identity: { name?: string; type?: string },
  value: string,
): forge.pki.CertificateField {
  return { ...identity, value, valueTagClass: forge.asn1.Type.UTF8 as number as forge.asn1.Class };
}

// Positive and without a leading zero byte, as DER and OpenSSL require of serial numbers.
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString("hex");
}

async function writeAtomically(path: string, contents: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, contents, { mode });
  await rename(temporary, path);
}
