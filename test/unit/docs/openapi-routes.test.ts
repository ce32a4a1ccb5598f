import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROUTES } from "../../../infra/routes.ts";

// The API reference must describe exactly the routes that exist: no undocumented route, no stale one.
const spec = parse(readFileSync(new URL("../../../docs/openapi.yaml", import.meta.url), "utf8")) as {
  paths: Record<string, Record<string, unknown>>;
};
const METHODS = ["get", "post", "put", "patch", "delete", "head"];
const documented = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.keys(item)
    .filter((key) => METHODS.includes(key))
    .map((method) => `${method.toUpperCase()} ${path}`),
);
const routed = ROUTES.map((r) => `${r.method} ${r.path}`);

describe("docs/openapi.yaml", () => {
  it("documents every route", () => {
    expect(routed.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it("documents no route that does not exist", () => {
    expect(documented.filter((d) => !routed.includes(d))).toEqual([]);
  });
});
