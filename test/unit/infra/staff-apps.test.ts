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
import { BUNDLED_CONSOLE_DIR, consoleFiles } from "../../../web/console/served-files.ts";
import { BUNDLED_SCANNER_DIR, SCANNER_FILES } from "../../../web/scanner/served-files.ts";
import { actionsOfHandler, envOfHandler, synthStack } from "./synth.ts";

const outdir = mkdtempSync(join(tmpdir(), "loyalty-wallet-scanner-bundle-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

// Both staff apps, bundled in one esbuild run as the stack does.
const APPS = [
  { handler: "scanner-app", path: "/scanner", dir: BUNDLED_SCANNER_DIR, files: SCANNER_FILES },
  { handler: "console-app", path: "/console", dir: BUNDLED_CONSOLE_DIR, files: consoleFiles() },
] as const;
let codeFor: ReturnType<typeof bundleHandlers> | undefined;

describe.each(APPS)("the $handler web app on AWS", ({ handler, path, dir, files }) => {
  it("bundles the app's files beside the handler, where the handler reads them", async () => {
    const app = new App({ outdir: join(outdir, `cdk.out-${handler}`) });
    const stack = new Stack(app, `${handler}-bundle`);
    codeFor ??= bundleHandlers(
      APPS.map((a) => a.handler),
      join(outdir, "bundles"),
    );
    new AppFunction(stack, "App", { handler, settings: stageSettings("dev"), code: codeFor(handler) });
    const assembly = app.synth();
    const [asset] = readdirSync(assembly.directory).filter((name) => name.startsWith("asset."));
    const assetDir = join(assembly.directory, asset ?? "");
    expect(existsSync(join(assetDir, "index.mjs"))).toBe(true);
    for (const [name, file] of Object.entries(files)) {
      const bundled = join(assetDir, dir, name);
      expect(existsSync(bundled), name).toBe(true);
      expect(readFileSync(bundled).equals(readFileSync(file.source)), name).toBe(true);
    }
    // Only the listed files: nothing else of the repository rides along.
    expect(readdirSync(join(assetDir, dir)).sort()).toEqual(Object.keys(files).sort());

    // The bundle serves them from where it stands, far from the repository (as on Lambda, in /var/task).
    const bundled = (await import(/* @vite-ignore */ pathToFileURL(join(assetDir, "index.mjs")).href)) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const routeKey = `GET ${path}/{file}`;
    const answer = await bundled.handler(
      {
        version: "2.0",
        routeKey,
        rawPath: `${path}/app.js`,
        headers: {},
        pathParameters: { file: "app.js" },
        isBase64Encoded: false,
        requestContext: { requestId: "r", routeKey, http: { method: "GET", path: `${path}/app.js` } },
      },
      lambdaContext(handler, "r"),
    );
    expect(answer.statusCode).toBe(200);
    const source = (files as Record<string, { source: string }>)["app.js"]?.source ?? "";
    expect(Buffer.from(answer.body, "base64").equals(readFileSync(source))).toBe(true);
  }, 60_000);

  it("gives the function the staff apps' client id and no permission beyond its logs", () => {
    const { template } = synthStack();
    const env = envOfHandler(template, handler);
    expect(env.USER_POOL_CLIENT_ID).toEqual({ Ref: expect.stringMatching(/ScannerClient/) });
    expect(env.TABLE_NAME).toBeUndefined();
    const actions = [...actionsOfHandler(template, handler)].filter(
      (action) => !action.startsWith("logs:") && !action.startsWith("xray:"),
    );
    expect(actions).toEqual([]);
  }, 60_000);
});
