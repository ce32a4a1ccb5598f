import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { StoredItemType } from "../../../shared/store/db/item-types.ts";
import { TABLE } from "../../../shared/store/db/table-definition.ts";
import { importsUnder, REPO_ROOT } from "../../support/module-imports.ts";

/**
 * Only store modules talk to DynamoDB's document API and write index attributes, and what they write into the
 * table's indexes and TTL is what the table definition says (issue 12: stores own their items).
 */

const STORE = "shared/store/";
const PRODUCT_FOLDERS = ["shared", "functions", "passes", "infra"];

function filesUnder(folder: string): string[] {
  return readdirSync(join(REPO_ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name)));
}

async function storedItems(): Promise<Map<string, StoredItemType[]>> {
  const byFile = new Map<string, StoredItemType[]>();
  for (const file of filesUnder("shared/store")) {
    const module = (await import(join(REPO_ROOT, file))) as { STORED_ITEMS?: StoredItemType[] };
    if (module.STORED_ITEMS) byFile.set(file, module.STORED_ITEMS);
  }
  return byFile;
}

describe("stores own their items", () => {
  it("only store modules import @aws-sdk/lib-dynamodb", () => {
    const offenders = PRODUCT_FOLDERS.flatMap(importsUnder)
      .filter((i) => i.specifier === "@aws-sdk/lib-dynamodb" && !i.file.startsWith(STORE))
      .map((i) => i.file);
    expect(offenders).toEqual([]);
  });

  it("only store modules write index attributes", () => {
    const offenders = PRODUCT_FOLDERS.flatMap(filesUnder).filter(
      (file) =>
        !file.startsWith(STORE) &&
        file !== "shared/store/db/table-definition.ts" &&
        /\bgsi\dpk\b/.test(readFileSync(join(REPO_ROOT, file), "utf8")),
    );
    expect(offenders).toEqual([]);
  });

  it("every store that sets an index's keys declares that index in its STORED_ITEMS", async () => {
    const declared = await storedItems();
    for (const file of filesUnder("shared/store")) {
      const text = readFileSync(join(REPO_ROOT, file), "utf8");
      // Written as an item attribute (`gsi1pk: …`) or set by an update (`UpdateExpression: "SET gsi1pk = …"`).
      const written = new Set([
        ...[...text.matchAll(/\b(gsi\d)pk:/g)].map((m) => m[1]),
        ...[...text.matchAll(/UpdateExpression[^\n]*\b(gsi\d)pk\b/g)].map((m) => m[1]),
      ]);
      const indexes = new Set<string>((declared.get(file) ?? []).flatMap((item) => item.indexes));
      for (const index of written)
        expect(indexes.has(index as string), `${file} sets ${index} keys`).toBe(true);
    }
  });

  it("the table definition names, per index and for TTL, exactly the item types the stores declare", async () => {
    const items = [...(await storedItems()).values()].flat();
    const types = items.map((item) => item.type);
    expect(new Set(types).size, "item type names are unique").toBe(types.length);
    for (const index of TABLE.indexes) {
      const users = items.filter((item) => (item.indexes as readonly string[]).includes(index.name));
      expect([...index.usedBy].sort(), index.name).toEqual(users.map((u) => u.type).sort());
    }
    expect([...TABLE.ttlUsedBy].sort()).toEqual(
      items
        .filter((item) => item.ttl)
        .map((item) => item.type)
        .sort(),
    );
  });
});
