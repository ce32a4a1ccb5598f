import { createHash } from "node:crypto";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PKPass } from "passkit-generator";
import { ensureDevCertificates } from "../../infra/local/dev-certificates.ts";
import { defaultModelDir } from "../../passes/apple/pass-template.ts";
import { type ApplePassView, createApplePassRenderer } from "../../passes/apple/render-pass.ts";
import { createManifestSigner } from "../../passes/apple/sign-manifest.ts";
import { applePassView } from "../fixtures/passes/apple-pass-view.ts";
import { layOutOnPkpass, passkitOverrides } from "../support/passkit-reference.ts";
import { round } from "./stats.ts";

const COUNT = Number(process.env.BENCH_PASSES ?? 300);

/**
 * Signed passes per second, sequential, beside the floor (the PKCS#7 signature of the same manifest alone) and
 * beside stock passkit-generator: the same model, view and certificates through its own default path.
 */
export async function benchPasses() {
  const certificates = await ensureDevCertificates(mkdtempSync(join(tmpdir(), "bench-certs-")));
  const renderer = createApplePassRenderer({
    certificates,
    passTypeIdentifier: "pass.com.example.loyalty",
    teamIdentifier: "ABCDE12345",
    webServiceURL: "https://api.example.com/apple",
  });
  const view = applePassView();
  for (let i = 0; i < 20; i++) await renderer.render(view);
  let t0 = performance.now();
  let manifest = Buffer.alloc(0);
  for (let i = 0; i < COUNT; i++) await renderer.render({ ...view, balance: i });
  const renderSeconds = (performance.now() - t0) / 1000;

  // The floor signs a manifest of the same shape as a rendered pass's.
  manifest = Buffer.from(
    JSON.stringify(
      Object.fromEntries(
        ["pass.json", "icon.png", "icon@2x.png", "logo.png", "logo@2x.png"].map((f) => [
          f,
          createHash("sha1").update(f).digest("hex"),
        ]),
      ),
    ),
  );
  const sign = createManifestSigner(certificates);
  for (let i = 0; i < 20; i++) sign(manifest);
  t0 = performance.now();
  for (let i = 0; i < COUNT; i++) sign(manifest);
  const signSeconds = (performance.now() - t0) / 1000;
  const stockCount = Math.max(20, Math.round(COUNT / 5));
  const stock = stockRenderer(certificates);
  for (let i = 0; i < 5; i++) await stock(view);
  t0 = performance.now();
  for (let i = 0; i < stockCount; i++) await stock({ ...view, balance: i });
  const stockSeconds = (performance.now() - t0) / 1000;
  const rendered = COUNT / renderSeconds;
  const signed = COUNT / signSeconds;
  const stocked = stockCount / stockSeconds;
  return {
    passes: COUNT,
    renderedPerSecond: round(rendered, 1),
    msPerPass: round((renderSeconds * 1000) / COUNT),
    signaturesPerSecond: round(signed, 1),
    ratioToSigningFloor: round(rendered / signed),
    stockPasses: stockCount,
    stockPassesPerSecond: round(stocked, 1),
    stockMsPerPass: round((stockSeconds * 1000) / stockCount),
    ratioToStock: round(rendered / stocked, 1),
  };
}

/**
 * passkit-generator as its README uses it: PKPass.from the model folder with the certificates, the same fields
 * and barcode, then getAsBuffer(), which zips and signs with node-forge.
 */
function stockRenderer(certificates: Awaited<ReturnType<typeof ensureDevCertificates>>) {
  // It reads a model from a folder named *.pass; the project's model folder is plain "model".
  const model = join(mkdtempSync(join(tmpdir(), "bench-stock-")), "model.pass");
  cpSync(defaultModelDir(), model, { recursive: true });
  return async (view: ApplePassView) => {
    const pass = await PKPass.from(
      { model, certificates },
      {
        ...passkitOverrides(view, "https://api.example.com/apple"),
        passTypeIdentifier: "pass.com.example.loyalty",
        teamIdentifier: "ABCDE12345",
      },
    );
    layOutOnPkpass(pass, view);
    const pkpass = pass.getAsBuffer();
    if (pkpass.length === 0) throw new Error("stock passkit-generator produced an empty pass");
    return pkpass;
  };
}
