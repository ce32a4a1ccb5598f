import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../../infra/stack/app-function.ts";
import { BUNDLE_OPTIONS, BUNDLED_FILES } from "../../../infra/stack/function-bundles.ts";
import { POSTER_ASSET_DIR, POSTER_ASSET_FILES } from "../../../shared/posters/asset-files.ts";
import { decodeQrPng } from "../../support/qr-decode.ts";

/**
 * The poster's rendering as Lambda runs it: bundled like every function (esbuild, nothing external), its
 * assets copied beside the bundle as infra/stack/function-bundles.ts does, and run by Node from a folder
 * with no node_modules above it, so a file read from the repository instead would fail.
 */

const dir = mkdtempSync(join(tmpdir(), "poster-bundle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the counter poster in a Lambda bundle", () => {
  it("declares its assets for the poster function's bundle", () => {
    expect(BUNDLED_FILES["locations-poster"]).toEqual({ dir: POSTER_ASSET_DIR, files: POSTER_ASSET_FILES });
    for (const source of Object.values(POSTER_ASSET_FILES))
      expect(existsSync(join(PROJECT_ROOT, source))).toBe(true);
  });

  it("renders the PNG and the PDF from the bundle and its copied assets alone", () => {
    const out = join(dir, "probe");
    buildSync({
      ...BUNDLE_OPTIONS,
      absWorkingDir: PROJECT_ROOT,
      stdin: {
        contents: [
          'export { posterPng } from "./shared/posters/poster-png.ts";',
          'export { posterPdf } from "./shared/posters/poster-pdf.ts";',
          'export { layoutPoster } from "./shared/posters/layout.ts";',
        ].join("\n"),
        resolveDir: PROJECT_ROOT,
        sourcefile: "probe.ts",
        loader: "ts",
      },
      entryNames: undefined,
      outfile: join(out, "index.mjs"),
    });
    const assets = BUNDLED_FILES["locations-poster"];
    if (!assets) throw new Error("no poster assets declared");
    mkdirSync(join(out, assets.dir), { recursive: true });
    for (const [name, source] of Object.entries(assets.files))
      cpSync(join(PROJECT_ROOT, source), join(out, assets.dir, name));
    const script = join(out, "run.mjs");
    writeFileSync(
      script,
      [
        'import { posterPng, posterPdf, layoutPoster } from "./index.mjs";',
        "const measure = (text, size) => text.length * size * 0.6;",
        'const layout = layoutPoster({ merchantName: "Café", headline: "Join", scan: "Scan", earn: "1 point", joinUrl: "https://api.example/join/m?location=l", orVisit: "Or open" }, { regular: measure, bold: measure });',
        'const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" fill="#fff"/><text x="50" y="50" font-size="10">é</text></svg>`;',
        "const png = await posterPng(svg);",
        'const pdf = await posterPdf(layout, "Café", "fr");',
        'process.stdout.write(JSON.stringify({ png: png.toString("base64"), pdf: pdf.subarray(0, 5).toString() }));',
      ].join("\n"),
    );
    const result = JSON.parse(
      execFileSync(process.execPath, [script], {
        cwd: out,
        encoding: "utf8",
        env: { PATH: process.env.PATH },
      }),
    ) as { png: string; pdf: string };
    expect(PNG.sync.read(Buffer.from(result.png, "base64")).width).toBe(1240);
    expect(result.pdf).toBe("%PDF-");
  }, 60_000);

  it("draws a QR code a camera reads", async () => {
    const { qrCodeSvg } = await import("../../../shared/qr-code.ts");
    const { posterPng } = await import("../../../shared/posters/poster-png.ts");
    const url = "https://api.example/join/demo?location=paris-01";
    expect(decodeQrPng(await posterPng(await qrCodeSvg(url)))).toBe(url);
  });
});
