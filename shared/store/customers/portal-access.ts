import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";

/**
 * The customer's portal access (`#PORTAL` under the customer): the version every portal link carries
 * (shared/portal/access.ts). No item means version 1, so a member who never had a link revoked has none.
 */

const key = (merchantId: string, customerId: string) => ({
  pk: customerPk(merchantId, customerId),
  sk: "#PORTAL",
});

/** The current version, read consistently: a revocation must hold on the very next request. */
export async function readPortalVersion(db: Db, merchantId: string, customerId: string): Promise<number> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: key(merchantId, customerId), ConsistentRead: true }),
  );
  return typeof Item?.version === "number" ? Item.version : 1;
}

/** Moves to the next version and returns it. */
export async function bumpPortalVersion(
  db: Db,
  merchantId: string,
  customerId: string,
  now: Date,
): Promise<number> {
  const { Attributes } = await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: key(merchantId, customerId),
      // An absent item is version 1, so the first revocation makes it 2.
      UpdateExpression: "SET version = if_not_exists(version, :one) + :one, updatedAt = :now",
      ExpressionAttributeValues: { ":one": 1, ":now": now.toISOString() },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  return Attributes?.version as number;
}

export const STORED_ITEMS = [
  { type: "portal-access", sk: "#PORTAL", indexes: [] },
] as const satisfies readonly StoredItemType[];
