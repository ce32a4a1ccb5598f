import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handler, scannerCsp, signInConfig } from "../../../functions/scanner-app.ts";
import { SCANNER_FILES } from "../../../web/scanner/served-files.ts";
import { appFileRequester } from "../../support/app-file-request.ts";

const ENV = { AWS_REGION: "eu-west-3", USER_POOL_CLIENT_ID: "scanner-client-1" };
let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  saved = { ...process.env };
  Object.assign(process.env, ENV);
  delete process.env.COGNITO_ENDPOINT;
});
afterEach(() => {
  process.env = saved;
});

const get = appFileRequester(handler, "scanner-app", "/scanner");

describe("the scanner app's files (functions/scanner-app.ts)", () => {
  it("serves the page at /scanner under a CSP allowing only its own scripts and the user pool", async () => {
    const page = await get(undefined);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body.toString("utf8")).toBe(readFileSync("web/scanner/index.html", "utf8"));
    const csp = page.headers["content-security-policy"] ?? "";
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("connect-src 'self' https://cognito-idp.eu-west-3.amazonaws.com");
    expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
    expect(page.headers["cache-control"]).toBe("no-cache");
    // No inline script or style for the CSP to have to allow.
    expect(page.body.toString("utf8")).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/);
  });

  it("serves each listed file with its type, and nothing else", async () => {
    for (const [name, file] of Object.entries(SCANNER_FILES)) {
      const answer = await get(name);
      expect(answer.status, name).toBe(200);
      expect(answer.headers["content-type"], name).toBe(file.type);
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
    }
    for (const name of ["served-files.ts", "amount.d.ts", "..%2Fpackage.json", "package.json", "toString"]) {
      expect((await get(name)).status, name).toBe(404);
    }
  });

  it("tells the app how to sign in: the pool's endpoint, region and the scanner client, locally the emulator", async () => {
    const config = await get("config.json");
    expect(JSON.parse(config.body.toString("utf8"))).toEqual({
      region: "eu-west-3",
      clientId: "scanner-client-1",
      endpoint: "https://cognito-idp.eu-west-3.amazonaws.com",
    });
    expect(signInConfig({ ...ENV, COGNITO_ENDPOINT: "http://127.0.0.1:9229/" }).endpoint).toBe(
      "http://127.0.0.1:9229",
    );
    expect(scannerCsp("http://127.0.0.1:9229")).toContain("connect-src 'self' http://127.0.0.1:9229;");
  });

  it("versions the service worker by the app's files and lets it control /scanner", async () => {
    const worker = await get("sw.js");
    const source = worker.body.toString("utf8");
    expect(source).not.toContain("__SCANNER_VERSION__");
    expect(source).toMatch(/const VERSION = "[0-9a-f]{16}";/);
    expect(worker.headers["service-worker-allowed"]).toBe("/scanner");
    expect(worker.headers["cache-control"]).toBe("no-cache");
  });

  it("answers 304 to a matching ETag, and compresses when asked", async () => {
    const first = await get("app.js");
    const etag = first.headers.etag ?? "";
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const again = await get("app.js", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const gzip = await get("zxing_reader.wasm", { "accept-encoding": "gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gzip.body.length).toBeLessThan(readFileSync(SCANNER_FILES["zxing_reader.wasm"].source).length / 2);
  });

  it("precaches every file of the app shell in the service worker, the decoder on first use", () => {
    const source = readFileSync("web/scanner/sw.js", "utf8");
    const listed = (name: string) =>
      [...(new RegExp(`const ${name} = \\[([^\\]]*)\\]`).exec(source)?.[1] ?? "").matchAll(/"([^"]+)"/g)].map(
        (m) => m[1],
      );
    const cached = [...listed("SHELL"), ...listed("ON_DEMAND")];
    const expected = Object.keys(SCANNER_FILES)
      .filter((name) => name !== "sw.js" && name !== "index.html")
      .map((name) => `/scanner/${name}`);
    expect(cached.sort()).toEqual([...expected, "/scanner", "/scanner/config.json"].sort());
  });
});
