import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { ImportLine, ImportPart, ImportRecord } from "../imports/model.ts";
import { batchGet } from "./db/batch-get.ts";
import type { Db } from "./db/client.ts";
import { isConditionFailed } from "./db/contention.ts";
import type { StoredItemType } from "./db/item-types.ts";
import { queryAll } from "./db/query-all.ts";
import type { NamedItem } from "./db/transact.ts";

/**
 * A CSV import (shared/imports/) is a partition of its own, `MERCHANT#<m>#IMPORT#<id>`: the import record
 * (`#IMPORT`), the file's parts as received (`PART#<n>`), one outcome per data line (`LINE#<line>`, what the
 * dry run decided and, once written, what the real run did), and the phone numbers and e-mail addresses
 * already seen in the file (`SEEN#<field>#<value>`, naming the first line that had it). Imports still to
 * process are listed under `IMPORTS#ACTIVE`, which the import job reads; a file's content hash per merchant
 * (`MERCHANT#<m>#IMPORT_HASH#<sha256>`) names the import that first received it. A merchant's imports are
 * listed (`MERCHANT#<m>#IMPORTS_RECENT` / `IMPORT#<id>`) for as long as any of their items may hold
 * personal data: that is where an erasure looks for the file's copy of a member.
 *
 * Retention. Parts (the file's raw lines) serve the dry run only: they are deleted once it is done (at most
 * 200 items), and expire by TTL IMPORT_FILE_TTL_DAYS after they were written whatever happens (a duplicate's
 * never run). `SEEN#` items (the file's phones and e-mails, up to two a line: 200,000 for a full file, as many
 * writes again to delete) also serve the dry run only, which ends within hours: they are left to a TTL of
 * IMPORT_SEEN_TTL_DAYS, which costs no write. A line keeps a name, phone and e-mail only while it waits to
 * create its member: the real run's mark removes them, and a merge line never holds them. Lines (the report)
 * expire IMPORT_REPORT_TTL_DAYS after the dry run wrote them, so a run is refused past
 * IMPORT_RUN_WITHIN_DAYS of the import's creation.
 */

export const IMPORT_FILE_TTL_DAYS = 30;
export const IMPORT_SEEN_TTL_DAYS = 2;
export const IMPORT_REPORT_TTL_DAYS = 90;
export const IMPORT_RUN_WITHIN_DAYS = 60;
const ttlAfter = (now: Date, days: number) => Math.floor(now.getTime() / 1000) + days * 24 * 3600;

const importPk = (merchantId: string, importId: string) => `MERCHANT#${merchantId}#IMPORT#${importId}`;
const RECORD_SK = "#IMPORT";
const partSk = (part: number) => `PART#${String(part).padStart(5, "0")}`;
const lineSk = (line: number) => `LINE#${String(line).padStart(7, "0")}`;
const seenSk = (field: string, value: string) => `SEEN#${field}#${value}`;
const ACTIVE_PK = "IMPORTS#ACTIVE";
const recentPk = (merchantId: string) => `MERCHANT#${merchantId}#IMPORTS_RECENT`;
const hashKey = (merchantId: string, hash: string) => ({
  pk: `MERCHANT#${merchantId}#IMPORT_HASH#${hash}`,
  sk: "#IMPORT_HASH",
});

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ttl: _ttl, ...rest } = item;
  return rest as T;
};

export async function readImport(db: Db, merchantId: string, importId: string) {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: { pk: importPk(merchantId, importId), sk: RECORD_SK },
      ConsistentRead: true,
    }),
  );
  return strip<ImportRecord>(Item);
}

/** A new import (not on the job's list until its last part); fails ("import") only if its id is taken. */
export const newImportItems = (db: Db, record: ImportRecord): NamedItem[] => [
  {
    name: "import",
    item: {
      Put: {
        TableName: db.table,
        Item: { pk: importPk(record.merchantId, record.id), sk: RECORD_SK, ...record },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  },
  {
    name: "import-recent",
    item: {
      Put: {
        TableName: db.table,
        Item: {
          pk: recentPk(record.merchantId),
          sk: `IMPORT#${record.id}`,
          importId: record.id,
          // Its parts (30 days) and report (90 days after the dry run, at most 60 days in) are gone by then.
          ttl: ttlAfter(new Date(record.createdAt), IMPORT_RUN_WITHIN_DAYS + IMPORT_REPORT_TTL_DAYS),
        },
      },
    },
  },
];

/**
 * The import as a write changed it ("import"), on condition it is still as read (`version`), and its place on
 * the job's list: on it while a run has lines to go through, off it otherwise.
 */
export function importSaveItem(db: Db, before: ImportRecord, after: ImportRecord): NamedItem[] {
  const active = after.status === "validating" || after.status === "importing";
  const key = { pk: ACTIVE_PK, sk: `${after.merchantId}#${after.id}` };
  return [
    {
      name: "import",
      item: {
        Put: {
          TableName: db.table,
          Item: { pk: importPk(after.merchantId, after.id), sk: RECORD_SK, ...after },
          ConditionExpression: "version = :version",
          ExpressionAttributeValues: { ":version": before.version },
        },
      },
    },
    active
      ? {
          name: "import-active",
          item: { Put: { TableName: db.table, Item: { ...key, merchantId: after.merchantId } } },
        }
      : { name: "import-active", item: { Delete: { TableName: db.table, Key: key } } },
  ];
}

export const partPutItem = (
  db: Db,
  merchantId: string,
  importId: string,
  part: ImportPart,
  now: Date,
): NamedItem => ({
  name: "import-part",
  item: {
    Put: {
      TableName: db.table,
      Item: {
        pk: importPk(merchantId, importId),
        sk: partSk(part.part),
        ...part,
        ttl: ttlAfter(now, IMPORT_FILE_TTL_DAYS),
      },
    },
  },
});

export async function readPart(db: Db, merchantId: string, importId: string, part: number) {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: { pk: importPk(merchantId, importId), sk: partSk(part) },
      ConsistentRead: true,
    }),
  );
  return strip<ImportPart>(Item);
}

/**
 * Records, for a batch of lines in line order (each value at most once), which line of the file had each
 * phone number or e-mail address first: read in one batch, and the values new to the file written in batches. Only for one step at a
 * time over these lines; two steps racing over the same batch write the same line numbers.
 */
export async function claimSeenBatch(
  db: Db,
  merchantId: string,
  importId: string,
  claims: readonly { field: string; value: string; line: number }[],
  now: Date,
): Promise<number[]> {
  const keys = claims.map((c) => ({ pk: importPk(merchantId, importId), sk: seenSk(c.field, c.value) }));
  const found = await batchGet(db, keys, { consistent: true });
  const fresh = claims.filter((_, i) => !found.has(`${keys[i]?.pk}|${keys[i]?.sk}`));
  await writeAll(
    db,
    fresh.map((c) => ({
      pk: importPk(merchantId, importId),
      sk: seenSk(c.field, c.value),
      line: c.line,
      ttl: ttlAfter(now, IMPORT_SEEN_TTL_DAYS),
    })),
  );
  return claims.map(
    (c, i) => (found.get(`${keys[i]?.pk}|${keys[i]?.sk}`)?.line as number | undefined) ?? c.line,
  );
}

async function writeAll(db: Db, items: readonly Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25) {
    let pending: NonNullable<BatchWriteCommandOutput["UnprocessedItems"]>[string] | undefined = items
      .slice(i, i + 25)
      .map((Item) => ({ PutRequest: { Item } }));
    while (pending && pending.length > 0) {
      const result: BatchWriteCommandOutput = await db.client.send(
        new BatchWriteCommand({ RequestItems: { [db.table]: pending } }),
      );
      pending = result.UnprocessedItems?.[db.table];
    }
  }
}

/** The dry run's outcomes, 25 per request, sent again while DynamoDB leaves some unprocessed. */
export async function putLines(
  db: Db,
  merchantId: string,
  importId: string,
  lines: readonly ImportLine[],
  now: Date,
) {
  const ttl = ttlAfter(now, IMPORT_REPORT_TTL_DAYS);
  await writeAll(
    db,
    lines.map((line) => ({ pk: importPk(merchantId, importId), sk: lineSk(line.line), ...line, ttl })),
  );
}

/** Once the dry run is done: the file's raw lines, no longer needed; 25 per request. Returns how many. */
export async function dropImportParts(db: Db, merchantId: string, importId: string): Promise<number> {
  const keys = await queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": importPk(merchantId, importId), ":prefix": "PART#" },
    ProjectionExpression: "pk, sk",
  });
  for (let i = 0; i < keys.length; i += 25) {
    let pending: NonNullable<BatchWriteCommandOutput["UnprocessedItems"]>[string] | undefined = keys
      .slice(i, i + 25)
      .map((Key) => ({ DeleteRequest: { Key } }));
    while (pending && pending.length > 0) {
      const result: BatchWriteCommandOutput = await db.client.send(
        new BatchWriteCommand({ RequestItems: { [db.table]: pending } }),
      );
      pending = result.UnprocessedItems?.[db.table];
    }
  }
  return keys.length;
}

/**
 * Erasure's step: in each of the merchant's recent imports, the member's traces. The `SEEN#` items of their
 * phone and e-mail are deleted (by key: two writes, whatever the file's size). Unless the import is
 * completed (then its parts are gone and its lines hold no name or contact): a part's line that `mentions`
 * one of their values becomes empty (the dry run then rejects it as a blank line), and a line still waiting
 * to create a member with their phone or e-mail loses its name and contacts and is rejected (`erased`).
 * Idempotent; returns how many items were changed.
 */
export async function eraseFromImports(
  db: Db,
  merchantId: string,
  member: { phone?: string; email?: string },
  mentions: (text: string) => boolean,
): Promise<number> {
  const recent = await queryAll(db, {
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": recentPk(merchantId) },
    ProjectionExpression: "importId",
  });
  const contacts = (["phone", "email"] as const).flatMap((field) =>
    member[field] ? [{ field, value: member[field] as string }] : [],
  );
  let changed = 0;
  for (const { importId } of recent) {
    const pk = importPk(merchantId, String(importId));
    for (const { field, value } of contacts) {
      await db.client.send(new DeleteCommand({ TableName: db.table, Key: { pk, sk: seenSk(field, value) } }));
    }
    const record = await readImport(db, merchantId, String(importId));
    if (!record || record.status === "completed") continue;
    const parts = await queryAll(db, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": pk, ":prefix": "PART#" },
      ProjectionExpression: "pk, sk, #lines",
      ExpressionAttributeNames: { "#lines": "lines" },
      ConsistentRead: true,
    });
    for (const part of parts) {
      const lines = part.lines as string[];
      // The header (line 1) names columns, not people.
      const kept = lines.map((line, i) =>
        (part.sk === partSk(1) && i === 0) || !mentions(line) ? line : "",
      );
      if (kept.every((line, i) => line === lines[i])) continue;
      await db.client.send(
        new UpdateCommand({
          TableName: db.table,
          Key: { pk: part.pk, sk: part.sk },
          UpdateExpression: "SET #lines = :lines",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#lines": "lines" },
          ExpressionAttributeValues: { ":lines": kept },
        }),
      );
      changed += 1;
    }
    if (contacts.length === 0) continue;
    const waiting = await queryAll(db, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      FilterExpression: `attribute_not_exists(importedAt) AND (${contacts.map((c) => `${c.field} = :${c.field}`).join(" OR ")})`,
      ExpressionAttributeValues: {
        ":pk": pk,
        ":prefix": "LINE#",
        ...Object.fromEntries(contacts.map((c) => [`:${c.field}`, c.value])),
      },
      ProjectionExpression: "pk, sk",
      ConsistentRead: true,
    });
    for (const line of waiting) {
      await db.client.send(
        new UpdateCommand({
          TableName: db.table,
          Key: { pk: line.pk, sk: line.sk },
          UpdateExpression: "SET outcome = :reject, problems = :problems REMOVE #name, phone, email, points",
          ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(importedAt)",
          ExpressionAttributeNames: { "#name": "name" },
          ExpressionAttributeValues: { ":reject": "reject", ":problems": [{ code: "erased" }] },
        }),
      );
      changed += 1;
    }
  }
  return changed;
}

/** Lines in file order from `after` (exclusive), at most `limit`. */
export async function readLines(
  db: Db,
  merchantId: string,
  importId: string,
  after: number,
  limit: number,
): Promise<{ lines: ImportLine[]; more: boolean }> {
  const page = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: {
        ":pk": importPk(merchantId, importId),
        ":from": lineSk(after + 1),
        ":to": lineSk(9_999_999),
      },
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  const lines = (page.Items ?? []).map((item) => strip<ImportLine>(item) as ImportLine);
  return { lines, more: page.LastEvaluatedKey !== undefined };
}

/**
 * Marks a line written by the real run, in the same transaction as its ledger entry ("import-line"): its
 * condition fails when the line was written already, so a re-run or a crash never doubles a balance.
 */
export const lineImportedItem = (
  db: Db,
  merchantId: string,
  importId: string,
  line: number,
  done: { customerId: string; importedAt: string },
): NamedItem => ({
  name: "import-line",
  item: {
    Update: {
      TableName: db.table,
      Key: { pk: importPk(merchantId, importId), sk: lineSk(line) },
      // The member now holds the name and contacts; the report keeps no copy.
      UpdateExpression: "SET customerId = :customerId, importedAt = :importedAt REMOVE #name, phone, email",
      ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(importedAt)",
      ExpressionAttributeNames: { "#name": "name" },
      ExpressionAttributeValues: {
        ":customerId": done.customerId,
        ":importedAt": done.importedAt,
      },
    },
  },
});

/** The import that first received a file with this content hash: this one, or an earlier one. */
export async function claimContentHash(
  db: Db,
  merchantId: string,
  hash: string,
  importId: string,
): Promise<string> {
  const Key = hashKey(merchantId, hash);
  try {
    await db.client.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...Key, importId },
        ConditionExpression: "attribute_not_exists(pk) OR importId = :importId",
        ExpressionAttributeValues: { ":importId": importId },
      }),
    );
    return importId;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key, ConsistentRead: true }));
    return Item?.importId as string;
  }
}

/** Imports with work left, for the import job (a few at a time: each is a merchant's migration). */
export async function listActiveImports(
  db: Db,
  limit: number,
): Promise<{ merchantId: string; importId: string }[]> {
  const page = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": ACTIVE_PK },
      Limit: limit,
    }),
  );
  return (page.Items ?? []).map((item) => ({
    merchantId: item.merchantId as string,
    importId: (item.sk as string).slice((item.merchantId as string).length + 1),
  }));
}

export const STORED_ITEMS = [
  { type: "import", sk: "#IMPORT", indexes: [] },
  { type: "import-active", sk: "<merchantId>#<importId>", indexes: [] },
  { type: "import-part", sk: "PART#<n>", indexes: [], ttl: true },
  { type: "import-line", sk: "LINE#<line>", indexes: [], ttl: true },
  { type: "import-seen", sk: "SEEN#<field>#<value>", indexes: [], ttl: true },
  { type: "import-recent", sk: "IMPORT#<id>", indexes: [], ttl: true },
  { type: "import-hash", sk: "#IMPORT_HASH", indexes: [] },
] as const satisfies readonly StoredItemType[];
