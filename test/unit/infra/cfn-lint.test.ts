import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { synthStack } from "./synth.ts";

/**
 * AWS's own template linter on what `cdk synth` makes (root and nested stacks, with stub code), where it
 * is installed (Debian/Ubuntu package `cfn-lint`, or `pip install cfn-lint`). Errors fail; warnings do not
 * (CDK adds DependsOn that cfn-lint finds redundant, W3005).
 */

const CFN_LINT = spawnSync("cfn-lint", ["--version"], { stdio: "pipe" }).status === 0;
const dir = mkdtempSync(join(tmpdir(), "cfn-lint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Finding {
  Level: string;
  Rule: { Id: string };
  Message: string;
  Filename: string;
}

/** cfn-lint's findings; its exit status is a bit mask (2 errors, 4 warnings, 8 informational; 1 a crash). */
function lint(files: readonly string[]): Finding[] {
  const run = spawnSync("cfn-lint", ["--format", "json", "--", ...files], {
    stdio: "pipe",
    maxBuffer: 64 << 20,
  });
  if (run.status === 1 || run.status === null) throw new Error(`cfn-lint failed: ${run.stderr.toString()}`);
  return JSON.parse(run.stdout.toString() || "[]") as Finding[];
}

const errors = (findings: readonly Finding[]) =>
  findings
    .filter((finding) => finding.Level === "Error")
    .map((f) => `${f.Rule.Id} ${f.Filename}: ${f.Message}`);

describe.skipIf(!CFN_LINT)("cfn-lint on the synthesized templates", () => {
  it("finds no error in the root stack or any nested stack", () => {
    const { root, nested } = synthStack();
    const files = [root, ...nested.map((n) => n.template)].map((template, i) => {
      const file = join(dir, i === 0 ? "root.json" : `nested-${i}.json`);
      writeFileSync(file, JSON.stringify(template.toJSON()));
      return file;
    });
    expect(files.length).toBeGreaterThan(1);
    expect(errors(lint(files))).toEqual([]);
  }, 120_000);

  it("reports an error it should (control)", () => {
    const file = join(dir, "broken.json");
    writeFileSync(
      file,
      JSON.stringify({
        Resources: { Broken: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs0.x" } } },
      }),
    );
    expect(errors(lint([file])).length).toBeGreaterThan(0);
  }, 60_000);
});

describe.runIf(!CFN_LINT)("cfn-lint", () => {
  it("SKIPPED: cfn-lint is not installed (apt-get install cfn-lint, or pip install cfn-lint)", () => {
    expect(CFN_LINT).toBe(false);
  });
});
