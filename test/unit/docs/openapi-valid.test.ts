import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { permissionsNamed, ROUTES, requiredPermissions } from "../../../infra/routes.ts";

// docs/openapi.yaml checked by validators nobody here wrote, then against the rules this API keeps: a
// client generated from it must know every member it can rely on and every status it can get.
const SPEC_PATH = fileURLToPath(new URL("../../../docs/openapi.yaml", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

type Json = Record<string, unknown>;
const spec = parse(readFileSync(SPEC_PATH, "utf8")) as Json;
const METHODS = ["get", "put", "post", "patch", "delete", "head"];

function deref(value: Json): Json {
  const ref = value.$ref;
  if (typeof ref !== "string") return value;
  let at: unknown = spec;
  for (const part of ref.slice(2).split("/"))
    at = (at as Json)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
  return deref(at as Json);
}

interface Operation {
  key: string;
  operation: Json;
  responses: Record<string, Json>;
}

const operations: Operation[] = Object.entries(spec.paths as Record<string, Json>).flatMap(([path, item]) =>
  METHODS.filter((method) => item[method]).map((method) => {
    const operation = item[method] as Json;
    const responses = Object.fromEntries(
      Object.entries(operation.responses as Record<string, Json>).map(([status, r]) => [status, deref(r)]),
    );
    return { key: `${method.toUpperCase()} ${path}`, operation, responses };
  }),
);
const byKey = new Map(operations.map((op) => [op.key, op]));
const hasParameter = (op: Operation, name: string) =>
  ((op.operation.parameters ?? []) as Json[]).some((p) => deref(p).name === name);

/** Object schemas that declare `properties` but not `required`, anywhere under `schema` (refs followed once). */
function withoutRequired(schema: unknown, where: string, seen = new Set<unknown>()): string[] {
  if (schema === null || typeof schema !== "object" || seen.has(schema)) return [];
  seen.add(schema);
  if (Array.isArray(schema)) return schema.flatMap((s, i) => withoutRequired(s, `${where}[${i}]`, seen));
  const node = schema as Json;
  if (typeof node.$ref === "string") return withoutRequired(deref(node), node.$ref, seen);
  const own = node.properties && !Array.isArray(node.required) ? [where] : [];
  return [
    ...own,
    ...Object.entries(node).flatMap(([key, value]) =>
      key === "examples" || key === "example" ? [] : withoutRequired(value, `${where}/${key}`, seen),
    ),
  ];
}

describe("docs/openapi.yaml, by independent validators", () => {
  it("is a valid OpenAPI 3.1 document for @apidevtools/swagger-parser", async () => {
    // validate() dereferences its input in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toBeDefined();
  });

  it("passes @redocly/cli lint (recommended rules) without an error or a warning", async () => {
    // The CLI from node_modules, offline: no telemetry, no update check.
    const { stdout } = await promisify(execFile)(
      "npx",
      ["--no-install", "redocly", "lint", SPEC_PATH, "--format", "json", "--max-problems", "1000"],
      {
        cwd: ROOT,
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", CI: "true" },
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string; location: { pointer?: string }[] }[];
    };
    const problems = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);
});

describe("docs/openapi.yaml, by this API's rules", () => {
  it("declares which members every response body has (a `required` on every object schema)", () => {
    const missing = operations.flatMap((op) =>
      Object.entries(op.responses).flatMap(([status, response]) =>
        Object.entries((response.content ?? {}) as Record<string, Json>).flatMap(([media, content]) =>
          withoutRequired(content.schema, `${op.key} ${status} ${media}`),
        ),
      ),
    );
    expect([...new Set(missing)]).toEqual([]);
  });

  it("answers every 4xx and 5xx with the Problem schema as application/problem+json", () => {
    // The gateway's own refusals (its fixed {"message"} bodies) are the only other bodies, and only beside a problem
    // for 401 and 503 (the function can answer those too); 413 is the gateway's alone.
    const gatewayOnly = ["413"];
    const wrong = operations.flatMap((op) =>
      Object.entries(op.responses)
        .filter(([status]) => /^[45]/.test(status) && !gatewayOnly.includes(status))
        .filter(([, response]) => {
          const problem = (response.content as Record<string, Json> | undefined)?.[
            "application/problem+json"
          ];
          return (problem?.schema as Json | undefined)?.$ref !== "#/components/schemas/Problem";
        })
        .map(([status]) => `${op.key} ${status}`),
    );
    expect(wrong).toEqual([]);
  });

  it("documents 401 and 403 on every staff route with a permission, 401 on every other staff route", () => {
    const missing = ROUTES.filter((route) => route.auth === "staff").flatMap((route) => {
      const op = byKey.get(`${route.method} ${route.path}`);
      const wanted = permissionsNamed(requiredPermissions(route)).length > 0 ? ["401", "403"] : ["401"];
      return wanted
        .filter((status) => !op?.responses[status])
        .map((status) => `${route.method} ${route.path} ${status}`);
    });
    expect(missing).toEqual([]);
  });

  it("documents 400, 422 and 503 on every write that takes an Idempotency-Key, and 413 wherever a body is read", () => {
    const missing = operations.flatMap((op) => {
      const wanted = [
        ...(hasParameter(op, "Idempotency-Key") ? ["400", "422", "503"] : []),
        ...(op.operation.requestBody ? ["413"] : []),
      ];
      return wanted.filter((status) => !op.responses[status]).map((status) => `${op.key} ${status}`);
    });
    expect(missing).toEqual([]);
  });

  it("names every operation the way the routes table does", () => {
    const ids = operations.map((op) => op.operation.operationId);
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
