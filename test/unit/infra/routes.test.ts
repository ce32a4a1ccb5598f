import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ROUTES,
  type RouteDefinition,
  requiredPermissions,
  routeKey,
  SIGNED_IN,
} from "../../../infra/routes.ts";
import { handlerEntry } from "../../../infra/stack/app-function.ts";
import { PERMISSIONS } from "../../../shared/auth/permissions.ts";

/** What is wrong with a route's access declaration; the pipeline (functions/http/api.ts) enforces what it says. */
function accessProblems(route: RouteDefinition): string[] {
  const name = routeKey(route);
  if (route.auth === "none") {
    return route.permission === undefined ? [] : [`${name}: a public route declares a permission`];
  }
  if (route.permission === SIGNED_IN) {
    return route.because?.trim() ? [] : [`${name}: signed-in without saying why`];
  }
  // Read as declared, not through the types: this is what stands between a route and an open door.
  const declared: unknown = route.permission;
  const anyOf = (declared as { anyOf?: unknown } | undefined)?.anyOf;
  const permissions =
    typeof declared === "string"
      ? [declared]
      : Array.isArray(declared)
        ? declared
        : Array.isArray(anyOf) && anyOf.length >= 2
          ? anyOf
          : [];
  if (permissions.length === 0) return [`${name}: a staff route without a permission`];
  return [
    ...permissions
      .filter((p) => !(PERMISSIONS as readonly string[]).includes(p))
      .map((p) => `${name}: ${p} is not a permission`),
    ...(new Set(permissions).size === permissions.length ? [] : [`${name}: a permission listed twice`]),
  ];
}

// Declarations that only a cast gets past the compiler, as a JavaScript edit or a loosened type would.
const broken = (route: object) =>
  ({ method: "GET", path: "/v1/x", handler: "x", needs: { table: "read" }, ...route }) as RouteDefinition;

describe("infra/routes.ts", () => {
  it("gives every staff route a known permission (or says why signed in is enough), and public routes none", () => {
    expect(ROUTES.flatMap(accessProblems)).toEqual([]);
  });

  it("the check refuses what it should", () => {
    expect(accessProblems(broken({ auth: "staff" }))).toEqual([
      "GET /v1/x: a staff route without a permission",
    ]);
    expect(accessProblems(broken({ auth: "staff", permission: [] }))).toHaveLength(1);
    expect(accessProblems(broken({ auth: "staff", permission: "customers:delete" }))).toEqual([
      "GET /v1/x: customers:delete is not a permission",
    ]);
    expect(accessProblems(broken({ auth: "staff", permission: SIGNED_IN }))).toHaveLength(1);
    expect(accessProblems(broken({ auth: "none", permission: "customers:read" }))).toHaveLength(1);
    // "Any of" one permission is a plain permission written oddly; none is an open door.
    expect(accessProblems(broken({ auth: "staff", permission: { anyOf: ["customers:read"] } }))).toHaveLength(
      1,
    );
    expect(accessProblems(broken({ auth: "staff", permission: { anyOf: [] } }))).toHaveLength(1);
    expect(
      accessProblems(broken({ auth: "staff", permission: { anyOf: ["customers:read", "customers:nope"] } })),
    ).toEqual(["GET /v1/x: customers:nope is not a permission"]);
  });

  it("the pipeline requires exactly the declared permissions", () => {
    const approve = ROUTES.find((route) => route.handler === "claims-approve");
    expect(approve && requiredPermissions(approve)).toEqual({ all: ["claims:review", "points:adjust"] });
    const search = ROUTES.find((route) => route.handler === "customers-search");
    expect(search && requiredPermissions(search)).toEqual({ all: ["customers:read"] });
    const poster = ROUTES.find((route) => route.handler === "locations-poster");
    expect(poster && requiredPermissions(poster)).toEqual({ anyOf: ["locations:manage", "customers:write"] });
    for (const route of ROUTES.filter((r) => r.auth === "none" || r.permission === SIGNED_IN)) {
      expect(requiredPermissions(route), routeKey(route)).toEqual({ all: [] });
    }
  });

  it("names each route once, as the pipeline finds it by route key", () => {
    const keys = ROUTES.map(routeKey);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it("imports nothing but types and data modules, so the handlers that read it keep their bundles small", () => {
    const routesUrl = new URL("../../../infra/routes.ts", import.meta.url);
    const importsOf = (source: string) => source.split("\n").filter((line) => /^\s*import\b/.test(line));
    const imports = importsOf(readFileSync(routesUrl, "utf8"));
    expect(imports.length).toBeGreaterThan(0);
    // A value may come only from a module that imports no values itself (a list of constants such as
    // shared/auth/sign-in-actions.ts): that keeps the stack's code, and anything heavy, out of the bundles.
    const valueImports = imports.filter((line) => !/^import type /.test(line));
    for (const line of valueImports) {
      const from = /from "([^"]+)"/.exec(line)?.[1];
      expect(from, line).toMatch(/^\.\.?\//);
      const source = readFileSync(new URL(from as string, routesUrl), "utf8");
      expect(
        importsOf(source).filter((l) => !/^import type /.test(l)),
        `${from} imports values`,
      ).toEqual([]);
    }
  });

  it("serves staff routes through staffHandler, the pipeline that checks the permission, and public ones not", () => {
    const wrongPipeline = ROUTES.filter((route) => {
      const usesStaffPipeline = /\bstaffHandler\(/.test(readFileSync(handlerEntry(route.handler), "utf8"));
      return usesStaffPipeline !== (route.auth === "staff");
    }).map(routeKey);
    expect(wrongPipeline).toEqual([]);
  });
});
