import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, type CfnResource, Stack } from "aws-cdk-lib";
import { afterAll, describe, expect, it } from "vitest";
import { AppFunction } from "../../../infra/stack/app-function.ts";
import { bundleHandlers } from "../../../infra/stack/function-bundles.ts";
import { stageSettings } from "../../../infra/stack/stage-config.ts";
import { loadPassTemplate } from "../../../passes/apple/pass-template.ts";

const outdir = mkdtempSync(join(tmpdir(), "loyalty-wallet-bundling-test-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

// The stack tests use stub code; this one bundles a real (small) handler the way `npm run synth` does.
describe("bundling", () => {
  it("emits a minified ES module with a source map and require() for CommonJS dependencies", () => {
    const app = new App({ outdir: join(outdir, "cdk.out") });
    const stack = new Stack(app, "bundling");
    const codeFor = bundleHandlers(["cognito-pre-token"], join(outdir, "bundles"));
    const target = new AppFunction(stack, "PreToken", {
      handler: "cognito-pre-token",
      settings: stageSettings("dev"),
      code: codeFor("cognito-pre-token"),
    });
    const assembly = app.synth();
    const template = assembly.getStackByName("bundling").template as {
      Resources: Record<string, { Properties: { Handler?: string; Runtime?: string } }>;
    };
    const fn =
      template.Resources[stack.resolve((target.fn.node.defaultChild as CfnResource).logicalId) as string];
    expect(fn?.Properties).toMatchObject({ Handler: "index.handler", Runtime: "nodejs22.x" });

    const assets = readdirSync(assembly.directory).filter((name) => name.startsWith("asset."));
    expect(assets).toHaveLength(1);
    const assetDir = join(assembly.directory, assets[0] ?? "");
    const code = readFileSync(join(assetDir, "index.mjs"), "utf8");
    expect(code.startsWith("import { createRequire as __createRequire } from 'node:module';")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*as handler/);
    expect(code).toContain("sourceMappingURL=index.mjs.map");
    expect(existsSync(join(assetDir, "index.mjs.map"))).toBe(true);
    expect(() => codeFor("scan-lookup")).toThrow(/not bundled/);
  }, 60_000);
});

describe("the pass-rendering functions' bundles", () => {
  it("carry the Apple pass model beside index.mjs, where the pass template reads it", () => {
    const bundles = join(outdir, "pass-bundles");
    bundleHandlers(["pass-download", "apple-get-pass"], bundles);
    for (const handler of ["pass-download", "apple-get-pass"]) {
      const model = join(bundles, handler, "model");
      expect(readdirSync(model).sort()).toEqual(readdirSync("passes/apple/model").sort());
      const template = loadPassTemplate(model, {
        passTypeIdentifier: "pass.dev.test",
        teamIdentifier: "TEAM",
      });
      expect(template.images.size).toBeGreaterThan(0);
    }
  }, 60_000);
});
