import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUNDLE_BUDGET_BYTES,
  type BundleSize,
  buildBundles,
  handlerModules,
} from "../../../infra/stack/function-bundles.ts";

/**
 * Every function bundled once, as `npm run synth` does (one esbuild run, then the handlers with an
 * import() of their own alone with code splitting); the tests share that build. Sizes only: the init
 * times are the cold-start benchmark's (test/bench/cold-start.ts).
 */
const dir = mkdtempSync(join(tmpdir(), "loyalty-wallet-bundle-budget-"));
const bundles = join(dir, "bundles");
let sizes: Map<string, BundleSize>;

beforeAll(() => {
  sizes = new Map(buildBundles(handlerModules(), bundles).map((size) => [size.handler, size]));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;

describe("function bundles", () => {
  it("bundles every handler module", () => {
    expect([...sizes.keys()].sort()).toEqual(handlerModules());
  });

  it("load less than 1 MiB of code at init, each of them", () => {
    const over = [...sizes.values()]
      .filter((size) => size.initBytes >= BUNDLE_BUDGET_BYTES)
      .map((size) => `${size.handler}: ${kib(size.initBytes)}`);
    expect(over).toEqual([]);
  });

  it("count what index.mjs imports statically as init code", () => {
    for (const size of sizes.values()) {
      const index = join(bundles, size.handler, "index.mjs");
      expect(size.files).toContain(index);
      expect(size.initBytes).toBeGreaterThanOrEqual(readFileSync(index).length);
    }
  });

  // A chunk's import.meta.url is its own: beside index.mjs, it finds the pass model and the poster's assets.
  it("put every chunk beside index.mjs", () => {
    for (const size of sizes.values())
      for (const file of size.files) expect(dirname(file)).toBe(join(bundles, size.handler));
  });

  // What each lazy path pulls in; a static import of it anywhere on the way brings it back into init.
  it.each([
    ["apple-get-pass", "passkit-generator"],
    ["pass-download", "passkit-generator"],
    ["pass-updates-stream", "google-auth-library"],
    ["notifications-stream", "google-auth-library"],
    ["locations-poster", "fontkit"],
    ["locations-poster", "pdf-lib"],
  ])("%s loads %s only on the path that needs it", (handler, library) => {
    const size = sizes.get(handler);
    if (!size) throw new Error(`${handler} was not bundled`);
    const index = join(bundles, handler, "index.mjs");
    const lazy = size.files.filter((file) => file !== index);
    expect(lazy.length).toBeGreaterThan(0);
    expect(size.lazyBytes).toBeGreaterThan(100 * 1024);
    const map = JSON.parse(readFileSync(`${index}.map`, "utf8")) as { sources: string[] };
    expect(map.sources.filter((source) => source.includes(`/${library}/`))).toEqual([]);
    const chunkSources = lazy.flatMap(
      (file) => (JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources: string[] }).sources,
    );
    expect(chunkSources.some((source) => source.includes(`/${library}/`))).toBe(true);
  });

  // `import { z } from "zod"` makes esbuild keep zod's whole namespace (every locale, the JSON Schema
  // code): 443 KiB where `import * as z from "zod"` leaves the 88 a schema uses. Biome refuses the named
  // import (biome.json); this catches any other way of pulling the whole of zod in.
  it("carry only the parts of zod their schemas use", () => {
    const fullZod = [...sizes.keys()].filter((handler) => {
      const map = JSON.parse(readFileSync(join(bundles, handler, "index.mjs.map"), "utf8")) as {
        sources: string[];
      };
      return map.sources.some((source) => /\/zod\/v4\/locales\/(?!en\.js)/.test(source));
    });
    expect(fullZod).toEqual([]);
  });

  it("have chunks that load from the function's folder alone", () => {
    const chunked = [...sizes.values()].filter((size) => size.files.length > 1);
    expect(chunked.length).toBeGreaterThan(0);
    // Run from a folder with no node_modules above it: a chunk that resolved outside the bundle fails.
    const urls = chunked.flatMap((size) => size.files.map((file) => pathToFileURL(file).href));
    const loaded = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `for (const url of ${JSON.stringify(urls)}) await import(url); console.log("ok");`,
      ],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, AWS_REGION: "eu-west-3", TABLE_NAME: "t" },
        encoding: "utf8",
      },
    );
    expect(loaded.trim()).toBe("ok");
  }, 60_000);
});
