import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { brotliCompressSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handler } from "../../../functions/console-app.ts";
import { consoleFiles } from "../../../web/console/served-files.ts";
import { appFileRequester } from "../../support/app-file-request.ts";

/**
 * The merchant console as files (functions/console-app.ts, web/console/): what is served, under which CSP,
 * that every module it loads is one of them, that both languages say everything, and its size budget.
 */

const ENV = { AWS_REGION: "eu-west-3", USER_POOL_CLIENT_ID: "staff-client-1" };
let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  saved = { ...process.env };
  Object.assign(process.env, ENV);
  delete process.env.COGNITO_ENDPOINT;
});
afterEach(() => {
  process.env = saved;
});

const get = appFileRequester(handler, "console-app", "/console");

const FILES = consoleFiles();
const scripts = Object.entries(FILES).filter(
  ([name, file]) => name.endsWith(".js") && file.source.startsWith("web/"),
);

describe("the console's files (functions/console-app.ts)", () => {
  it("serves the page under a CSP allowing its own scripts, its import map by hash and the user pool", async () => {
    const page = await get(undefined);
    expect(page.status).toBe(200);
    const html = page.body.toString("utf8");
    expect(html).toBe(readFileSync("web/console/index.html", "utf8"));
    const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    const hash = `'sha256-${createHash("sha256").update(map).digest("base64")}'`;
    const csp = page.headers["content-security-policy"] ?? "";
    expect(csp).toContain(`script-src 'self' ${hash}`);
    expect(csp).toContain("connect-src 'self' https://cognito-idp.eu-west-3.amazonaws.com");
    expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
    // The import map is the one inline script; no inline style or handler for the CSP to allow.
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toEqual(['<script type="importmap">']);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/);
  });

  it("serves every file of web/console/, the shared modules and the libraries, and nothing else", async () => {
    for (const name of ["app.js", "preact.js", "hooks.js", "htm.js", "auth.js", "style.css"]) {
      expect(Object.keys(FILES)).toContain(name);
    }
    for (const [name, file] of Object.entries(FILES)) {
      const answer = await get(name);
      expect(answer.status, name).toBe(200);
      expect(answer.headers["content-type"]).toBe(file.type);
      expect(answer.body.equals(readFileSync(file.source)), name).toBe(true);
    }
    expect((await get("served-files.ts")).status).toBe(404);
    expect((await get("..%2Fpackage.json")).status).toBe(404);
    const config = await get("config.json");
    expect(JSON.parse(config.body.toString("utf8"))).toEqual({
      region: "eu-west-3",
      clientId: "staff-client-1",
      endpoint: "https://cognito-idp.eu-west-3.amazonaws.com",
    });
  });

  it("answers a revalidation with 304 and compresses when asked", async () => {
    const first = await get("app.js");
    expect((await get("app.js", { "if-none-match": first.headers.etag ?? "" })).status).toBe(304);
    expect((await get("app.js", { "accept-encoding": "br" })).headers["content-encoding"]).toBe("br");
  });

  it("loads only modules it serves, and only the libraries its import map names", () => {
    const map = JSON.parse(
      /<script type="importmap">([\s\S]*?)<\/script>/.exec(
        readFileSync("web/console/index.html", "utf8"),
      )?.[1] ?? "{}",
    );
    for (const target of Object.values(map.imports) as string[]) {
      expect(Object.keys(FILES)).toContain(target.replace("/console/", ""));
    }
    for (const [name, file] of scripts) {
      const source = readFileSync(file.source, "utf8");
      const specifiers = [...source.matchAll(/(?:from\s+|import\s*\(\s*)"([^"]+)"/g)].map(
        (m) => m[1] as string,
      );
      for (const specifier of specifiers) {
        if (specifier.startsWith("./"))
          expect(Object.keys(FILES), `${name} imports ${specifier}`).toContain(specifier.slice(2));
        else expect(Object.keys(map.imports), `${name} imports ${specifier}`).toContain(specifier);
      }
      // Nothing a strict CSP would refuse, and no request to another origin.
      expect(source, name).not.toMatch(/\bstyle=|innerHTML|eval\(|new Function|https?:\/\/(?!cognito-idp)/);
    }
  });

  it("says everything in French and in English", async () => {
    Object.assign(globalThis, {
      location: { pathname: "/console", hash: "" },
      localStorage: { getItem: () => null, setItem: () => {} },
    });
    // Laid out flat as the browser sees them (the shared modules beside the console's own); "preact" and
    // "htm" resolve from node_modules as the import map resolves them in the browser.
    const flat = new URL("../../output/console-modules/", import.meta.url);
    rmSync(flat, { recursive: true, force: true });
    mkdirSync(flat, { recursive: true });
    for (const [name, file] of Object.entries(FILES))
      if (file.source.startsWith("web/")) copyFileSync(file.source, new URL(name, flat));
    let checked = 0;
    for (const [name, file] of scripts) {
      if (!/export const WORDS\b/.test(readFileSync(file.source, "utf8"))) continue;
      const { WORDS } = (await import(new URL(name, flat).href)) as {
        WORDS: Record<string, Record<string, string>>;
      };
      expect(Object.keys(WORDS).sort(), name).toEqual(["en", "fr"]);
      expect(Object.keys(WORDS.fr ?? {}).sort(), name).toEqual(Object.keys(WORDS.en ?? {}).sort());
      for (const [key, text] of Object.entries(WORDS.fr ?? {}))
        expect(text, `${name} fr.${key}`).not.toBe("");
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it("weighs under 150 kB compressed, every file it can load included", () => {
    const sizes = Object.entries(FILES).map(
      ([name, file]) => [name, brotliCompressSync(readFileSync(file.source)).length] as const,
    );
    const total = sizes.reduce((sum, [, size]) => sum + size, 0);
    console.log(`console: ${sizes.length} files, ${(total / 1024).toFixed(1)} KiB brotli`);
    expect(total).toBeLessThan(150_000);
  });
});
