import * as crypto from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ensureDevCertificates } from "../../../infra/local/dev-certificates.ts";
import type { PassCertificates } from "../../../passes/apple/pass-certificates.ts";
import { createManifestSigner } from "../../../passes/apple/sign-manifest.ts";
import { opensslVerify } from "./apple-pkpass-tools.ts";

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, createPrivateKey: vi.fn(actual.createPrivateKey) };
});

const identity = { passTypeIdentifier: "pass.com.example.loyalty", teamIdentifier: "ABCDE12345" };
const manifest = Buffer.from(JSON.stringify({ "pass.json": "6f1ed002ab5595859014ebf0951522d9f9bc8b5e" }));

let workDir: string;
let certificates: PassCertificates;
let certificatesDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "apple-sign-"));
  certificatesDir = await mkdtemp(join(workDir, "apple-sign-certs-"));
  certificates = await ensureDevCertificates(certificatesDir, identity);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function verifies(signature: Buffer, signedManifest: Buffer): Promise<boolean> {
  const dir = await mkdtemp(join(workDir, "apple-sign-"));
  await writeFile(join(dir, "signature"), signature);
  await writeFile(join(dir, "manifest.json"), signedManifest);
  return (
    opensslVerify(join(dir, "signature"), join(dir, "manifest.json"), join(certificatesDir, "wwdr.pem")) === 0
  );
}

type Asn1 = forge.asn1.Asn1;
function child(node: Asn1 | undefined, index: number): Asn1 {
  const value = node?.value;
  if (!Array.isArray(value) || !value[index]) {
    throw new Error(`no child ${index}`);
  }
  return value[index];
}
function members(node: Asn1): Asn1[] {
  return Array.isArray(node.value) ? node.value : [];
}

/** Pulls the parts Apple cares about out of the DER, independently of how it was built. */
function decode(signature: Buffer) {
  const contentInfo = forge.asn1.fromDer(signature.toString("binary"));
  const signedData = child(child(contentInfo, 1), 0);
  const signerInfo = child(child(signedData, 4), 0);
  const attributes = new Map(
    members(child(signerInfo, 3)).map((attribute) => [
      forge.asn1.derToOid(child(attribute, 0).value as string),
      child(child(attribute, 1), 0),
    ]),
  );
  return {
    contentType: forge.asn1.derToOid(child(contentInfo, 0).value as string),
    digestAlgorithm: forge.asn1.derToOid(child(child(signerInfo, 2), 0).value as string),
    certificateCount: members(child(signedData, 3)).length,
    encapsulatedContent: members(child(signedData, 2)).length,
    attributes,
  };
}

describe("createManifestSigner", () => {
  it("produces a detached signature openssl verifies against the WWDR certificate", async () => {
    const signature = createManifestSigner(certificates)(manifest);

    expect(await verifies(signature, manifest)).toBe(true);
  });

  it("produces a signature that does not verify another manifest", async () => {
    const signature = createManifestSigner(certificates)(manifest);
    const tampered = Buffer.from(manifest.toString().replace("6f1e", "6f1f"));

    expect(await verifies(signature, tampered)).toBe(false);
  });

  it("uses SHA-256, embeds both certificates and signs contentType, messageDigest and signingTime", () => {
    const signingTime = new Date("2026-03-04T05:06:07Z");
    const decoded = decode(createManifestSigner(certificates, { clock: () => signingTime })(manifest));

    expect(decoded.contentType).toBe("1.2.840.113549.1.7.2");
    expect(decoded.digestAlgorithm).toBe("2.16.840.1.101.3.4.2.1");
    expect(decoded.certificateCount).toBe(2);
    expect(decoded.encapsulatedContent).toBe(1);
    expect([...decoded.attributes.keys()].sort()).toEqual([
      "1.2.840.113549.1.9.3",
      "1.2.840.113549.1.9.4",
      "1.2.840.113549.1.9.5",
    ]);
    expect(forge.asn1.derToOid(decoded.attributes.get("1.2.840.113549.1.9.3")?.value as string)).toBe(
      "1.2.840.113549.1.7.1",
    );
    expect(Buffer.from(decoded.attributes.get("1.2.840.113549.1.9.4")?.value as string, "binary")).toEqual(
      crypto.createHash("sha256").update(manifest).digest(),
    );
    expect(forge.asn1.utcTimeToDate(decoded.attributes.get("1.2.840.113549.1.9.5")?.value as string)).toEqual(
      signingTime,
    );
  });

  it("writes signing times from 2050 as GeneralizedTime", () => {
    const decoded = decode(
      createManifestSigner(certificates, { clock: () => new Date("2050-01-01T00:00:00Z") })(manifest),
    );

    expect(decoded.attributes.get("1.2.840.113549.1.9.5")?.type).toBe(forge.asn1.Type.GENERALIZEDTIME);
  });

  it("parses the private key once, with node:crypto, however many manifests it signs", async () => {
    const createPrivateKey = vi.mocked(crypto.createPrivateKey);
    createPrivateKey.mockClear();
    const forgeKeyParser = vi.spyOn(forge.pki, "privateKeyFromPem");

    const sign = createManifestSigner(certificates);
    const signatures = [1, 2, 3].map((n) => sign(Buffer.from(`{"pass.json":"${n}"}`)));

    expect(createPrivateKey).toHaveBeenCalledTimes(1);
    expect(forgeKeyParser).not.toHaveBeenCalled();
    expect(await verifies(signatures[2] ?? Buffer.alloc(0), Buffer.from('{"pass.json":"3"}'))).toBe(true);
  });

  it("refuses a signer certificate that the given WWDR certificate did not issue", async () => {
    const other = await ensureDevCertificates(await mkdtemp(join(workDir, "apple-sign-other-")), identity);

    expect(() => createManifestSigner({ ...certificates, wwdr: other.wwdr })).toThrow(
      /not issued by the wwdr/,
    );
  });
});
