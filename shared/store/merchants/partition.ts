import type { Db } from "../db/client.ts";
import { getItem } from "../db/get-item.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { merchantPk } from "../db/partitions.ts";
import { queryAll } from "../db/query-all.ts";
import type { NamedItem } from "../db/transact.ts";

/**
 * The merchant's own partition (`MERCHANT#<id>`): its record, locations, programs, staff and rewards are
 * one item each under it, so every read is keyed by the merchant and nothing crosses merchants.
 * What the merchants stores and the rewards store share; each owns its sort keys.
 */

export const recordKey = (merchantId: string, sk: string) => ({ pk: merchantPk(merchantId), sk });

export function recordFromItem<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as T;
}

export async function readRecord<T>(
  db: Db,
  merchantId: string,
  sk: string,
  consistent: boolean,
): Promise<T | undefined> {
  const Item = await getItem(db, recordKey(merchantId, sk), { consistent });
  return Item ? recordFromItem<T>(Item) : undefined;
}

/**
 * Every item under a sort-key prefix, in sort-key (id) order. A merchant has tens of these, not thousands,
 * so they are read whole; consistently, as a settings screen shows what was just saved.
 */
export const readRecordItems = (db: Db, merchantId: string, prefix: string) =>
  queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": merchantPk(merchantId), ":prefix": prefix },
    ConsistentRead: true,
  });

/** The Put of a new record: its condition fails only if the id is taken. */
export const newRecordPut = (db: Db, merchantId: string, sk: string, record: object) => ({
  TableName: db.table,
  Item: { ...recordKey(merchantId, sk), ...record },
  ConditionExpression: "attribute_not_exists(pk)",
});

/** A new record, under the name its failure is reported by. */
export const newRecordItem = (
  db: Db,
  name: string,
  merchantId: string,
  sk: string,
  record: object,
): NamedItem => ({ name, item: { Put: newRecordPut(db, merchantId, sk, record) } });

/** Helpers only: the item types are the other stores'. */
export const STORED_ITEMS = [] as const satisfies readonly StoredItemType[];
