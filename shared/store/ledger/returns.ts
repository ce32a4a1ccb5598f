import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { ReturnedSoFar } from "../../transactions/purchase-return.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import type { NamedItem } from "../db/transact.ts";

/**
 * What was returned of one purchase so far, one item per purchase (`RETURNS#<entryId>` under the
 * merchant): partial returns never take back more than it earned, because each rewrites it on condition
 * that no other return came in between.
 */

export interface ReturnsRecord extends ReturnedSoFar {
  /** Number of returns so far; the next one is written only if no other came in between. */
  count: number;
}

const key = (merchantId: string, entryId: string) => ({
  pk: `MERCHANT#${merchantId}#RETURNS#${entryId}`,
  sk: "#RETURNS",
});

export async function readReturns(db: Db, merchantId: string, entryId: string): Promise<ReturnsRecord> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: key(merchantId, entryId), ConsistentRead: true }),
  );
  if (!Item) return { amount: "0", points: 0, count: 0 };
  return { amount: String(Item.amount), points: Number(Item.points), count: Number(Item.count) };
}

/** The purchase's returns with one more ("returns"), on condition that `before` is still what is stored. */
export function returnsPut(
  db: Db,
  purchase: { merchantId: string; customerId: string; id: string },
  before: ReturnsRecord,
  total: ReturnedSoFar,
  now: Date,
): NamedItem {
  return {
    name: "returns",
    item: {
      Put: {
        TableName: db.table,
        Item: {
          ...key(purchase.merchantId, purchase.id),
          merchantId: purchase.merchantId,
          customerId: purchase.customerId,
          entryId: purchase.id,
          amount: total.amount,
          points: total.points,
          count: before.count + 1,
          updatedAt: now.toISOString(),
        },
        ConditionExpression: before.count === 0 ? "attribute_not_exists(pk)" : "#count = :seen",
        ...(before.count === 0
          ? {}
          : {
              ExpressionAttributeNames: { "#count": "count" },
              ExpressionAttributeValues: { ":seen": before.count },
            }),
      },
    },
  };
}

export const STORED_ITEMS = [
  { type: "purchase-returns", sk: "#RETURNS", indexes: [] },
] as const satisfies readonly StoredItemType[];
