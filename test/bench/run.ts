import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { benchCapacity } from "./capacity.ts";
import { benchColdStart } from "./cold-start.ts";
import { benchEarn } from "./earn.ts";
import { benchExpiry } from "./expiry.ts";
import { benchFreshness } from "./freshness.ts";
import { benchPasses } from "./passes.ts";
import { toMarkdown } from "./report.ts";
import { benchScale } from "./scale.ts";

/**
 * `npm run bench`: every figure is measured in this run, beside its baseline from the same run, and
 * written to test/bench/results/latest.json and latest.md. Nothing here is asserted: timing belongs
 * to reports, not to tests. `BENCH_ONLY=earn,passes` runs some sections.
 */
const only = process.env.BENCH_ONLY?.split(",");
const sections: Record<string, () => unknown> = {
  coldStart: benchColdStart,
  passes: benchPasses,
  capacity: benchCapacity,
  expiry: benchExpiry,
  freshness: benchFreshness,
  earn: benchEarn,
  scale: benchScale,
};

const dir = join(process.cwd(), "test", "bench", "results");
const latest = join(dir, "latest.json");
// A partial run (BENCH_ONLY) updates its sections and keeps the others' last figures.
const previous =
  only && existsSync(latest) ? (JSON.parse(readFileSync(latest, "utf8")) as Record<string, unknown>) : {};
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
// Each section says when and where it was measured: a partial run's figures sit beside older ones.
const sectionsMeasured: Record<string, string> = {
  ...((previous.sectionsMeasured as Record<string, string> | undefined) ?? {}),
};
const results: Record<string, unknown> = {
  ...previous,
  measuredAt: new Date().toISOString(),
  machine,
  sectionsMeasured,
};
for (const [name, run] of Object.entries(sections)) {
  if (only && !only.includes(name)) continue;
  const t0 = performance.now();
  process.stderr.write(`bench: ${name}…\n`);
  results[name] = await run();
  sectionsMeasured[name] = `${new Date().toISOString()} on ${machine.cpus} × ${machine.cpu}`;
  process.stderr.write(`bench: ${name} done in ${Math.round((performance.now() - t0) / 1000)} s\n`);
}
mkdirSync(dir, { recursive: true });
writeFileSync(latest, `${JSON.stringify(results, null, 2)}\n`);
const markdown = toMarkdown(results);
writeFileSync(join(dir, "latest.md"), markdown);
console.log(markdown);
