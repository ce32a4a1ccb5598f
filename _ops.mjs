import { build } from "esbuild";
import { readdirSync } from "node:fs";
const files = readdirSync("functions").filter((f) => f.endsWith(".ts"));
const t0 = Date.now();
const results = await Promise.all(files.map(async (f) => {
  const r = await build({ entryPoints: [`functions/${f}`], bundle: true, platform: "node", format: "esm", write: false, metafile: true, logLevel: "silent", target: "node22", mainFields: ["module","main"] });
  const text = r.outputFiles[0].text;
  const ops = [...new Set([...text.matchAll(/DynamoDB_20120810\.(\w+)/g)].map((m) => m[1]))].sort();
  const inputs = Object.keys(r.metafile.inputs).filter((i) => i.startsWith("shared/customers/update") || i.includes("index-items"));
  const del = /Delete:\s*\{/.test(text);
  return [f, ops.join(","), del ? "DELETE-IN-TRANSACT" : "", inputs.join(" ")];
}));
for (const r of results) console.log(r.join("  "));
console.log("ms", Date.now() - t0);
