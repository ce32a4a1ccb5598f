import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { buildSync } from "esbuild";
import { PROJECT_ROOT } from "../../infra/stack/app-function.ts";
import {
  BUNDLE_BUDGET_BYTES,
  BUNDLE_OPTIONS,
  buildBundles,
  handlerModules,
} from "../../infra/stack/function-bundles.ts";
import { percentile, round } from "./stats.ts";

const INIT_RUNS = 7;

/** The least a function of this app can be: one DocumentClient, bundled like every function. */
const MINIMAL_HANDLER = `
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async (event) =>
  (await db.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: event.pk, sk: event.sk } }))).Item;
`;

/** Milliseconds a fresh Node takes to import the modules, one after the other (module init: the part of a cold start the code controls). */
function importMs(files: readonly string[]): number {
  const urls = JSON.stringify(files.map((file) => pathToFileURL(file).href));
  const output = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const t = performance.now(); for (const url of ${urls}) await import(url); console.log(performance.now() - t);`,
    ],
    { env: { ...process.env, TABLE_NAME: "bench", AWS_REGION: "eu-west-3" }, encoding: "utf8" },
  );
  return Number(output.trim());
}

/**
 * Every function's bundle as `npm run synth` builds it (function-bundles.ts): the code it loads at
 * init against the 1 MiB budget, what it loads only on the path that needs it, and its init time as a
 * ratio to a minimal DocumentClient handler bundled the same way. Each function's runs alternate with
 * the minimal handler's, so both see the same load on a shared machine.
 */
export function benchColdStart() {
  const dir = mkdtempSync(join(tmpdir(), "loyalty-wallet-cold-start-"));
  try {
    const sizes = buildBundles(handlerModules(), join(dir, "bundles"));
    const minimal = join(dir, "minimal", "index.mjs");
    buildSync({
      ...BUNDLE_OPTIONS,
      absWorkingDir: PROJECT_ROOT,
      stdin: { contents: MINIMAL_HANDLER, resolveDir: PROJECT_ROOT, sourcefile: "minimal.ts", loader: "ts" },
      entryNames: undefined,
      outfile: minimal,
    });
    const minimalBytes = readFileSync(minimal).length;
    const minimalMs: number[] = [];
    const rows = sizes.map((size) => {
      const index = join(dir, "bundles", size.handler, "index.mjs");
      const lazy = size.files.filter((file) => file !== index);
      const init: number[] = [];
      const ratios: number[] = [];
      const withLazy: number[] = [];
      for (let i = 0; i < INIT_RUNS; i++) {
        const baseline = importMs([minimal]);
        const ms = importMs([index]);
        minimalMs.push(baseline);
        init.push(ms);
        // Each run against the minimal handler's run just before it: the load they shared cancels out.
        ratios.push(ms / baseline);
        if (lazy.length > 0) withLazy.push(importMs([index, ...lazy]));
      }
      const ratio = percentile(ratios, 50) ?? Number.NaN;
      return {
        function: size.handler,
        initKiB: round(size.initBytes / 1024, 1),
        lazyKiB: round(size.lazyBytes / 1024, 1),
        indexGzippedKiB: round(gzipSync(readFileSync(index)).length / 1024, 1),
        withinBudget: size.initBytes < BUNDLE_BUDGET_BYTES,
        initMsP50: round(percentile(init, 50)),
        initRatio: round(ratio),
        withinTwiceMinimal: ratio <= 2,
        // Every chunk loaded too: what the first call of the heaviest path adds to it.
        withLazyMsP50: lazy.length > 0 ? round(percentile(withLazy, 50)) : undefined,
      };
    });
    rows.sort((a, b) => (b.initKiB ?? 0) - (a.initKiB ?? 0));
    return {
      node: process.version,
      minimal: { initKiB: round(minimalBytes / 1024, 1), initMsP50: round(percentile(minimalMs, 50)) },
      underBudget: `${rows.filter((row) => row.withinBudget).length} of ${rows.length}`,
      withinTwiceMinimal: `${rows.filter((row) => row.withinTwiceMinimal).length} of ${rows.length}`,
      rows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
