import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { queryAll } from "../db/query-all.ts";
import type { NamedItem } from "../db/transact.ts";

/**
 * The name index: one item per word of a customer's name (folded: shared/customers/contact.ts), and one for
 * the whole folded name (`=<words joined by spaces>`), all in one partition per merchant, sorted by word.
 * Enrolments and renames are rare; searches are prefix queries, and a full name is one Query on its own key
 * however many customers share its first word. Written in the same transaction as the profile, so the index
 * never disagrees with it.
 */

const nameIndexPk = (merchantId: string) => `MERCHANT#${merchantId}#NAMES`;
const nameIndexSk = (word: string, customerId: string) => `${word}#${customerId}`;
const key = (merchantId: string, customerId: string, word: string) => ({
  pk: nameIndexPk(merchantId),
  sk: nameIndexSk(word, customerId),
});

const wordPut = (db: Db, merchantId: string, customerId: string, word: string): NamedItem => ({
  name: `name:${word}`,
  item: { Put: { TableName: db.table, Item: { ...key(merchantId, customerId, word), customerId } } },
});

/** The whole name's key: "=" sorts apart from every word (words are letters and digits). */
const fullNameKey = (words: readonly string[]) => `=${words.join(" ")}`;

const wordDelete = (db: Db, merchantId: string, customerId: string, word: string): NamedItem => ({
  name: `name:${word}`,
  item: { Delete: { TableName: db.table, Key: key(merchantId, customerId, word) } },
});

/**
 * The index changes ("name:<word>", "name:=<full name>") that take a customer from the words of one name
 * to those of another; words in both stay as they are, so each word is named once.
 */
export function nameIndexChanges(
  db: Db,
  merchantId: string,
  customerId: string,
  from: readonly string[],
  to: readonly string[],
): NamedItem[] {
  const before = new Set(from.length > 0 ? [...from, fullNameKey(from)] : []);
  const after = new Set(to.length > 0 ? [...to, fullNameKey(to)] : []);
  return [
    ...[...before].filter((w) => !after.has(w)).map((w) => wordDelete(db, merchantId, customerId, w)),
    ...[...after].filter((w) => !before.has(w)).map((w) => wordPut(db, merchantId, customerId, w)),
  ];
}

/**
 * The customers with a name word starting with `prefix`, in word order, at most `limit` rows read (one
 * customer may appear more than once). Eventually consistent, as any index.
 */
export async function customersByNamePrefix(
  db: Db,
  merchantId: string,
  prefix: string,
  limit: number,
): Promise<string[]> {
  const rows = await queryAll(
    db,
    {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": nameIndexPk(merchantId), ":prefix": prefix },
      Limit: limit,
    },
    (items) => items.length >= limit,
  );
  return rows.map((row) => row.customerId as string);
}

/**
 * The customers whose whole folded name is exactly these words (in this order), at most `limit` rows read.
 * Eventually consistent, as any index.
 */
export async function customersByFullName(
  db: Db,
  merchantId: string,
  words: readonly string[],
  limit: number,
): Promise<string[]> {
  const rows = await queryAll(
    db,
    {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": nameIndexPk(merchantId), ":prefix": `${fullNameKey(words)}#` },
      Limit: limit,
    },
    (items) => items.length >= limit,
  );
  return rows.slice(0, limit).map((row) => row.customerId as string);
}

/**
 * One page of the merchant's customers, each once (the whole-name rows, in name order), for exports: at
 * most `limit` ids, and where the next page starts (undefined at the end).
 */
export async function customerIdsPage(
  db: Db,
  merchantId: string,
  limit: number,
  after?: string,
): Promise<{ ids: string[]; next?: string }> {
  const { Items = [], LastEvaluatedKey } = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :full)",
      ExpressionAttributeValues: { ":pk": nameIndexPk(merchantId), ":full": "=" },
      Limit: limit,
      ...(after ? { ExclusiveStartKey: { pk: nameIndexPk(merchantId), sk: after } } : {}),
    }),
  );
  return {
    ids: Items.map((row) => row.customerId as string),
    next: LastEvaluatedKey?.sk as string | undefined,
  };
}

export const STORED_ITEMS = [
  { type: "name-index-word", sk: "<word | =full name>#<customerId>", indexes: [] },
] as const satisfies readonly StoredItemType[];
