import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { percentile, round } from "./stats.ts";

const ROOT = process.cwd();
const OUT = join(ROOT, "cdk.out");
const INIT_RUNS = 3;
/** Budget per function bundle (1 MiB); the pass renderer carries the pass model, node-forge and both wallet clients and is exempt. */
export const BUNDLE_BUDGET_BYTES = 1024 * 1024;

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, string>;
  Properties?: { MemorySize?: number };
}

/**
 * Each Lambda bundle exactly as `npm run synth` produces it (cdk.out assets): its size, and how long
 * Node takes to load it (module initialisation, the part of a cold start the code controls).
 */
export function benchColdStart() {
  execFileSync("npx", ["cdk", "synth", "--quiet"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  // Functions live in the root template and in one nested template per route group.
  const resources = readdirSync(OUT)
    .filter((f) => f.endsWith(".template.json"))
    .flatMap((f) =>
      Object.values(
        (JSON.parse(readFileSync(join(OUT, f), "utf8")) as { Resources: Record<string, TemplateResource> })
          .Resources,
      ),
    );
  if (resources.length === 0) throw new Error("cdk synth produced no template");
  const rows = [];
  for (const resource of resources) {
    const asset = resource.Metadata?.["aws:asset:path"];
    if (resource.Type !== "AWS::Lambda::Function" || !asset) continue;
    const bundle = join(OUT, asset, "index.mjs");
    if (!existsSync(bundle)) continue;
    const path = (resource.Metadata?.["aws:cdk:path"] ?? "").split("/");
    const name = path.at(-3) ?? asset;
    const bytes = statSync(bundle).size;
    const initMs: number[] = [];
    for (let i = 0; i < INIT_RUNS; i++) {
      const output = execFileSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const t = performance.now(); await import(${JSON.stringify(`file://${bundle}`)}); console.log(performance.now() - t);`,
        ],
        { env: { ...process.env, TABLE_NAME: "bench", AWS_REGION: "eu-west-3" }, encoding: "utf8" },
      );
      initMs.push(Number(output.trim()));
    }
    rows.push({
      function: name,
      bundleKiB: round(bytes / 1024, 1),
      gzippedKiB: round(gzipSync(readFileSync(bundle)).length / 1024, 1),
      withinBudget: bytes < BUNDLE_BUDGET_BYTES,
      memoryMb: resource.Properties?.MemorySize,
      initMsP50: round(percentile(initMs, 50)),
    });
  }
  return { node: process.version, rows: rows.sort((a, b) => (b.bundleKiB ?? 0) - (a.bundleKiB ?? 0)) };
}
