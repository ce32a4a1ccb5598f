import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { LedgerEntry, Redemption, RedemptionStatus } from "../model.ts";
import type { Db } from "./db/client.ts";
import { isConditionFailed } from "./db/contention.ts";
import type { StoredItemType } from "./db/item-types.ts";
import type { NamedItem } from "./db/transact.ts";
import { readEntry } from "./ledger/entries.ts";

/**
 * Redemptions: one item per redemption, under the merchant (read by id), which is also the coupon of the
 * internal issuer; and the claim of its coupon code, written with it, so no two coupons of a merchant can
 * ever share a code.
 */

export const redemptionKey = (merchantId: string, redemptionId: string) => ({
  pk: `MERCHANT#${merchantId}#REDEMPTION#${redemptionId}`,
  sk: "#REDEMPTION",
});
export const couponCodeKey = (merchantId: string, code: string) => ({
  pk: `MERCHANT#${merchantId}#COUPON#${code}`,
  sk: "#COUPON",
});

function redemptionOf(item: Record<string, unknown>): Redemption {
  const { pk: _pk, sk: _sk, ...redemption } = item;
  return redemption as unknown as Redemption;
}

const putNew = (db: Db, name: string, Item: Record<string, unknown>): NamedItem => ({
  name,
  item: { Put: { TableName: db.table, Item, ConditionExpression: "attribute_not_exists(pk)" } },
});

/** The new redemption ("redemption"), in the transaction that takes its points. */
export function newRedemptionItem(db: Db, redemption: Redemption): NamedItem {
  return putNew(db, "redemption", { ...redemptionKey(redemption.merchantId, redemption.id), ...redemption });
}

/** Claims the redemption's coupon code ("coupon"): fails when another redemption holds it. */
export function couponCodeItem(db: Db, redemption: Redemption): NamedItem {
  return putNew(db, "coupon", {
    ...couponCodeKey(redemption.merchantId, redemption.code),
    redemptionId: redemption.id,
    customerId: redemption.customerId,
  });
}

/**
 * The refund ("redemption"), on condition the redemption is still unrefunded and in the status the refund
 * was decided on (`seen`), or already in the status it moves to (an internal revoke may have moved it).
 */
export function refundItem(
  db: Db,
  seen: Redemption,
  change: { status: RedemptionStatus; refund: NonNullable<Redemption["refund"]>; revokedAt?: string },
): NamedItem {
  const { revokedAt } = change;
  return {
    name: "redemption",
    item: {
      Update: {
        TableName: db.table,
        Key: redemptionKey(seen.merchantId, seen.id),
        UpdateExpression: `SET #status = :next, #refund = :refund${revokedAt ? ", revokedAt = :at" : ""}`,
        ConditionExpression: "attribute_not_exists(#refund) AND #status IN (:seen, :next)",
        ExpressionAttributeNames: { "#status": "status", "#refund": "refund" },
        ExpressionAttributeValues: {
          ":next": change.status,
          ":seen": seen.status,
          ":refund": change.refund,
          ...(revokedAt ? { ":at": revokedAt } : {}),
        },
      },
    },
  };
}

/** Read consistently: refunds and uses decide from it. */
export async function getRedemption(
  db: Db,
  merchantId: string,
  redemptionId: string,
): Promise<Redemption | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: redemptionKey(merchantId, redemptionId),
      ConsistentRead: true,
    }),
  );
  return Item ? redemptionOf(Item) : undefined;
}

/** The ledger entry that took a redemption's points. */
export async function redemptionEntry(db: Db, redemption: Redemption): Promise<LedgerEntry> {
  const entry = await readEntry(db, redemption.merchantId, redemption.customerId, redemption.entrySeq);
  if (!entry) throw new Error(`redemption ${redemption.id} points at a missing ledger entry`);
  return entry;
}

/**
 * Marks the coupon used, on condition it is still issued and its redemption not refunded; the redemption
 * as it then stands, or undefined when the condition failed (read it again to tell why).
 */
export async function markUsed(
  db: Db,
  merchantId: string,
  redemptionId: string,
  use: { at: string; locationId: string; staffId: string },
): Promise<Redemption | undefined> {
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: redemptionKey(merchantId, redemptionId),
        UpdateExpression: "SET #status = :used, usedAt = :now, usedLocationId = :location, usedBy = :staff",
        ConditionExpression: "#status = :issued AND attribute_not_exists(#refund)",
        ExpressionAttributeNames: { "#status": "status", "#refund": "refund" },
        ExpressionAttributeValues: {
          ":used": "used",
          ":issued": "issued",
          ":now": use.at,
          ":location": use.locationId,
          ":staff": use.staffId,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return redemptionOf(Attributes ?? {});
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/**
 * Revokes the coupon of the internal issuer (the redemption is the coupon), on condition it is still
 * issued; false when it was not (revoked before, never written, or used meanwhile).
 */
export async function revokeIssued(
  db: Db,
  merchantId: string,
  redemptionId: string,
  at: string,
): Promise<boolean> {
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: redemptionKey(merchantId, redemptionId),
        UpdateExpression: "SET #status = :revoked, revokedAt = :now",
        ConditionExpression: "#status = :issued",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":revoked": "revoked", ":issued": "issued", ":now": at },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export const STORED_ITEMS = [
  { type: "redemption", sk: "#REDEMPTION", indexes: [] },
  { type: "coupon-code", sk: "#COUPON", indexes: [] },
] as const satisfies readonly StoredItemType[];
