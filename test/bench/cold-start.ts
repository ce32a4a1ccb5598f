import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { percentile, round } from "./stats.ts";

const ROOT = process.cwd();
const OUT = join(ROOT, "cdk.out");
const INIT_RUNS = 5;
/** Budget per function bundle; the pass renderer carries certificates' crypto and images and is exempt. */
export const BUNDLE_BUDGET_BYTES = 1_000_000;

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
  const templateFile = readdirSync(OUT).find((f) => f.endsWith(".template.json"));
  if (!templateFile) throw new Error("cdk synth produced no template");
  const template = JSON.parse(readFileSync(join(OUT, templateFile), "utf8")) as { Resources: Record<string, TemplateResource> };
  const rows = [];
  for (const resource of Object.values(template.Resources)) {
    const asset = resource.Metadata?.["aws:asset:path"];
    if (resource.Type !== "AWS::Lambda::Function" || !asset) continue;
    const bundle = join(OUT, asset, "index.mjs");
    if (!existsSync(bundle)) continue;
    const name = (resource.Metadata?.["aws:cdk:path"] ?? "").split("/")[1] ?? asset;
    const bytes = statSync(bundle).size;
    const initMs: number[] = [];
    for (let i = 0; i < INIT_RUNS; i++) {
      const output = execFileSync(
        process.execPath,
        ["--input-type=module", "-e", `const t = performance.now(); await import(${JSON.stringify(`file://${bundle}`)}); console.log(performance.now() - t);`],
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
