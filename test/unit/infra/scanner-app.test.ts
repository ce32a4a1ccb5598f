import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { App, Stack } from "aws-cdk-lib";
import { afterAll, describe, expect, it } from "vitest";
import { lambdaContext } from "../../../infra/local/api-gateway-event.ts";
import { AppFunction } from "../../../infra/stack/app-function.ts";
import { bundleHandlers } from "../../../infra/stack/function-bundles.ts";
import { stageSettings } from "../../../infra/stack/stage-config.ts";
import { BUNDLED_SCANNER_DIR, SCANNER_FILES } from "../../../web/scanner/served-files.ts";
import { actionsOfHandler, envOfHandler, synthStack } from "./synth.ts";

const outdir = mkdtempSync(join(tmpdir(), "loyalty-wallet-scanner-bundle-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("the scanner app on AWS", () => {
  it("bundles the app's files beside the handler, where the handler reads them", async () => {
    const app = new App({ outdir: join(outdir, "cdk.out") });
    const stack = new Stack(app, "scanner-bundle");
    const codeFor = bundleHandlers(["scanner-app"], join(outdir, "bundles"));
    new AppFunction(stack, "Scanner", {
      handler: "scanner-app",
      settings: stageSettings("dev"),
      code: codeFor("scanner-app"),
    });
    const assembly = app.synth();
    const [asset] = readdirSync(assembly.directory).filter((name) => name.startsWith("asset."));
    const assetDir = join(assembly.directory, asset ?? "");
    expect(existsSync(join(assetDir, "index.mjs"))).toBe(true);
    for (const [name, file] of Object.entries(SCANNER_FILES)) {
      const bundled = join(assetDir, BUNDLED_SCANNER_DIR, name);
      expect(existsSync(bundled), name).toBe(true);
      expect(readFileSync(bundled).equals(readFileSync(file.source)), name).toBe(true);
    }
    // Only the listed files: nothing else of the repository rides along.
    expect(readdirSync(join(assetDir, BUNDLED_SCANNER_DIR)).sort()).toEqual(
      Object.keys(SCANNER_FILES).sort(),
    );

    // The bundle serves them from where it stands, far from the repository (as on Lambda, in /var/task).
    const bundled = (await import(/* @vite-ignore */ pathToFileURL(join(assetDir, "index.mjs")).href)) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const routeKey = "GET /scanner/{file}";
    const answer = await bundled.handler(
      {
        version: "2.0",
        routeKey,
        rawPath: "/scanner/app.js",
        headers: {},
        pathParameters: { file: "app.js" },
        isBase64Encoded: false,
        requestContext: { requestId: "r", routeKey, http: { method: "GET", path: "/scanner/app.js" } },
      },
      lambdaContext("scanner-app", "r"),
    );
    expect(answer.statusCode).toBe(200);
    expect(Buffer.from(answer.body, "base64").equals(readFileSync(SCANNER_FILES["app.js"].source))).toBe(
      true,
    );
  }, 60_000);

  it("gives the function the scanner client's id and no permission beyond its logs", () => {
    const { template } = synthStack();
    const env = envOfHandler(template, "scanner-app");
    expect(env.USER_POOL_CLIENT_ID).toEqual({ Ref: expect.stringMatching(/ScannerClient/) });
    expect(env.TABLE_NAME).toBeUndefined();
    const actions = [...actionsOfHandler(template, "scanner-app")].filter(
      (action) => !action.startsWith("logs:") && !action.startsWith("xray:"),
    );
    expect(actions).toEqual([]);
  }, 60_000);
});
