import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ContactField } from "../../customers/contact.ts";
import type { Db } from "../db/client.ts";
import { isConditionFailed } from "../db/contention.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import type { NamedItem } from "../db/transact.ts";

/**
 * A contact change the customer asked for from the portal and has not confirmed yet: one item per
 * customer and field, under the customer, so a newer request replaces the earlier one (and kills its
 * link). It is kept once confirmed, so confirming again gives the same answer, until TTL removes it.
 */
export interface PendingContactChange {
  field: ContactField;
  /** The new address, normalised. */
  value: string;
  /** SHA-256 of the link's secret (shared/portal/contact-change-token.ts). */
  tokenHash: string;
  /** The portal version when asked: revoking the portal links kills the pending change too. */
  portalVersion: number;
  requestedAt: string;
  expiresAt: string;
  confirmedAt?: string;
  /** Links sent for this field since `windowStart`: the portal cannot be used to mail strangers at will. */
  windowStart: string;
  links: number;
}

// The sort key starts with "#", as every single-item-per-customer record does; no stream filter matches it.
const key = (merchantId: string, customerId: string, field: ContactField) => ({
  pk: customerPk(merchantId, customerId),
  sk: `#CONTACT_CHANGE#${field}`,
});

/** Kept a week past its expiry, so an expired link is told apart from one that never existed. */
const KEEP_AFTER_EXPIRY_SECONDS = 7 * 24 * 3600;

export async function readPendingChange(
  db: Db,
  merchantId: string,
  customerId: string,
  field: ContactField,
): Promise<PendingContactChange | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: key(merchantId, customerId, field), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ttl: _ttl, ...change } = Item;
  return change as PendingContactChange;
}

/**
 * Stores a new pending change in place of `previous` (the item as read, or none). False when another
 * request wrote in between: the caller does not know which link is live, so it must not send one.
 */
export async function replacePendingChange(
  db: Db,
  merchantId: string,
  customerId: string,
  change: PendingContactChange,
  previous: PendingContactChange | undefined,
): Promise<boolean> {
  try {
    await db.client.send(
      new PutCommand({
        TableName: db.table,
        Item: {
          ...key(merchantId, customerId, change.field),
          ...change,
          ttl: Math.floor(Date.parse(change.expiresAt) / 1000) + KEEP_AFTER_EXPIRY_SECONDS,
        },
        ...(previous
          ? {
              ConditionExpression: "tokenHash = :previous",
              ExpressionAttributeValues: { ":previous": previous.tokenHash },
            }
          : { ConditionExpression: "attribute_not_exists(pk)" }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

const confirmUpdate = (
  db: Db,
  merchantId: string,
  customerId: string,
  change: PendingContactChange,
  now: string,
) => ({
  TableName: db.table,
  Key: key(merchantId, customerId, change.field),
  UpdateExpression: "SET confirmedAt = :now",
  ConditionExpression: "tokenHash = :hash AND attribute_not_exists(confirmedAt)",
  ExpressionAttributeValues: { ":now": now, ":hash": change.tokenHash },
});

/**
 * Marks the change confirmed, once ("contact-change"): it fails its condition if the link was replaced
 * or already used.
 */
export function confirmItem(
  db: Db,
  merchantId: string,
  customerId: string,
  change: PendingContactChange,
  now: string,
): NamedItem {
  return {
    name: "contact-change",
    item: { Update: confirmUpdate(db, merchantId, customerId, change, now) },
  };
}

/** The same mark on its own, when the profile already holds the address and there is nothing else to write. */
export async function markConfirmed(
  db: Db,
  merchantId: string,
  customerId: string,
  change: PendingContactChange,
  now: string,
): Promise<boolean> {
  try {
    await db.client.send(new UpdateCommand(confirmUpdate(db, merchantId, customerId, change, now)));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export const STORED_ITEMS = [
  { type: "contact-change", sk: "#CONTACT_CHANGE#<field>", indexes: [], ttl: true },
] as const satisfies readonly StoredItemType[];
