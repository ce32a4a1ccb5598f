import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDevCertificates } from "../../../infra/local/dev-certificates.ts";
import { createApplePassRenderer } from "../../../passes/apple/render-pass.ts";
import { iconPng, logoPng } from "../../../passes/images/placeholder-images.ts";
import { applePassView } from "../../fixtures/passes/apple-pass-view.ts";
import { OPENSSL_AVAILABLE, passBundleProblems } from "./apple-pass-rules.ts";
import { removeUnzippedPasses, unzipPkpass } from "./apple-pkpass-tools.ts";

/**
 * A pass as the renderer builds it, checked against Apple's rules by a validator that shares no code
 * with it (apple-pass-rules.ts): the signature with the system's openssl against the dev CA
 * (infra/local/dev-certificates.ts), every manifest hash, pass.json's keys, barcodes and fields, and the
 * images at every scale. The controls show that each kind of fault is caught.
 */

const identity = { passTypeIdentifier: "pass.com.example.loyalty", teamIdentifier: "ABCDE12345" };
let dir: string;
let wwdrPath: string;
let render: ReturnType<typeof createApplePassRenderer>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apple-conformance-"));
  const certificates = await ensureDevCertificates(join(dir, "certs"), identity);
  wwdrPath = join(dir, "certs", "wwdr.pem");
  render = createApplePassRenderer({
    certificates,
    ...identity,
    webServiceURL: "https://api.loyalty.example/apple",
  });
});
afterAll(async () => {
  await removeUnzippedPasses();
  await rm(dir, { recursive: true, force: true });
});

const rendered = async (overrides: Parameters<typeof applePassView>[0] = {}) =>
  unzipPkpass((await render.render(applePassView(overrides))).pkpass);
const checkSignature = OPENSSL_AVAILABLE;

describe("an Apple pass, checked against Apple's rules", () => {
  it.skipIf(!OPENSSL_AVAILABLE)(
    "has a signature openssl verifies against the dev CA, from the pass type's certificate",
    async () => {
      expect(passBundleProblems(await rendered(), { wwdrPath, checkSignature: true })).toEqual([]);
    },
  );

  it.runIf(!OPENSSL_AVAILABLE)(
    "SKIPPED the signature check: openssl is not installed on this machine",
    () => {
      expect(OPENSSL_AVAILABLE).toBe(false);
    },
  );

  it("hashes every file into the manifest, has pass.json's required keys, formatVersion 1, valid barcodes, and every image incl. @3x", async () => {
    const pass = await rendered();
    expect(passBundleProblems(pass, { wwdrPath, checkSignature: false })).toEqual([]);
    expect([...pass.files.keys()]).toEqual(expect.arrayContaining(["icon@3x.png", "logo@3x.png"]));
  });

  it("still conforms with a merchant's own logo, in French, without history or expiry", async () => {
    const pass = await rendered({
      locale: "fr",
      logoPng: logoPng(1),
      recentEntries: [],
      nextExpiry: undefined,
      nextReward: undefined,
    });
    expect(passBundleProblems(pass, { wwdrPath, checkSignature, allowSingleLogo: true })).toEqual([]);
  });
});

describe("the validator (controls)", () => {
  it.skipIf(!OPENSSL_AVAILABLE)(
    "rejects a manifest changed after signing, and a CA that did not issue the signer",
    async () => {
      const pass = await rendered();
      const manifestPath = join(pass.dir, "manifest.json");
      const manifest = JSON.parse(await readFile(manifestPath, "utf8"));
      await writeFile(manifestPath, JSON.stringify({ ...manifest, "pass.json": "0".repeat(40) }));
      pass.files.set("manifest.json", await readFile(manifestPath));
      const problems = passBundleProblems(pass, { wwdrPath });
      expect(problems).toContain("manifest.json has the wrong SHA-1 for pass.json");
      expect(problems).toContain("signature does not verify against the WWDR CA over manifest.json");

      // A pass.json naming another pass type or team than the signer's certificate.
      const renamed = await rendered();
      renamed.passJson = { ...renamed.passJson, passTypeIdentifier: "pass.other", teamIdentifier: "OTHER" };
      expect(passBundleProblems(renamed, { wwdrPath })).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^the signer certificate is not for UID=pass\.other/),
          expect.stringMatching(/^the signer certificate is not for OU=OTHER/),
        ]),
      );

      const other = await mkdtemp(join(dir, "other-ca-"));
      await ensureDevCertificates(other, identity);
      expect(passBundleProblems(await rendered(), { wwdrPath: join(other, "wwdr.pem") })).toContain(
        "signature does not verify against the WWDR CA over manifest.json",
      );
    },
  );

  it("reports a missing @3x image, a wrong size, a bad formatVersion, barcode or changeMessage", async () => {
    const pass = await rendered();
    pass.files.delete("icon@3x.png");
    pass.files.set("logo@3x.png", iconPng(3));
    pass.files.set("icon@2x.png", iconPng(3));
    const storeCard = pass.passJson.storeCard;
    pass.passJson = {
      ...pass.passJson,
      formatVersion: 2,
      barcodes: [{ format: "PKBarcodeFormatEAN13", message: "x", messageEncoding: "iso-8859-1" }],
      storeCard: { ...storeCard, primaryFields: [{ key: "balance", value: 1, changeMessage: "changed" }] },
    };
    const problems = passBundleProblems(pass, { wwdrPath, checkSignature: false });
    expect(problems).toEqual(
      expect.arrayContaining([
        "icon@3x.png is missing",
        "icon@2x.png is 87×87, not 58×58",
        "formatVersion is 2, not 1",
        "barcode format PKBarcodeFormatEAN13",
        "field balance's changeMessage lacks %@",
        "manifest.json lists icon@3x.png, which the bundle lacks",
        "manifest.json has the wrong SHA-1 for logo@3x.png",
      ]),
    );
    expect(problems).not.toContain("logo@3x.png is missing");
    const { serialNumber: _serial, ...withoutSerial } = pass.passJson;
    expect(
      passBundleProblems(
        { ...pass, passJson: { ...withoutSerial, storeCard } },
        { wwdrPath, checkSignature: false },
      ),
    ).toContain("serialNumber is missing");
  });
});
