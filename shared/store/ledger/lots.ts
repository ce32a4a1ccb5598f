import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { type Bucket, bucketPoints, type Lot, nextDue } from "../../ledger/lots.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import { queryAll } from "../db/query-all.ts";
import type { NamedItem } from "../db/transact.ts";
import { duePk, dueShard, dueSk } from "./due-index.ts";

/**
 * The lot buckets of a customer (see shared/ledger/lots.ts): item `LOTS#<quarter | never>` under the
 * customer, carrying the due index (gsi5) at its soonest expiry while anything in it can expire.
 */

const PREFIX = "LOTS#";
const bucketSk = (key: string) => `${PREFIX}${key}`;

/** Index keys that put an item on the due list of its day; the due index also lists inactivity deadlines. */
export function dueKeys(merchantId: string, customerId: string, dueAt: string) {
  return {
    gsi5pk: duePk(dueAt.slice(0, 10), dueShard(customerId)),
    gsi5sk: dueSk(dueAt, merchantId, customerId),
  };
}

const toBucket = (item: Record<string, unknown>): Bucket => ({
  key: String(item.sk).slice(PREFIX.length),
  lots: (item.lots as Lot[] | undefined) ?? [],
  rev: Number(item.rev ?? 0),
});

export const emptyBucket = (key: string): Bucket => ({ key, lots: [], rev: 0 });

/**
 * Buckets soonest-expiring first. With `enough`, stops once they hold that many points, so a debit reads
 * only the buckets it spends from; with `through`, only buckets up to that key (what can be due by now).
 */
export async function readBuckets(
  db: Db,
  merchantId: string,
  customerId: string,
  options: { enough?: number; through?: string } = {},
): Promise<Bucket[]> {
  const { enough, through } = options;
  const items = await queryAll(
    db,
    {
      KeyConditionExpression: through
        ? "pk = :pk AND sk BETWEEN :from AND :to"
        : "pk = :pk AND begins_with(sk, :from)",
      ExpressionAttributeValues: {
        ":pk": customerPk(merchantId, customerId),
        ":from": PREFIX,
        ...(through ? { ":to": bucketSk(through) } : {}),
      },
      ConsistentRead: true,
      ...(enough !== undefined ? { Limit: 4 } : {}),
    },
    enough === undefined
      ? undefined
      : (read) => read.reduce((s, i) => s + bucketPoints(toBucket(i)), 0) >= enough,
  );
  return items.map(toBucket);
}

export async function readBucket(
  db: Db,
  merchantId: string,
  customerId: string,
  key: string,
): Promise<Bucket> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: { pk: customerPk(merchantId, customerId), sk: bucketSk(key) },
      ConsistentRead: true,
    }),
  );
  return Item ? toBucket(Item) : emptyBucket(key);
}

/**
 * The write that stores a bucket as planned by the entry `seq`, on condition no other entry changed it
 * since it was read. The bucket's `rev` is the seq of the entry that last wrote it: it only grows, even
 * across a bucket emptied and made again, so a stale read can never match.
 */
export function bucketWrite(
  db: Db,
  merchantId: string,
  customerId: string,
  bucket: Bucket,
  seq: number,
): NamedItem {
  const Key = { pk: customerPk(merchantId, customerId), sk: bucketSk(bucket.key) };
  const name = `lots:${bucket.key}`;
  const unchanged =
    bucket.rev === 0
      ? { ConditionExpression: "attribute_not_exists(pk)" }
      : {
          ConditionExpression: "rev = :rev",
          ExpressionAttributeValues: { ":rev": bucket.rev },
        };
  if (bucket.lots.length === 0) {
    return { name, item: { Delete: { TableName: db.table, Key, ...unchanged } } };
  }
  const due = nextDue(bucket);
  return {
    name,
    item: {
      Put: {
        TableName: db.table,
        Item: {
          ...Key,
          merchantId,
          customerId,
          lots: bucket.lots,
          points: bucketPoints(bucket),
          rev: seq,
          ...(due ? { dueAt: due, ...dueKeys(merchantId, customerId, due) } : {}),
        },
        ...unchanged,
      },
    },
  };
}

export const STORED_ITEMS = [
  { type: "lot-bucket", sk: "LOTS#<yyyy-q | never>", indexes: ["gsi5"] },
] as const satisfies readonly StoredItemType[];
