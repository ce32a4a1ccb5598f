import { describe, expect, it } from "vitest";
import { importSpecifiers, importsUnder, type ModuleImport } from "../../support/module-imports.ts";

// The core (shared/) must not depend on the wallet pass code (passes/): what passes/ offers the core,
// such as link signing, is handed in by the caller.
const intoPasses = (i: ModuleImport) => i.target !== undefined && /^passes(\/|$)/.test(i.target);

describe("shared/ imports", () => {
  it("finds static, type-only, re-exported, bare and dynamic imports", () => {
    const source = [
      'import { a } from "../../passes/a.ts";',
      "import type {\n  B,\n} from '../passes/b.ts';",
      'export { c } from "./c.ts";',
      'import "../passes/d.ts";',
      'const e = await import("../../passes/e.ts");',
    ].join("\n");
    expect(importSpecifiers(source).sort()).toEqual(
      ["../../passes/a.ts", "../passes/b.ts", "./c.ts", "../passes/d.ts", "../../passes/e.ts"].sort(),
    );
  });

  it("sees the imports of shared/ at all", () => {
    expect(importsUnder("shared").some((i) => i.target === "shared/store/db/client.ts")).toBe(true);
  });

  it("never import from passes/", () => {
    expect(importsUnder("shared").filter(intoPasses)).toEqual([]);
  });
});
