import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDevCertificates } from "../../../infra/local/dev-certificates.ts";

const identity = { passTypeIdentifier: "pass.com.example.loyalty", teamIdentifier: "ABCDE12345" };

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "apple-dev-certs-"));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function emptyDir(): Promise<string> {
  return mkdtemp(join(workDir, "apple-dev-certs-"));
}

describe("ensureDevCertificates", () => {
  it("creates a test WWDR CA and a Pass Type ID certificate it issued", async () => {
    const dir = join(await emptyDir(), "certs");
    const certificates = await ensureDevCertificates(dir, identity);

    const wwdr = new X509Certificate(certificates.wwdr);
    const signer = new X509Certificate(certificates.signerCert);
    expect(wwdr.subject.split("\n")).toEqual([
      "CN=Test WWDR CA — NOT ACCEPTED BY REAL DEVICES",
      "OU=G4",
      "O=Test",
      "C=US",
    ]);
    expect(wwdr.ca).toBe(true);
    expect(signer.subject.split("\n")).toEqual([
      "UID=pass.com.example.loyalty",
      "CN=Pass Type ID: pass.com.example.loyalty",
      "OU=ABCDE12345",
      "O=Test",
      "C=US",
    ]);
    expect(signer.ca).toBe(false);
    expect(signer.checkIssued(wwdr) && signer.verify(wwdr.publicKey)).toBe(true);
    expect(signer.checkPrivateKey(createPrivateKey(certificates.signerKey))).toBe(true);
    expect(signer.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it("writes the PEM files and a README warning that devices reject them", async () => {
    const dir = await emptyDir();
    const certificates = await ensureDevCertificates(dir, identity);

    expect(await readFile(join(dir, "wwdr.pem"), "utf8")).toBe(certificates.wwdr);
    expect(await readFile(join(dir, "signerCert.pem"), "utf8")).toBe(certificates.signerCert);
    expect(await readFile(join(dir, "signerKey.pem"), "utf8")).toBe(certificates.signerKey);
    expect((await stat(join(dir, "signerKey.pem"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, "README.txt"), "utf8")).toMatch(
      /real iPhones and Apple Wallet reject them/,
    );
  });

  it("reuses the files on later calls", async () => {
    const dir = await emptyDir();
    const first = await ensureDevCertificates(dir, identity);
    const second = await ensureDevCertificates(dir, identity);

    expect(second).toEqual(first);
  });

  it("refuses to reuse a signer made for another pass type", async () => {
    const dir = await emptyDir();
    await ensureDevCertificates(dir, identity);

    await expect(
      ensureDevCertificates(dir, { ...identity, passTypeIdentifier: "pass.com.example.other" }),
    ).rejects.toThrow(/delete it to regenerate/);
  });

  it("refuses to complete a directory holding only some of the files", async () => {
    const dir = await emptyDir();
    await ensureDevCertificates(dir, identity);
    await rm(join(dir, "signerKey.pem"));

    await expect(ensureDevCertificates(dir, identity)).rejects.toThrow(/only some/);
  });
});
