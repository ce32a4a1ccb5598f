import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDevCertificates } from "../../infra/local/dev-certificates.ts";
import { createApplePassRenderer } from "../../passes/apple/render-pass.ts";
import { createManifestSigner } from "../../passes/apple/sign-manifest.ts";
import { applePassView } from "../fixtures/passes/apple-pass-view.ts";
import { round } from "./stats.ts";

const COUNT = Number(process.env.BENCH_PASSES ?? 300);

/** Signed passes per second, sequential, beside the floor: the PKCS#7 signature of the same manifest alone. */
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
  const rendered = COUNT / renderSeconds;
  const signed = COUNT / signSeconds;
  return {
    passes: COUNT,
    renderedPerSecond: round(rendered, 1),
    msPerPass: round((renderSeconds * 1000) / COUNT),
    signaturesPerSecond: round(signed, 1),
    ratioToSigningFloor: round(rendered / signed),
  };
}
