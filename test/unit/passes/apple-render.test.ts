import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import forge from "node-forge";
import { PKPass } from "passkit-generator";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ensureDevCertificates } from "../../../infra/local/dev-certificates.ts";
import { defaultModelDir } from "../../../passes/apple/pass-template.ts";
import {
  type ApplePassRendererOptions,
  createApplePassRenderer,
  type PassCertificates,
} from "../../../passes/apple/render-pass.ts";
import { applePassView } from "../../fixtures/passes/apple-pass-view.ts";
import { opensslVerify, removeUnzippedPasses, unzipPkpass } from "./apple-pkpass-tools.ts";

const identity = { passTypeIdentifier: "pass.com.example.loyalty", teamIdentifier: "ABCDE12345" };
const webServiceURL = "https://api.loyalty.example/apple";

let workDir: string;
let certificates: PassCertificates;
let certificatesDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "apple-render-"));
  certificatesDir = await mkdtemp(join(workDir, "apple-render-certs-"));
  certificates = await ensureDevCertificates(certificatesDir, identity);
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await removeUnzippedPasses();
  await rm(workDir, { recursive: true, force: true });
});

function renderer(overrides: Partial<ApplePassRendererOptions> = {}) {
  return createApplePassRenderer({ certificates, ...identity, webServiceURL, ...overrides });
}

function fieldsOf(passJson: Awaited<ReturnType<typeof unzipPkpass>>["passJson"], group: string) {
  return passJson.storeCard[group] ?? [];
}

describe("Apple pass bundle", () => {
  it("is signed so that openssl verifies it against the WWDR certificate", async () => {
    const { pkpass } = await renderer().render(applePassView());
    const pass = await unzipPkpass(pkpass);

    expect([...pass.files.keys()].sort()).toEqual(
      [
        "icon.png",
        "icon@2x.png",
        "icon@3x.png",
        "logo.png",
        "logo@2x.png",
        "logo@3x.png",
        "manifest.json",
        "pass.json",
        "signature",
      ].sort(),
    );
    expect(
      opensslVerify(
        join(pass.dir, "signature"),
        join(pass.dir, "manifest.json"),
        join(certificatesDir, "wwdr.pem"),
      ),
    ).toBe(0);
  });

  it("lists every other file in manifest.json with its SHA-1", async () => {
    const { pkpass } = await renderer().render(applePassView());
    const pass = await unzipPkpass(pkpass);
    const manifest = JSON.parse(pass.files.get("manifest.json")?.toString("utf8") ?? "{}");

    const expected = Object.fromEntries(
      [...pass.files]
        .filter(([name]) => name !== "manifest.json" && name !== "signature")
        .map(([name, data]) => [name, createHash("sha1").update(data).digest("hex")]),
    );
    expect(manifest).toEqual(expected);
  });

  it("fails verification once manifest.json is tampered with", async () => {
    const { pkpass } = await renderer().render(applePassView());
    const pass = await unzipPkpass(pkpass);
    const manifestPath = join(pass.dir, "manifest.json");
    const manifest = JSON.parse(await readFile(manifestPath, "utf8"));
    manifest["pass.json"] = "0".repeat(40);
    await writeFile(manifestPath, JSON.stringify(manifest));

    expect(
      opensslVerify(join(pass.dir, "signature"), manifestPath, join(certificatesDir, "wwdr.pem")),
    ).not.toBe(0);
  });

  it("does not use node-forge's RSA, unlike passkit-generator's own signing", async () => {
    const parsers = [vi.spyOn(forge.pki, "decryptRsaPrivateKey"), vi.spyOn(forge.pki, "privateKeyFromPem")];
    const render = renderer();
    await render.render(applePassView());
    await render.render(applePassView({ balance: 90 }));
    expect(parsers.map((spy) => spy.mock.calls.length)).toEqual([0, 0]);

    // Control: the spies do see passkit-generator's default path, so the zero above means something.
    const model = Object.fromEntries(
      await Promise.all(
        ["pass.json", "icon.png"].map(async (name) => [name, await readFile(join(defaultModelDir(), name))]),
      ),
    );
    const defaultPass = new PKPass(model, certificates, { ...identity, serialNumber: "control" });
    defaultPass.getAsBuffer();
    expect(parsers[0]?.mock.calls.length).toBeGreaterThan(0);
  });
});

describe("Apple pass.json", () => {
  it("carries the identity, web service and barcode", async () => {
    const view = applePassView();
    const { passJson } = await unzipPkpass((await renderer().render(view)).pkpass);

    expect(passJson).toMatchObject({
      formatVersion: 1,
      passTypeIdentifier: identity.passTypeIdentifier,
      teamIdentifier: identity.teamIdentifier,
      serialNumber: view.serialNumber,
      organizationName: "Café Lumière",
      description: view.description,
      webServiceURL,
      authenticationToken: view.authenticationToken,
      sharingProhibited: true,
      backgroundColor: "rgb(32,44,57)",
      foregroundColor: "rgb(255,255,255)",
      labelColor: "rgb(190,200,210)",
      barcodes: [
        {
          format: "PKBarcodeFormatQR",
          message: view.barcode,
          messageEncoding: "iso-8859-1",
          altText: view.barcode,
        },
      ],
    });
  });

  it.each([
    ["en", "You now have %@ points"],
    ["fr", "Vous avez maintenant %@ points"],
  ] as const)("shows the balance with a %s change message", async (locale, changeMessage) => {
    const { passJson } = await unzipPkpass(
      (await renderer().render(applePassView({ locale, balance: 1234 }))).pkpass,
    );

    expect(fieldsOf(passJson, "primaryFields")).toEqual([
      { key: "balance", label: "Points", value: 1234, changeMessage },
    ]);
  });

  it("shows at most five history entries and unique field keys", async () => {
    const { passJson } = await unzipPkpass((await renderer().render(applePassView())).pkpass);
    const backKeys = fieldsOf(passJson, "backFields").map((field) => field.key);

    expect(backKeys.filter((key) => String(key).startsWith("entry"))).toEqual([
      "entry1",
      "entry2",
      "entry3",
      "entry4",
      "entry5",
    ]);
    const allKeys = [
      "headerFields",
      "primaryFields",
      "secondaryFields",
      "auxiliaryFields",
      "backFields",
    ].flatMap((group) => fieldsOf(passJson, group).map((field) => field.key));
    expect(new Set(allKeys).size).toBe(allKeys.length);
  });

  it("starts every render from the template, not from the previous pass", async () => {
    const render = renderer();
    await render.render(applePassView());
    const { passJson } = await unzipPkpass(
      (await render.render(applePassView({ recentEntries: [], contact: undefined, portalUrl: undefined })))
        .pkpass,
    );

    expect(fieldsOf(passJson, "backFields").map((field) => field.key)).toEqual([
      "howPointsWork",
      "updatedAt",
    ]);
  });
});

describe("Apple pass images", () => {
  it("replaces the template logo, retina variants included, with the merchant's", async () => {
    const merchantLogo = await readFile(join(defaultModelDir(), "icon.png"));
    const pass = await unzipPkpass(
      (await renderer().render(applePassView({ logoPng: merchantLogo }))).pkpass,
    );

    expect(pass.files.get("logo.png")).toEqual(merchantLogo);
    expect(pass.files.has("logo@2x.png")).toBe(false);
    expect(pass.files.has("logo@3x.png")).toBe(false);
    expect(pass.files.get("icon.png")).toEqual(merchantLogo);
    expect(pass.files.has("icon@3x.png")).toBe(true);
  });

  it("rejects a logo that is not a PNG", async () => {
    await expect(renderer().render(applePassView({ logoPng: Buffer.from("<svg/>") }))).rejects.toThrow(/PNG/);
  });
});

describe("Apple pass template", () => {
  it("is read once, when the renderer is created", async () => {
    const modelDir = await mkdtemp(join(workDir, "apple-model-"));
    await cp(defaultModelDir(), modelDir, { recursive: true });
    const render = renderer({ modelDir });
    await rm(modelDir, { recursive: true });

    const first = await unzipPkpass((await render.render(applePassView())).pkpass);
    const second = await unzipPkpass((await render.render(applePassView({ balance: 5 }))).pkpass);

    const templateLogo = await readFile(join(defaultModelDir(), "logo@2x.png"));
    expect(first.files.get("logo@2x.png")).toEqual(templateLogo);
    expect(second.files.get("logo@2x.png")).toEqual(templateLogo);
  });

  it("refuses a model without icon.png", async () => {
    const modelDir = await mkdtemp(join(workDir, "apple-model-"));
    await cp(defaultModelDir(), modelDir, { recursive: true });
    await rm(join(modelDir, "icon.png"));

    expect(() => renderer({ modelDir })).toThrow(/icon\.png/);
  });
});

describe("Apple pass validation", () => {
  it("refuses an authenticationToken shorter than 16 characters", async () => {
    await expect(renderer().render(applePassView({ authenticationToken: "short" }))).rejects.toThrow(
      /authenticationToken/,
    );
  });

  it("refuses colours not written rgb(r,g,b)", async () => {
    const view = applePassView();
    await expect(
      renderer().render(applePassView({ colors: { ...view.colors, background: "#202c39" } })),
    ).rejects.toThrow(/colors\.background/);
  });

  it("refuses, when it is created, a web service URL Wallet could not call", () => {
    for (const url of [
      "ftp://api.loyalty.example/apple",
      "api.loyalty.example/apple",
      "https://a.example/apple?x=1",
    ]) {
      expect(() => renderer({ webServiceURL: url })).toThrow(/webServiceURL/);
    }
    expect(() => renderer({ webServiceURL: "http://127.0.0.1:3000/apple" })).not.toThrow();
  });

  it("refuses a barcode the QR code cannot encode as ISO-8859-1", async () => {
    await expect(renderer().render(applePassView({ barcode: "LW-€" }))).rejects.toThrow(/ISO-8859-1/);
  });

  it("refuses a signer key that does not match the signer certificate", async () => {
    const otherDir = await mkdtemp(join(workDir, "apple-render-other-"));
    const other = await ensureDevCertificates(otherDir, identity);

    expect(() => renderer({ certificates: { ...certificates, signerKey: other.signerKey } })).toThrow(
      /not the private key/,
    );
  });
});
