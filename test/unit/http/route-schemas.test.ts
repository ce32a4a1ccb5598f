import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { ROUTES } from "../../../infra/routes.ts";

/**
 * Every string any route accepts (body, query or path) holds to shared/text.ts's rule: this walks the
 * schemas every handler parses with, down to each string, and slips each forbidden character into values
 * that string otherwise accepts. A new route or field that builds its own unchecked z.string() fails here.
 */

const root = new URL("../../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

type Module = Record<string, unknown>;
const handlerNames = [...new Set(ROUTES.map((route) => route.handler))].sort();
const handlers = new Map<string, Module>(
  await Promise.all(
    handlerNames.map(
      async (name) => [name, (await import(`../../../functions/${name}.ts`)) as Module] as const,
    ),
  ),
);
/** Where handlers import their shared schemas from. */
const schemaModules: Record<string, Module> = {
  ...Object.fromEntries(
    await Promise.all(
      readdirSync(new URL("functions/http/", root))
        .filter((file) => file.endsWith(".ts"))
        .map((file) => file.slice(0, -".ts".length))
        .map(async (name) => [
          `functions/http/${name}.ts`,
          (await import(`../../../functions/http/${name}.ts`)) as Module,
        ]),
    ),
  ),
  "shared/programs/rule-schema.ts": await import("../../../shared/programs/rule-schema.ts"),
};

const isSchema = (value: unknown): value is z.ZodType => value instanceof z.ZodType;
const schemasOf = (module: Module) =>
  Object.entries(module).filter((entry): entry is [string, z.ZodType] => isSchema(entry[1]));

interface Leaf {
  where: string;
  schema: z.ZodType;
}

// biome-ignore lint/suspicious/noExplicitAny: zod's definitions differ by type; each case reads its own.
const defOf = (schema: z.ZodType): any => (schema as any)._zod.def;

/** A string, or what a string goes through whole (a string piped on, a union of strings): tried as one. */
function isStringInput(schema: z.ZodType): boolean {
  const def = defOf(schema);
  if (def.type === "string") return true;
  if (def.type === "pipe") return isStringInput(def.in);
  if (def.type === "union") return (def.options as z.ZodType[]).every(isStringInput);
  return false;
}

/** Every string schema inside `schema`, with the path that reaches it. */
function stringLeaves(schema: z.ZodType, where: string, seen = new Set<z.ZodType>()): Leaf[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  if (isStringInput(schema)) return [{ where, schema }];
  const def = defOf(schema);
  const walk = (child: z.ZodType, path = where) => stringLeaves(child, path, seen);
  switch (def.type) {
    case "object":
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
        walk(child, `${where}.${key}`),
      );
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
    case "catch":
      return walk(def.innerType);
    case "pipe":
      return [...walk(def.in), ...walk(def.out)];
    case "union":
      return (def.options as z.ZodType[]).flatMap((option) => walk(option));
    case "intersection":
      return [...walk(def.left), ...walk(def.right)];
    case "array":
      return walk(def.element, `${where}[]`);
    case "record":
      return [...walk(def.keyType, `${where}{key}`), ...walk(def.valueType, `${where}{}`)];
    case "lazy":
      return walk(def.getter());
    case "enum":
    case "literal":
    case "number":
    case "boolean":
    case "transform":
      return [];
    default:
      throw new Error(`${where}: a zod type this test does not know (${def.type}); teach it`);
  }
}

const FORBIDDEN = [
  "\u0000",
  "\t",
  "\n",
  "\r",
  "\u001F",
  "\u007F",
  "\u0080",
  "\u0085",
  "\u009F",
  "\u202A",
  "\u202D",
  "\u202E",
  "\u2066",
  "\u2069",
  "\uD800",
  "\uDFFF",
];
/** Values of the shapes the API's strings take; each leaf is tried with those it accepts. */
const CARRIERS = [
  "a",
  "Camille Durand",
  "cus_01",
  "paris-01",
  "DEMOCAMILLE7Q4XK9TZ",
  "10.00",
  "EUR",
  "2026-05-01T10:30:00Z",
  "2026-05-01",
  "rgb(1, 2, 3)",
  "bonjour@cafe.example",
  "https://cafe.example/contact",
  "iVBORw0KGgo=",
  "eyJiIjoxfQ",
  "1717171717",
  "+33 6 12 34 56 78",
  "issued,manual",
];

const leaves = [
  ...[...handlers.entries()].map(([name, module]) => [`functions/${name}.ts`, module] as const),
  ...Object.entries(schemaModules),
].flatMap(([module, exports]) =>
  schemasOf(exports).flatMap(([name, schema]) => stringLeaves(schema, `${module} ${name}`)),
);

describe("every route's strings hold to the text rule", () => {
  it("finds the schemas every handler parses with", () => {
    for (const name of handlerNames) {
      const source = read(`functions/${name}.ts`);
      const exported = new Set(Object.keys(handlers.get(name) ?? {}));
      for (const [, schema] of source.matchAll(/\bparse\(\s*([A-Za-z_$][\w$]*)\s*,/g)) {
        const imported = Object.values(schemaModules).some((module) => isSchema(module[schema as string]));
        expect(
          exported.has(schema as string) || imported,
          `functions/${name}.ts parses with ${schema}: export it, or build it from functions/http/fields.ts`,
        ).toBe(true);
      }
      expect(source, `functions/${name}.ts parses with an inline schema`).not.toMatch(/\bparse\(\s*z\./);
    }
  });

  it("reaches the strings of bodies, queries and paths", () => {
    const where = leaves.map((leaf) => leaf.where);
    for (const expected of [
      "functions/http/customer-fields.ts CustomerChangesBody.name",
      "functions/settings-update.ts Body.branding.contact.website",
      "functions/me-claims-create.ts Body.description",
      "functions/activity-list.ts Query.cursor",
      "functions/scan-lookup.ts Path.barcode",
      "functions/http/reward-fields.ts RewardDiscount.product",
      "shared/programs/rule-schema.ts ProgramSettingsSchema.name",
    ]) {
      expect(where).toContain(expected);
    }
    expect(leaves.length).toBeGreaterThan(80);
  });

  it("refuses every forbidden character, anywhere in a value the field would otherwise take", () => {
    const accepted: string[] = [];
    for (const { where, schema } of leaves) {
      const carriers = CARRIERS.filter((carrier) => schema.safeParse(carrier).success);
      for (const carrier of ["", ...carriers]) {
        for (const character of FORBIDDEN) {
          for (let at = 0; at <= carrier.length; at++) {
            const value = carrier.slice(0, at) + character + carrier.slice(at);
            if (schema.safeParse(value).success) accepted.push(`${where} took ${JSON.stringify(value)}`);
          }
        }
      }
    }
    expect(accepted).toEqual([]);
  });
});
