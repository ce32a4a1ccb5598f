import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Claim, ClaimStatus } from "../model.ts";
import { decodeCursor, encodeCursor } from "../pagination.ts";
import { activitySk } from "./db/activity-keys.ts";
import { itemsOf } from "./db/batch-get.ts";
import type { Db } from "./db/client.ts";
import type { StoredItemType } from "./db/item-types.ts";
import type { NamedItem } from "./db/transact.ts";

/**
 * Claims for missing points live under their own key (read by id when staff decide them) and appear in two
 * index partitions: the merchant's review queue for their status (gsi1) and the customer's own list (gsi2),
 * both by creation time. A receipt number claimed at a location is an item of its own, claimed once.
 */

const claimKey = (merchantId: string, claimId: string) => ({
  pk: `MERCHANT#${merchantId}#POINTSCLAIM#${claimId}`,
  sk: "#POINTSCLAIM",
});
/** The merchant's review queue, one index partition per status. */
const queuePk = (merchantId: string, status: string) => `MERCHANT#${merchantId}#POINTSCLAIMS#${status}`;
const customerClaimsPk = (merchantId: string, customerId: string) =>
  `MERCHANT#${merchantId}#CUSTOMER#${customerId}#POINTSCLAIMS`;
/** Per location: two shops of one merchant may number their receipts alike. */
const receiptKey = (merchantId: string, locationId: string, receipt: string) => ({
  pk: `MERCHANT#${merchantId}#RECEIPT#${locationId}#${receipt}`,
  sk: "#RECEIPT",
});

const indexKeys = (claim: Claim) => {
  const sk = activitySk(claim.createdAt, claim.id);
  return {
    gsi1pk: queuePk(claim.merchantId, claim.status),
    gsi1sk: sk,
    gsi2pk: customerClaimsPk(claim.merchantId, claim.customerId),
    gsisk: sk,
  };
};

function claimOf(item: Record<string, unknown>): Claim {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _s1, gsi2pk: _g2, gsisk: _s2, ...claim } = item;
  return claim as unknown as Claim;
}

/** A new claim ("claim"). */
export function newClaimItem(db: Db, claim: Claim): NamedItem {
  return {
    name: "claim",
    item: {
      Put: {
        TableName: db.table,
        Item: { ...claimKey(claim.merchantId, claim.id), ...claim, ...indexKeys(claim) },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

/** The receipt number, normalised, claimed with the claim ("receipt"): it fails when claimed before. */
export function receiptItem(db: Db, claim: Claim, receipt: string): NamedItem {
  return {
    name: "receipt",
    item: {
      Put: {
        TableName: db.table,
        Item: { ...receiptKey(claim.merchantId, claim.locationId, receipt), claimId: claim.id },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

/** The decision ("claim"), on condition that the claim is still in the status it was read in. */
export function decisionItem(db: Db, before: Claim, after: Claim): NamedItem {
  return {
    name: "claim",
    item: {
      Update: {
        TableName: db.table,
        Key: claimKey(before.merchantId, before.id),
        UpdateExpression: "SET #status = :status, decision = :decision, updatedAt = :now, gsi1pk = :queue",
        ConditionExpression: "#status = :before",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":status": after.status,
          ":decision": after.decision,
          ":now": after.updatedAt,
          ":queue": indexKeys(after).gsi1pk,
          ":before": before.status,
        },
      },
    },
  };
}

export async function getClaim(db: Db, merchantId: string, claimId: string): Promise<Claim | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: claimKey(merchantId, claimId), ConsistentRead: true }),
  );
  return Item ? claimOf(Item) : undefined;
}

const isQueueCursor = (value: unknown): value is { sk: string; id: string } =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { sk: unknown }).sk === "string" &&
  typeof (value as { id: unknown }).id === "string" &&
  /^[A-Za-z0-9_-]{1,64}$/.test((value as { id: string }).id) &&
  (value as { sk: string }).sk.endsWith(`#${(value as { id: string }).id}`);

/**
 * A page of the merchant's claims in one status: pending ones oldest first (first come, first served),
 * decided ones newest first.
 */
export async function readClaimQueue(
  db: Db,
  merchantId: string,
  query: { status: ClaimStatus; limit: number; cursor?: string },
): Promise<{ claims: Claim[]; nextCursor: string | null }> {
  const queue = queuePk(merchantId, query.status);
  // The cursor names a position; the key is rebuilt here, so it can only ever point into this queue.
  const after = query.cursor ? decodeCursor(query.cursor, isQueueCursor) : undefined;
  const { Items = [], LastEvaluatedKey } = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :queue",
      ExpressionAttributeValues: { ":queue": queue },
      ScanIndexForward: query.status === "pending",
      Limit: query.limit,
      ...(after
        ? {
            ExclusiveStartKey: { ...claimKey(merchantId, after.id), gsi1pk: queue, gsi1sk: after.sk },
          }
        : {}),
    }),
  );
  const last = LastEvaluatedKey as { gsi1sk: string; pk: string } | undefined;
  const lastId = last ? String(last.pk).split("#").at(-1) : undefined;
  return {
    claims: Items.map(claimOf),
    nextCursor: last && lastId ? encodeCursor({ sk: last.gsi1sk, id: lastId }) : null,
  };
}

/** A customer's own claims, newest first (the most recent hundred). */
export async function readCustomerClaims(db: Db, merchantId: string, customerId: string): Promise<Claim[]> {
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": customerClaimsPk(merchantId, customerId) },
      ScanIndexForward: false,
      Limit: 100,
    }),
  );
  // The index copies a claim's texts only (for an erasure): the claims themselves are read by key.
  return (await itemsOf(db, Items)).map(claimOf);
}

export const STORED_ITEMS = [
  { type: "points-claim", sk: "#POINTSCLAIM", indexes: ["gsi1", "gsi2"] },
  { type: "receipt-claim", sk: "#RECEIPT", indexes: [] },
] as const satisfies readonly StoredItemType[];
